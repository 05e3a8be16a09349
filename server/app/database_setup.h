// Opens the configured PostgreSQL: an external one (database_url) or the
// embedded cluster in data_dir, started on demand, and migrates it.
#pragma once

#include <memory>

#include "server/app/settings.h"
#include "storage/database.h"
#include "storage/embedded_postgres.h"

namespace app {

struct DatabaseHandle {
  // Declared first: destroyed last, after every connection is closed.
  std::unique_ptr<storage::EmbeddedPostgres> embedded;
  std::unique_ptr<storage::Database> db;
};

// `server`: the serve command owns the embedded cluster and stops it when
// done; other commands stop it only if they started it. Throws
// std::runtime_error or storage::DbError with a readable message.
DatabaseHandle OpenDatabase(const Settings& settings, bool server);

}  // namespace app
