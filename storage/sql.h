// Private to storage/: the only header that includes libpqxx. Store files use
// Exec() with a named Statement, so every query is prepared once per
// connection and parameterised, and every libpqxx exception leaves storage/
// as a DbError (STYLE.md "Errors and ownership").
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "storage/database.h"
#include "server/base/time.h"
#include "storage/db_error.h"

namespace storage {

struct Statement {
  const char* name;
  const char* sql;
};

struct PooledConnection {
  std::unique_ptr<pqxx::connection> connection;
  std::unordered_set<std::string> prepared;
  bool broken = false;
};

struct Transaction::Impl {
  Database::Impl* database = nullptr;
  std::unique_ptr<PooledConnection> lease;
  std::unique_ptr<pqxx::dbtransaction> work;
  bool finished = false;
};

// Translates the exception in flight (call from a catch block) into DbError.
[[noreturn]] void RethrowAsDbError(Transaction::Impl* impl);

// Runs `fn` (which uses libpqxx) and translates its exceptions.
template <typename Fn>
auto Guarded(Transaction& tx, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const DbError&) {
    throw;
  } catch (...) {
    RethrowAsDbError(&tx.impl());
  }
}

void EnsurePrepared(Transaction::Impl& impl, const Statement& statement);

template <typename... Args>
pqxx::result Exec(Transaction& tx, const Statement& statement, Args&&... args) {
  return Guarded(tx, [&]() {
    Transaction::Impl& impl = tx.impl();
    EnsurePrepared(impl, statement);
    return impl.work->exec_prepared(statement.name, std::forward<Args>(args)...);
  });
}

// A PostgreSQL array literal ("{…}") for `= ANY($1::text[])` parameters.
std::string TextArray(const std::vector<std::string>& values);
std::string BigintArray(const std::vector<int64_t>& values);

// Columns written as (extract(epoch from x) * 1e6)::bigint.
inline base::Timestamp MicrosField(const pqxx::field& field) {
  return base::FromMicros(field.as<int64_t>());
}

}  // namespace storage
