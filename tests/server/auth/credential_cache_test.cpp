#include "server/auth/credential_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace auth {
namespace {

using std::chrono::seconds;

// A clock the test moves by hand.
class FakeClock {
 public:
  CredentialCache::Clock AsClock() {
    return [this] { return now_; };
  }
  void Advance(std::chrono::steady_clock::duration by) { now_ += by; }

 private:
  std::chrono::steady_clock::time_point now_{seconds(1000)};
};

class CredentialCacheTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  CredentialCache cache_{seconds(60), 3, clock_.AsClock()};
};

TEST_F(CredentialCacheTest, HitReturnsTheStoredLogin) {
  cache_.Store("alice", "secret", CachedLogin{42, true, "hash"});
  std::optional<CachedLogin> hit = cache_.Lookup("alice", "secret");
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(hit->account_id, 42);
  EXPECT_TRUE(hit->is_admin);
}

TEST_F(CredentialCacheTest, WrongPasswordOrUserMisses) {
  cache_.Store("alice", "secret", CachedLogin{42, false, "hash"});
  EXPECT_FALSE(cache_.Lookup("alice", "Secret").has_value());
  EXPECT_FALSE(cache_.Lookup("alice", "secret ").has_value());
  EXPECT_FALSE(cache_.Lookup("alice", "").has_value());
  EXPECT_FALSE(cache_.Lookup("bob", "secret").has_value());
  EXPECT_FALSE(cache_.Lookup("Alice", "secret").has_value());  // names are exact
  // A wrong guess does not evict the entry.
  EXPECT_TRUE(cache_.Lookup("alice", "secret").has_value());
}

TEST_F(CredentialCacheTest, EmptyAndBinaryPasswordsAreDistinct) {
  cache_.Store("alice", "", CachedLogin{1, false, "hash"});
  EXPECT_TRUE(cache_.Lookup("alice", "").has_value());
  EXPECT_FALSE(cache_.Lookup("alice", std::string(1, '\0')).has_value());
}

TEST_F(CredentialCacheTest, EntriesExpireAfterTheTtl) {
  cache_.Store("alice", "secret", CachedLogin{42, false, "hash"});
  clock_.Advance(seconds(59));
  EXPECT_TRUE(cache_.Lookup("alice", "secret").has_value());
  clock_.Advance(seconds(1));
  EXPECT_FALSE(cache_.Lookup("alice", "secret").has_value());
  EXPECT_EQ(cache_.size(), 0u);  // the expired entry was dropped
}

TEST_F(CredentialCacheTest, HitsDoNotExtendTheTtl) {
  cache_.Store("alice", "secret", CachedLogin{42, false, "hash"});
  for (int step = 0; step < 5; ++step) {
    clock_.Advance(seconds(10));
    EXPECT_TRUE(cache_.Lookup("alice", "secret").has_value());
  }
  clock_.Advance(seconds(10));
  EXPECT_FALSE(cache_.Lookup("alice", "secret").has_value());
}

TEST_F(CredentialCacheTest, StoreReplacesAndRestartsTheTtl) {
  cache_.Store("alice", "old", CachedLogin{42, false, "hash"});
  clock_.Advance(seconds(30));
  cache_.Store("alice", "new", CachedLogin{42, true, "hash"});
  EXPECT_FALSE(cache_.Lookup("alice", "old").has_value());
  ASSERT_TRUE(cache_.Lookup("alice", "new").has_value());
  EXPECT_TRUE(cache_.Lookup("alice", "new")->is_admin);
  EXPECT_EQ(cache_.size(), 1u);
  clock_.Advance(seconds(45));  // 75 s after the first store, 45 after the second
  EXPECT_TRUE(cache_.Lookup("alice", "new").has_value());
}

TEST_F(CredentialCacheTest, InvalidateDropsOnlyThatUser) {
  cache_.Store("alice", "secret", CachedLogin{1, false, "hash"});
  cache_.Store("bob", "secret", CachedLogin{2, false, "hash"});
  cache_.Invalidate("alice");
  EXPECT_FALSE(cache_.Lookup("alice", "secret").has_value());
  EXPECT_TRUE(cache_.Lookup("bob", "secret").has_value());
  cache_.Invalidate("nobody");  // no entry: no effect
  EXPECT_EQ(cache_.size(), 1u);
}

