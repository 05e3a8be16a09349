#include "storage/database.h"

#include <condition_variable>
#include <mutex>
#include <vector>

#include "server/base/log.h"
#include "storage/sql.h"

namespace storage {

struct Database::Impl {
  DatabaseOptions options;
  mutable std::mutex mutex;
  std::condition_variable available;
  std::vector<std::unique_ptr<PooledConnection>> idle;
  int open = 0;
  int in_use = 0;

  std::unique_ptr<PooledConnection> Acquire();
  void Release(std::unique_ptr<PooledConnection> connection);
};

namespace {

std::unique_ptr<PooledConnection> Connect(const std::string& conninfo) {
  auto pooled = std::make_unique<PooledConnection>();
  try {
    pooled->connection = std::make_unique<pqxx::connection>(conninfo);
  } catch (const std::exception& e) {
    throw DbError(DbError::Kind::kUnavailable, std::string("cannot connect to PostgreSQL: ") + e.what());
  }
  return pooled;
}

}  // namespace

std::unique_ptr<PooledConnection> Database::Impl::Acquire() {
  std::unique_lock<std::mutex> lock(mutex);
  bool got = available.wait_for(lock, options.acquire_timeout,
                                [&] { return !idle.empty() || open < options.pool_size; });
  if (!got) {
    throw DbError(DbError::Kind::kUnavailable, "all database connections are busy");
  }
  ++in_use;
  if (!idle.empty()) {
    auto connection = std::move(idle.back());
    idle.pop_back();
    return connection;
  }
  ++open;
  lock.unlock();
  try {
    return Connect(options.conninfo);
  } catch (...) {
    lock.lock();
    --open;
    --in_use;
    available.notify_one();
    throw;
  }
}

void Database::Impl::Release(std::unique_ptr<PooledConnection> connection) {
  std::lock_guard<std::mutex> lock(mutex);
  --in_use;
  if (connection && !connection->broken && connection->connection->is_open()) {
    idle.push_back(std::move(connection));
  } else {
    --open;  // dropped: the next Acquire opens a fresh one
  }
  available.notify_one();
}

Database::Database(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Database::~Database() = default;

std::unique_ptr<Database> Database::Open(const DatabaseOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  if (impl->options.pool_size < 1) impl->options.pool_size = 1;
  impl->idle.push_back(Connect(options.conninfo));  // fail fast on a wrong conninfo
  impl->open = 1;
  return std::unique_ptr<Database>(new Database(std::move(impl)));
}

Transaction Database::Begin(TxMode mode) {
  // A pooled connection may have been dropped by the server (restart,
  // idle timeout); libpqxx 6.4 does not reconnect it (STACK_NOTES §4), so a
  // failed BEGIN on a pooled connection is retried once on a fresh one.
  for (int attempt = 0;; ++attempt) {
    auto impl = std::make_unique<Transaction::Impl>();
    impl->database = impl_.get();
    impl->lease = impl_->Acquire();
    try {
      pqxx::connection& connection = *impl->lease->connection;
      if (mode == TxMode::kReadOnlySnapshot) {
        impl->work = std::make_unique<pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>>(connection);
      } else {
        impl->work = std::make_unique<pqxx::work>(connection);
      }
      return Transaction(std::move(impl));
    } catch (const std::exception& e) {
      impl->lease->broken = true;
      impl->work.reset();
      impl_->Release(std::move(impl->lease));
      if (attempt == 0) continue;
      throw DbError(DbError::Kind::kUnavailable, std::string("cannot begin a transaction: ") + e.what());
    }
  }
}

PoolStats Database::Stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return PoolStats{impl_->open, impl_->in_use, impl_->options.pool_size};
}

Transaction::Transaction(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transaction::Transaction(Transaction&& other) noexcept = default;
Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    Close();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Transaction::~Transaction() { Close(); }

void Transaction::Close() noexcept {
  if (!impl_) return;
  if (impl_->work) {
    try {
      if (!impl_->finished) impl_->work->abort();
    } catch (...) {
      impl_->lease->broken = true;
    }
    impl_->work.reset();
  }
  if (impl_->lease) impl_->database->Release(std::move(impl_->lease));
  impl_.reset();
}

void Transaction::Commit() {
  Guarded(*this, [&] {
    impl_->finished = true;
    impl_->work->commit();
  });
}

void RethrowAsDbError(Transaction::Impl* impl) {
  auto mark_broken = [&] {
    if (impl && impl->lease) impl->lease->broken = true;
  };
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    mark_broken();
    throw DbError(DbError::Kind::kUnavailable, e.what());
  } catch (const pqxx::in_doubt_error& e) {
    mark_broken();
    throw DbError(DbError::Kind::kUnavailable, e.what());
  } catch (const pqxx::unique_violation& e) {
    throw DbError(DbError::Kind::kConflict, e.what());
  } catch (const pqxx::transaction_rollback& e) {
    throw DbError(DbError::Kind::kRetry, e.what());
  } catch (const pqxx::sql_error& e) {
    const std::string& state = e.sqlstate();
    // Class 08 (connection exception) and 57 (operator intervention: the
    // server is shutting down or restarting) mean "try again later".
    if (state.rfind("08", 0) == 0 || state.rfind("57", 0) == 0) {
      mark_broken();
      throw DbError(DbError::Kind::kUnavailable, e.what());
    }
    throw DbError(DbError::Kind::kInternal, std::string(e.what()) + " [" + state + "] in: " + e.query());
  } catch (const std::exception& e) {
    if (impl && impl->lease && !impl->lease->connection->is_open()) {
      mark_broken();
      throw DbError(DbError::Kind::kUnavailable, e.what());
    }
    throw DbError(DbError::Kind::kInternal, e.what());
  }
}

void EnsurePrepared(Transaction::Impl& impl, const Statement& statement) {
  if (impl.lease->prepared.insert(statement.name).second) {
    impl.lease->connection->prepare(statement.name, statement.sql);
  }
}

namespace {
void AppendQuoted(std::string* out, const std::string& value) {
  *out += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') *out += '\\';
    *out += c;
  }
  *out += '"';
}
}  // namespace

std::string TextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    AppendQuoted(&out, values[i]);
  }
  out += '}';
  return out;
}

std::string BigintArray(const std::vector<int64_t>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(values[i]);
  }
  out += '}';
  return out;
}

}  // namespace storage
