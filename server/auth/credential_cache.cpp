#include "server/auth/credential_cache.h"

#include <iterator>
#include <utility>

#include "server/base/random.h"
#include "server/base/sha256.h"
#include "server/base/strings.h"

namespace auth {

namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kSha256BlockBytes = 64;

// HMAC-SHA256 (RFC 2104). REQUIRES: key.size() <= kSha256BlockBytes.
std::string HmacSha256(std::string_view key, std::string_view message) {
  std::string inner(kSha256BlockBytes, '\x36');
  std::string outer(kSha256BlockBytes, '\x5c');
  for (size_t pos = 0; pos < key.size(); ++pos) {
    inner[pos] = static_cast<char>(inner[pos] ^ key[pos]);
    outer[pos] = static_cast<char>(outer[pos] ^ key[pos]);
  }
  inner.append(message);
  outer.append(base::Sha256(inner));
  return base::Sha256(outer);
}

}  // namespace

CredentialCache::CredentialCache(std::chrono::steady_clock::duration ttl, size_t capacity,
                                 Clock clock)
    : ttl_(ttl),
      capacity_(capacity == 0 ? 1 : capacity),
      clock_(clock ? std::move(clock) : [] { return std::chrono::steady_clock::now(); }),
      key_(base::RandomBytes(kKeyBytes)) {}

std::string CredentialCache::Digest(std::string_view password) const {
  return HmacSha256(key_, password);
}

std::optional<CachedLogin> CredentialCache::Lookup(std::string_view user,
                                                   std::string_view password) {
  const std::string digest = Digest(password);
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = index_.find(std::string(user));
  if (found == index_.end()) return std::nullopt;
  EntryList::iterator entry = found->second;
  if (clock_() >= entry->expires) {
    EraseLocked(entry);
    return std::nullopt;
  }
  if (!base::ConstantTimeEquals(entry->digest, digest)) return std::nullopt;
  return entry->login;
}

void CredentialCache::Store(std::string_view user, std::string_view password, CachedLogin login) {
  std::string digest = Digest(password);
  std::lock_guard<std::mutex> lock(mutex_);
  const TimePoint now = clock_();
  std::string key(user);
  if (auto found = index_.find(key); found != index_.end()) EraseLocked(found->second);
  PruneExpiredLocked(now);
  while (entries_.size() >= capacity_) EraseLocked(entries_.begin());
  entries_.push_back(Entry{key, std::move(digest), login, now + ttl_});
  index_.emplace(std::move(key), std::prev(entries_.end()));
}

void CredentialCache::Invalidate(std::string_view user) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto found = index_.find(std::string(user)); found != index_.end()) {
    EraseLocked(found->second);
  }
}

void CredentialCache::Clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  index_.clear();
  entries_.clear();
}

size_t CredentialCache::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.size();
}

void CredentialCache::PruneExpiredLocked(TimePoint now) {
  while (!entries_.empty() && now >= entries_.front().expires) EraseLocked(entries_.begin());
}

void CredentialCache::EraseLocked(EntryList::iterator entry) {
  index_.erase(entry->user);
  entries_.erase(entry);
}

}  // namespace auth