TEST_F(CredentialCacheTest, ClearDropsEverything) {
  cache_.Store("alice", "a", CachedLogin{1, false, "hash"});
  cache_.Store("bob", "b", CachedLogin{2, false, "hash"});
  cache_.Clear();
  EXPECT_EQ(cache_.size(), 0u);
  EXPECT_FALSE(cache_.Lookup("alice", "a").has_value());
}

TEST_F(CredentialCacheTest, CapacityEvictsTheOldest) {
  cache_.Store("a", "pw", CachedLogin{1, false, "hash"});
  clock_.Advance(seconds(1));
  cache_.Store("b", "pw", CachedLogin{2, false, "hash"});
  clock_.Advance(seconds(1));
  cache_.Store("c", "pw", CachedLogin{3, false, "hash"});
  clock_.Advance(seconds(1));
  cache_.Store("d", "pw", CachedLogin{4, false, "hash"});
  EXPECT_EQ(cache_.size(), 3u);
  EXPECT_FALSE(cache_.Lookup("a", "pw").has_value());
  EXPECT_TRUE(cache_.Lookup("b", "pw").has_value());
  EXPECT_TRUE(cache_.Lookup("c", "pw").has_value());
  EXPECT_TRUE(cache_.Lookup("d", "pw").has_value());
}

TEST_F(CredentialCacheTest, RestoringMovesAnEntryToTheBack) {
  cache_.Store("a", "pw", CachedLogin{1, false, "hash"});
  cache_.Store("b", "pw", CachedLogin{2, false, "hash"});
  cache_.Store("c", "pw", CachedLogin{3, false, "hash"});
  cache_.Store("a", "pw", CachedLogin{1, false, "hash"});  // a is now the newest
  cache_.Store("d", "pw", CachedLogin{4, false, "hash"});
  EXPECT_TRUE(cache_.Lookup("a", "pw").has_value());
  EXPECT_FALSE(cache_.Lookup("b", "pw").has_value());
  EXPECT_TRUE(cache_.Lookup("c", "pw").has_value());
  EXPECT_TRUE(cache_.Lookup("d", "pw").has_value());
}

TEST_F(CredentialCacheTest, ExpiredEntriesAreEvictedBeforeLiveOnes) {
  cache_.Store("a", "pw", CachedLogin{1, false, "hash"});
  cache_.Store("b", "pw", CachedLogin{2, false, "hash"});
  clock_.Advance(seconds(61));  // a and b expire
  cache_.Store("c", "pw", CachedLogin{3, false, "hash"});
  EXPECT_EQ(cache_.size(), 1u);  // both expired entries pruned, nothing live lost
  cache_.Store("d", "pw", CachedLogin{4, false, "hash"});
  cache_.Store("e", "pw", CachedLogin{5, false, "hash"});
  EXPECT_EQ(cache_.size(), 3u);
  EXPECT_TRUE(cache_.Lookup("c", "pw").has_value());
  EXPECT_TRUE(cache_.Lookup("d", "pw").has_value());
  EXPECT_TRUE(cache_.Lookup("e", "pw").has_value());
}

TEST(CredentialCacheDefaultsTest, RealClockAndIndependentKeys) {
  // Two caches (two processes' worth of keys) still each accept their own
  // entries; the default clock is the steady clock.
  CredentialCache first(seconds(60), 10);
  CredentialCache second(seconds(60), 10);
  first.Store("alice", "pw", CachedLogin{1, false, "hash"});
  second.Store("alice", "pw", CachedLogin{1, false, "hash"});
  EXPECT_TRUE(first.Lookup("alice", "pw").has_value());
  EXPECT_TRUE(second.Lookup("alice", "pw").has_value());
  EXPECT_FALSE(first.Lookup("alice", "pv").has_value());
}

TEST(CredentialCacheConcurrencyTest, ConcurrentUseStaysConsistent) {
  CredentialCache cache(seconds(60), 64);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&cache, &wrong, thread] {
      for (int round = 0; round < 2000; ++round) {
        const std::string user = "user" + std::to_string((round + thread) % 100);
        const std::string password = "pw-" + user;
        cache.Store(user, password, CachedLogin{round, false, "hash"});
        std::optional<CachedLogin> hit = cache.Lookup(user, password);
        (void)hit;  // may be evicted or invalidated by another thread
        if (cache.Lookup(user, "wrong")) ++wrong;
        if (round % 7 == 0) cache.Invalidate(user);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace auth
