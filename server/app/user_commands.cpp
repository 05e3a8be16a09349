#include "server/app/user_commands.h"

#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "server/app/database_setup.h"
#include "server/auth/password_hash.h"
#include "server/dav/provisioning.h"
#include "storage/account_store.h"

namespace app {
namespace {

std::optional<std::string> ReadLine(bool echo) {
  termios saved{};
  bool terminal = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
  if (terminal && !echo) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool ok = static_cast<bool>(std::getline(std::cin, line));
  if (terminal && !echo) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << "\n";
  }
  if (!ok) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::optional<std::string> PasswordFor(const UserCommandFlags& flags) {
  if (flags.password) return flags.password;
  return ReadPassword("Password: ");
}

int Usage() {
  std::cerr << "usage: almanac user add NAME [--password PW] [--admin]\n"
               "       almanac user passwd NAME [--password PW]\n"
               "       almanac user delete NAME\n"
               "       almanac user list\n"
               "Without --password the password is read from standard input.\n";
  return 2;
}

}  // namespace

std::optional<std::string> ReadPassword(const std::string& prompt) {
  if (!isatty(STDIN_FILENO)) return ReadLine(true);
  std::cerr << prompt << std::flush;
  auto first = ReadLine(false);
  if (!first) return std::nullopt;
  std::cerr << "Again: " << std::flush;
  auto second = ReadLine(false);
  if (!second || *second != *first) {
    std::cerr << "The passwords differ.\n";
    return std::nullopt;
  }
  return first;
}

int RunUserCommand(const Settings& settings, const std::vector<std::string>& words,
                   const UserCommandFlags& flags) {
  if (words.empty()) return Usage();
  const std::string& action = words[0];
  bool needs_name = action == "add" || action == "passwd" || action == "delete";
  if ((needs_name && words.size() != 2) || (action == "list" && words.size() != 1)) return Usage();
  if (!needs_name && action != "list") return Usage();

  std::optional<std::string> password;
  if (action == "add" || action == "passwd") {
    password = PasswordFor(flags);
    if (!password || password->empty()) {
      std::cerr << "almanac: a non-empty password is needed\n";
      return 1;
    }
  }
  DatabaseHandle handle = OpenDatabase(settings, /*server=*/false);
  storage::Database& db = *handle.db;

  if (action == "add") {
    auto account = dav::ProvisionAccount(db, words[1], auth::HashPassword(*password), flags.admin);
    if (!account.ok()) {
      std::cerr << "almanac: " << account.status().message() << "\n";
      return 1;
    }
    std::cout << "created account " << account->name << (account->is_admin ? " (admin)" : "")
              << "\n";
    return 0;
  }
  if (action == "passwd") {
    storage::Transaction tx = db.Begin();
    if (!storage::SetAccountPassword(tx, words[1], auth::HashPassword(*password))) {
      std::cerr << "almanac: no account named " << words[1] << "\n";
      return 1;
    }
    tx.Commit();
    // Running servers compare the stored hash on every request: the old
    // password stops working at once.
    std::cout << "password changed for " << words[1] << "\n";
    return 0;
  }
  if (action == "delete") {
    storage::Transaction tx = db.Begin();
    if (!storage::DeleteAccount(tx, words[1])) {
      std::cerr << "almanac: no account named " << words[1] << "\n";
      return 1;
    }
    tx.Commit();
    std::cout << "deleted account " << words[1] << " and everything it owned\n";
    return 0;
  }
  storage::Transaction tx = db.Begin(storage::TxMode::kReadOnlySnapshot);
  for (const storage::Account& account : storage::ListAccounts(tx)) {
    std::cout << account.name << (account.is_admin ? "\tadmin" : "\t-")
              << (account.disabled ? "\tdisabled" : "\tactive") << "\n";
  }
  return 0;
}

}  // namespace app
