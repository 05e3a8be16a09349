// `almanac user add|passwd|delete|list`: account management against the
// same database the server uses, whether or not a server is running.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/app/settings.h"

namespace app {

struct UserCommandFlags {
  std::optional<std::string> password;  // --password; else read from stdin
  bool admin = false;                   // --admin
};

// `words` are the positionals after "user". Returns the process exit code.
int RunUserCommand(const Settings& settings, const std::vector<std::string>& words,
                   const UserCommandFlags& flags);

// Reads a password: prompts twice without echo on a terminal, else reads
// the first line of standard input.
std::optional<std::string> ReadPassword(const std::string& prompt);

}  // namespace app
