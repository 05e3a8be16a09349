#include "server/auth/authenticator.h"

#include "server/auth/basic_credentials.h"
#include "server/auth/password_hash.h"
#include "server/base/random.h"
#include "storage/account_store.h"
#include "storage/database.h"
#include "storage/db_error.h"

namespace auth {

Authenticator::Authenticator(storage::Database& db, const AuthOptions& options)
    : db_(db),
      cache_(options.cache_ttl, options.cache_capacity),
      throttle_(options.throttle),
      dummy_hash_(HashPassword(base::RandomPassword(16))) {}

AuthResult Authenticator::Authenticate(std::string_view authorization,
                                       std::string_view client_address) {
  AuthResult result;
  std::optional<Credentials> credentials = ParseBasicAuthorization(authorization);
  if (!credentials) return result;  // kMissing

  if (!throttle_.Allowed(credentials->user, client_address)) {
    result.outcome = AuthResult::Outcome::kThrottled;
    result.retry_after_seconds = throttle_.RetryAfterSeconds(credentials->user, client_address);
    return result;
  }
  // The account row is read on every request (one indexed lookup): a
  // deleted, disabled or re-created account, or a changed password, takes
  // effect at once. The cache only spares the Argon2 hash.
  std::optional<storage::Account> account;
  try {
    storage::Transaction tx = db_.Begin();
    account = storage::FindAccountByName(tx, credentials->user);
  } catch (const storage::DbError& error) {
    if (error.kind() != storage::DbError::Kind::kUnavailable) throw;
    result.outcome = AuthResult::Outcome::kUnavailable;
    return result;
  }
  if (account && !account->disabled) {
    if (auto cached = cache_.Lookup(credentials->user, credentials->password)) {
      if (cached->account_id == account->id && cached->password_hash == account->password_hash) {
        result.outcome = AuthResult::Outcome::kOk;
        result.account_id = account->id;
        result.account_name = account->name;
        result.is_admin = account->is_admin;
        return result;
      }
      cache_.Invalidate(credentials->user);
    }
  }
  // An unknown name costs one hash too, so response times do not reveal
  // which accounts exist.
  bool verified = VerifyPassword(account ? account->password_hash : dummy_hash_,
                                 credentials->password);
  if (!account || account->disabled || !verified) {
    throttle_.RecordFailure(credentials->user, client_address);
    result.outcome = AuthResult::Outcome::kInvalid;
    return result;
  }
  throttle_.RecordSuccess(credentials->user, client_address);
  cache_.Store(credentials->user, credentials->password, CachedLogin{account->id, account->is_admin, account->password_hash});
  result.outcome = AuthResult::Outcome::kOk;
  result.account_id = account->id;
  result.account_name = account->name;
  result.is_admin = account->is_admin;
  return result;
}

}  // namespace auth
