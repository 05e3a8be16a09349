// A short-lived in-memory cache of verified Basic credentials, so that the
// many requests of one sync pay the Argon2 hash once (DESIGN.md
// "Authentication and security").
//
// The cache never holds a password: an entry keeps HMAC-SHA256 of the
// password under a random key drawn per cache instance (so per process), the
// account it belongs to, and an expiry. A memory dump therefore yields
// nothing to replay elsewhere nor a fast offline oracle across restarts.
//
// Order of checks on the request path: LoginThrottle::Allowed first, then
// Lookup, then VerifyPassword on a miss (and Store on success). A Lookup is
// cheap, so it must not be reachable by a throttled client, or it would be a
// free guessing oracle for a cached account.
//
// Entries expire `ttl` after Store (a hit does not extend them), which bounds
// how long a password changed or an account removed in another process keeps
// working here. Changes made in this process call Invalidate.
//
// Thread safety: all methods are thread-safe (one internal mutex; the digest
// is computed outside it). Not copyable or movable.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace auth {

struct CachedLogin {
  int64_t account_id = 0;
  bool is_admin = false;
  // The stored hash the password was verified against: a hit counts only
  // while the account still has this id and this hash (see Authenticator).
  std::string password_hash;
};

class CredentialCache {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // Returns the current time; must be monotonic. Called with the lock held,
  // so it must not call back into the cache.
  using Clock = std::function<TimePoint()>;

  // An empty `clock` means std::chrono::steady_clock::now (tests inject one).
  // REQUIRES: capacity >= 1 (0 is treated as 1), ttl > 0.
  CredentialCache(std::chrono::steady_clock::duration ttl, size_t capacity, Clock clock = {});

  CredentialCache(const CredentialCache&) = delete;
  CredentialCache& operator=(const CredentialCache&) = delete;

  // The cached login of `user` if an unexpired entry exists and `password`
  // matches the one stored (digests compared in constant time). A wrong
  // password leaves the entry in place. Whether `user` has an entry at all is
  // not hidden by timing.
  std::optional<CachedLogin> Lookup(std::string_view user, std::string_view password);

  // Records that `password` was verified for `user`, replacing any entry for
  // `user`. When the cache is full, expired entries go first, then the
  // oldest.
  void Store(std::string_view user, std::string_view password, CachedLogin login);

  // Drops the entry of `user`, if any (password change, account deleted or
  // disabled, admin flag changed).
  void Invalidate(std::string_view user);

  // Drops every entry.
  void Clear();

  // Number of entries, expired ones not yet pruned included.
  size_t size() const;

 private:
  struct Entry {
    std::string user;
    std::string digest;  // HMAC-SHA256(key_, password)
    CachedLogin login;
    TimePoint expires;
  };
  // Insertion order equals expiry order (one TTL for all), so the front is
  // both the first to expire and the oldest.
  using EntryList = std::list<Entry>;

  std::string Digest(std::string_view password) const;
  void PruneExpiredLocked(TimePoint now);
  void EraseLocked(EntryList::iterator entry);

  const std::chrono::steady_clock::duration ttl_;
  const size_t capacity_;
  const Clock clock_;
  const std::string key_;  // 32 random bytes

  mutable std::mutex mutex_;
  EntryList entries_;                                           // guarded by mutex_
  std::unordered_map<std::string, EntryList::iterator> index_;  // guarded by mutex_
};

}  // namespace auth
