// `almanac serve`: migrate, make sure an account exists, serve until asked
// to stop (SIGINT/SIGTERM), then stop cleanly, embedded PostgreSQL included.
#pragma once

#include <functional>

#include "server/app/settings.h"

namespace app {

// `wait_for_stop` blocks until the process is asked to terminate.
int RunServe(const Settings& settings, const std::function<void()>& wait_for_stop);

}  // namespace app
