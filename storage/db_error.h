// The one exception type that leaves storage/. Every libpqxx exception is
// translated at the storage boundary (SQLSTATE mapped to a Kind), so callers
// never see libpqxx types.
#pragma once

#include <stdexcept>
#include <string>

namespace storage {

class DbError : public std::runtime_error {
 public:
  enum class Kind {
    kUnavailable,  // no connection to PostgreSQL (down, restarting, pool exhausted)
    kConflict,     // unique violation: someone else created the same row first
    kRetry,        // serialization failure or deadlock: run the unit of work again
    kInternal,     // anything else: a bug or a broken schema
  };

  DbError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

}  // namespace storage
