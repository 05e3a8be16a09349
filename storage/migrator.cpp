#include <set>
#include <stdexcept>

#include "server/base/log.h"
#include "storage/migrations.h"
#include "storage/sql.h"

namespace storage {
namespace {

// Any fixed number: all almanac processes on one database agree on it.
constexpr int64_t kMigrationLockKey = 0x616c6d616e6163;  // "almanac"

const Statement kCreateTable{"migrations_create_table",
                             "CREATE TABLE IF NOT EXISTS schema_migrations ("
                             " name text PRIMARY KEY,"
                             " applied_at timestamptz NOT NULL DEFAULT now())"};
const Statement kLock{"migrations_lock", "SELECT pg_advisory_xact_lock($1)"};
const Statement kApplied{"migrations_applied", "SELECT name FROM schema_migrations ORDER BY name"};
const Statement kRecord{"migrations_record", "INSERT INTO schema_migrations (name) VALUES ($1)"};
const Statement kTableExists{"migrations_table_exists",
                             "SELECT to_regclass('schema_migrations') IS NOT NULL"};

std::set<std::string> Applied(Transaction& tx) {
  std::set<std::string> names;
  for (const auto& row : Exec(tx, kApplied)) names.insert(row[0].as<std::string>());
  return names;
}

void CheckKnown(const std::set<std::string>& applied, const std::vector<Migration>& migrations) {
  std::set<std::string> known;
  for (const auto& migration : migrations) known.insert(migration.name);
  for (const auto& name : applied) {
    if (!known.count(name)) {
      throw std::runtime_error("the database has migration " + name +
                               ", which this almanac binary does not know: it is older than the "
                               "database; run a newer almanac");
    }
  }
}

}  // namespace

int ApplyMigrations(Database& db, const std::vector<Migration>& migrations) {
  {
    Transaction tx = db.Begin();
    Exec(tx, kLock, kMigrationLockKey);
    Exec(tx, kCreateTable);
    CheckKnown(Applied(tx), migrations);
    tx.Commit();
  }
  int count = 0;
  for (const auto& migration : migrations) {
    // Each migration in its own transaction, holding the advisory lock, so a
    // second process waits and then sees the migration recorded.
    Transaction tx = db.Begin();
    Exec(tx, kLock, kMigrationLockKey);
    if (Applied(tx).count(migration.name)) continue;
    base::LogInfo("applying migration " + migration.name);
    Guarded(tx, [&] { tx.impl().work->exec(migration.sql); });
    Exec(tx, kRecord, migration.name);
    tx.Commit();
    ++count;
  }
  return count;
}

bool MigrationsCurrent(Database& db, const std::vector<Migration>& migrations) {
  Transaction tx = db.Begin(TxMode::kReadOnlySnapshot);
  if (!Exec(tx, kTableExists)[0][0].as<bool>()) return false;
  std::set<std::string> applied = Applied(tx);
  for (const auto& migration : migrations) {
    if (!applied.count(migration.name)) return false;
  }
  return true;
}

}  // namespace storage
