// Throttling of failed logins per account name and per client address
// (DESIGN.md "Authentication and security").
//
// Policy: a fixed window anchored at the first failure. The first failure for
// a key opens a window of `window`; once `max_failures_per_*` failures are in
// it, the key is blocked until the window ends, then starts over. At most
// that many guesses per window are possible for a key, with no burst at
// window edges (windows are not aligned to the clock).
//
// Both dimensions are checked: the account limit stops a distributed guess at
// one account, the address limit stops one client spraying many accounts.
// RecordSuccess clears only the account's counter: logging in to one's own
// account must not reset the address counter used against others. The price
// of the account limit is that anyone can lock an account out for a window;
// keep the window short.
//
// Callers check Allowed before anything else (before the credential cache and
// before Argon2) and answer 429 / 401 with Retry-After: RetryAfterSeconds.
// Pass addresses already reduced to what one client controls (e.g. an IPv6
// /64), or a client cycles through its addresses. An empty `user` or
// `address` is not tracked (that dimension is skipped).
//
// Memory: each dimension keeps at most `max_entries` keys. Expired windows
// are pruned first; if still full, the key whose window is oldest (closest to
// expiry) is evicted. Each RecordFailure follows a failed password check,
// which costs an Argon2 hash, so filling the table is itself rate-limited.
//
// Thread safety: all methods are thread-safe (one internal mutex).
// Not copyable or movable.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace auth {

struct ThrottlePolicy {
  uint32_t max_failures_per_user = 10;     // 0 blocks every named account
  uint32_t max_failures_per_address = 30;  // 0 blocks every address
  std::chrono::seconds window{300};
  size_t max_entries = 100000;  // per dimension; 0 is treated as 1
};

class LoginThrottle {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // Returns the current time; must be monotonic. Called with the lock held,
  // so it must not call back into the throttle.
  using Clock = std::function<TimePoint()>;

  // An empty `clock` means std::chrono::steady_clock::now (tests inject one).
  explicit LoginThrottle(ThrottlePolicy policy = {}, Clock clock = {});

  LoginThrottle(const LoginThrottle&) = delete;
  LoginThrottle& operator=(const LoginThrottle&) = delete;

  // False when `user` or `address` has reached its failure limit within its
  // current window.
  bool Allowed(std::string_view user, std::string_view address) const;

  // Counts a failed login (wrong password, unknown user, disabled account).
  void RecordFailure(std::string_view user, std::string_view address);

  // Clears the failures counted against `user`; the address keeps its count.
  void RecordSuccess(std::string_view user, std::string_view address);

  // 0 when Allowed; otherwise whole seconds (rounded up, at least 1) until
  // both `user` and `address` are allowed again, for Retry-After.
  int64_t RetryAfterSeconds(std::string_view user, std::string_view address) const;

 private:
  // Failure counters for one dimension. Not thread-safe: the throttle's mutex
  // guards it.
  class Counters {
   public:
    Counters(uint32_t limit, std::chrono::seconds window, size_t max_entries);

    bool Blocked(std::string_view key, TimePoint now) const;
    // Time until `key` is unblocked; zero when not blocked.
    std::chrono::steady_clock::duration BlockedFor(std::string_view key, TimePoint now) const;
    void Increment(std::string_view key, TimePoint now);
    void Erase(std::string_view key);

   private:
    struct Entry {
      std::string key;
      uint32_t failures = 0;
      TimePoint window_start;
    };
    // Ordered by window_start: the front has the oldest window.
    using EntryList = std::list<Entry>;

    const Entry* FindLive(std::string_view key, TimePoint now) const;
    void PruneExpired(TimePoint now);
    void Remove(EntryList::iterator entry);

    const uint32_t limit_;
    const std::chrono::seconds window_;
    const size_t max_entries_;
    EntryList entries_;
    std::unordered_map<std::string, EntryList::iterator> index_;
  };

  const Clock clock_;
  mutable std::mutex mutex_;
  Counters users_;      // guarded by mutex_
  Counters addresses_;  // guarded by mutex_
};

}  // namespace auth
