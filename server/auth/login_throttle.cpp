#include "server/auth/login_throttle.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace auth {

LoginThrottle::Counters::Counters(uint32_t limit, std::chrono::seconds window, size_t max_entries)
    : limit_(limit), window_(window), max_entries_(max_entries == 0 ? 1 : max_entries) {}

const LoginThrottle::Counters::Entry* LoginThrottle::Counters::FindLive(std::string_view key,
                                                                        TimePoint now) const {
  auto found = index_.find(std::string(key));
  if (found == index_.end()) return nullptr;
  const Entry& entry = *found->second;
  if (now >= entry.window_start + window_) return nullptr;  // expired, not yet pruned
  return &entry;
}

bool LoginThrottle::Counters::Blocked(std::string_view key, TimePoint now) const {
  if (key.empty()) return false;
  if (limit_ == 0) return true;
  const Entry* entry = FindLive(key, now);
  return entry != nullptr && entry->failures >= limit_;
}

std::chrono::steady_clock::duration LoginThrottle::Counters::BlockedFor(std::string_view key,
                                                                        TimePoint now) const {
  if (!Blocked(key, now)) return std::chrono::steady_clock::duration::zero();
  const Entry* entry = FindLive(key, now);
  // limit_ == 0 blocks for good; a window is the most honest hint to give.
  if (entry == nullptr) return window_;
  return entry->window_start + window_ - now;
}

void LoginThrottle::Counters::Increment(std::string_view key, TimePoint now) {
  if (key.empty()) return;
  PruneExpired(now);
  std::string owned(key);
  if (auto found = index_.find(owned); found != index_.end()) {
    // Live (expired ones were just pruned): count within the current window.
    // Saturate rather than wrap if a caller keeps recording while blocked.
    Entry& entry = *found->second;
    if (entry.failures < UINT32_MAX) ++entry.failures;
    return;
  }
  while (entries_.size() >= max_entries_) Remove(entries_.begin());
  entries_.push_back(Entry{owned, 1, now});
  index_.emplace(std::move(owned), std::prev(entries_.end()));
}

void LoginThrottle::Counters::Erase(std::string_view key) {
  if (auto found = index_.find(std::string(key)); found != index_.end()) Remove(found->second);
}

void LoginThrottle::Counters::PruneExpired(TimePoint now) {
  while (!entries_.empty() && now >= entries_.front().window_start + window_) {
    Remove(entries_.begin());
  }
}

void LoginThrottle::Counters::Remove(EntryList::iterator entry) {
  index_.erase(entry->key);
  entries_.erase(entry);
}

LoginThrottle::LoginThrottle(ThrottlePolicy policy, Clock clock)
    : clock_(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }),
      users_(policy.max_failures_per_user, policy.window, policy.max_entries),
      addresses_(policy.max_failures_per_address, policy.window, policy.max_entries) {}

bool LoginThrottle::Allowed(std::string_view user, std::string_view address) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const TimePoint now = clock_();
  return !users_.Blocked(user, now) && !addresses_.Blocked(address, now);
}

void LoginThrottle::RecordFailure(std::string_view user, std::string_view address) {
  std::lock_guard<std::mutex> lock(mutex_);
  const TimePoint now = clock_();
  users_.Increment(user, now);
  addresses_.Increment(address, now);
}

void LoginThrottle::RecordSuccess(std::string_view user, std::string_view /*address*/) {
  std::lock_guard<std::mutex> lock(mutex_);
  users_.Erase(user);
}

int64_t LoginThrottle::RetryAfterSeconds(std::string_view user, std::string_view address) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const TimePoint now = clock_();
  const auto wait = std::max(users_.BlockedFor(user, now), addresses_.BlockedFor(address, now));
  if (wait <= std::chrono::steady_clock::duration::zero()) return 0;
  return std::max<int64_t>(1, std::chrono::ceil<std::chrono::seconds>(wait).count());
}

}  // namespace auth
