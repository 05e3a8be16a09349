#include "storage/account_store.h"

#include "storage/sql.h"

namespace storage {
namespace {

#define ACCOUNT_COLUMNS \
  "id, name, password_hash, is_admin, disabled, (extract(epoch from created_at) * 1000000)::bigint"

const Statement kFindByName{"account_by_name",
                            "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE name = $1"};
const Statement kList{"account_list", "SELECT " ACCOUNT_COLUMNS " FROM accounts ORDER BY name"};
const Statement kCount{"account_count", "SELECT count(*) FROM accounts"};
const Statement kInsert{"account_insert",
                        "INSERT INTO accounts (name, password_hash, is_admin) VALUES ($1, $2, $3)"
                        " RETURNING " ACCOUNT_COLUMNS};
const Statement kSetPassword{"account_set_password",
                             "UPDATE accounts SET password_hash = $2 WHERE name = $1"};
const Statement kSetAdmin{"account_set_admin", "UPDATE accounts SET is_admin = $2 WHERE name = $1"};
const Statement kDelete{"account_delete", "DELETE FROM accounts WHERE name = $1"};

#undef ACCOUNT_COLUMNS

Account ToAccount(const pqxx::row& row) {
  Account account;
  account.id = row[0].as<int64_t>();
  account.name = row[1].as<std::string>();
  account.password_hash = row[2].as<std::string>();
  account.is_admin = row[3].as<bool>();
  account.disabled = row[4].as<bool>();
  account.created = MicrosField(row[5]);
  return account;
}

}  // namespace

std::optional<Account> FindAccountByName(Transaction& tx, const std::string& name) {
  pqxx::result result = Exec(tx, kFindByName, name);
  if (result.empty()) return std::nullopt;
  return ToAccount(result[0]);
}

std::vector<Account> ListAccounts(Transaction& tx) {
  std::vector<Account> accounts;
  for (const auto& row : Exec(tx, kList)) accounts.push_back(ToAccount(row));
  return accounts;
}

int64_t CountAccounts(Transaction& tx) { return Exec(tx, kCount)[0][0].as<int64_t>(); }

Account InsertAccount(Transaction& tx, const std::string& name, const std::string& password_hash,
                      bool is_admin) {
  return ToAccount(Exec(tx, kInsert, name, password_hash, is_admin)[0]);
}

bool SetAccountPassword(Transaction& tx, const std::string& name, const std::string& password_hash) {
  return Exec(tx, kSetPassword, name, password_hash).affected_rows() == 1;
}

bool SetAccountAdmin(Transaction& tx, const std::string& name, bool is_admin) {
  return Exec(tx, kSetAdmin, name, is_admin).affected_rows() == 1;
}

bool DeleteAccount(Transaction& tx, const std::string& name) {
  return Exec(tx, kDelete, name).affected_rows() == 1;
}

}  // namespace storage
