// Accounts (principals that can log in). Names are fixed at creation: they
// are part of every URL a client has seen.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "server/base/time.h"

namespace storage {

class Transaction;

struct Account {
  int64_t id = 0;
  std::string name;
  std::string password_hash;  // Argon2id encoded string
  bool is_admin = false;
  bool disabled = false;
  base::Timestamp created;
};

std::optional<Account> FindAccountByName(Transaction& tx, const std::string& name);
std::vector<Account> ListAccounts(Transaction& tx);
int64_t CountAccounts(Transaction& tx);

// Throws DbError(kConflict) when the name is taken.
Account InsertAccount(Transaction& tx, const std::string& name, const std::string& password_hash,
                      bool is_admin);
bool SetAccountPassword(Transaction& tx, const std::string& name, const std::string& password_hash);
bool SetAccountAdmin(Transaction& tx, const std::string& name, bool is_admin);
// Deletes the account and, through foreign keys, everything it owns.
bool DeleteAccount(Transaction& tx, const std::string& name);

}  // namespace storage
