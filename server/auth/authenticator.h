// HTTP Basic authentication of DAV requests against the accounts table:
// throttled per account and per client address. The account row is read on
// every request; verified passwords are cached for a short time so a sync of
// many requests pays Argon2 once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/auth/credential_cache.h"
#include "server/auth/login_throttle.h"

namespace storage {
class Database;
}

namespace auth {

struct AuthResult {
  enum class Outcome {
    kOk,
    kMissing,      // no (usable) Authorization header: 401
    kInvalid,      // wrong name or password, or a disabled account: 401
    kThrottled,    // too many failures: 429 with Retry-After
    kUnavailable,  // the database cannot be reached: 503
  };
  Outcome outcome = Outcome::kMissing;
  int64_t account_id = 0;
  std::string account_name;
  bool is_admin = false;
  int64_t retry_after_seconds = 0;
};

struct AuthOptions {
  std::chrono::seconds cache_ttl{60};
  size_t cache_capacity = 10000;
  ThrottlePolicy throttle;
};

// Thread-safe.
class Authenticator {
 public:
  Authenticator(storage::Database& db, const AuthOptions& options);

  // `authorization`: the Authorization header value ("" when absent).
  AuthResult Authenticate(std::string_view authorization, std::string_view client_address);

  // Forget a cached password (after a password change or deletion).
  void Invalidate(std::string_view user) { cache_.Invalidate(user); }

 private:
  storage::Database& db_;
  CredentialCache cache_;
  LoginThrottle throttle_;
  std::string dummy_hash_;  // verified against for unknown names, so timing does not tell
};

}  // namespace auth
