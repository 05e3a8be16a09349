// Connection pool and transactions. A Transaction is the unit of work of one
// request: it holds one pooled connection for its lifetime and rolls back on
// destruction unless committed (CalendarServer txdav/idav.py).
#pragma once

#include <chrono>
#include <memory>
#include <string>

namespace storage {

class Transaction;

struct DatabaseOptions {
  std::string conninfo;  // libpq key=value string or postgresql:// URI
  int pool_size = 16;
  std::chrono::milliseconds acquire_timeout{10000};
};

struct PoolStats {
  int open = 0;    // connections that exist
  int in_use = 0;  // connections lent to a transaction
  int size = 0;    // the configured maximum
};

enum class TxMode {
  kReadWrite,         // READ COMMITTED; writes take row locks explicitly
  kReadOnlySnapshot,  // REPEATABLE READ READ ONLY: one snapshot for a whole streamed response
};

// Thread-safe. Connections are opened lazily up to pool_size and are
// re-opened after PostgreSQL dropped them.
class Database {
 public:
  // Connects once to fail fast on a wrong conninfo. Throws DbError.
  static std::unique_ptr<Database> Open(const DatabaseOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Waits up to acquire_timeout for a connection. Throws DbError(kUnavailable).
  Transaction Begin(TxMode mode = TxMode::kReadWrite);

  PoolStats Stats() const;

  struct Impl;

 private:
  explicit Database(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Move-only. Not thread-safe: one thread uses a transaction at a time.
class Transaction {
 public:
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&& other) noexcept;
  ~Transaction();  // rolls back unless Commit() succeeded

  // Throws DbError. After a failed Commit the transaction is finished.
  void Commit();

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  friend class Database;
  explicit Transaction(std::unique_ptr<Impl> impl);
  void Close() noexcept;
  std::unique_ptr<Impl> impl_;
};

}  // namespace storage
