#include "server/auth/login_throttle.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace auth {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class FakeClock {
 public:
  LoginThrottle::Clock AsClock() {
    return [this] { return now_; };
  }
  void Advance(std::chrono::steady_clock::duration by) { now_ += by; }

 private:
  std::chrono::steady_clock::time_point now_{seconds(1000)};
};

ThrottlePolicy SmallPolicy() {
  ThrottlePolicy policy;
  policy.max_failures_per_user = 3;
  policy.max_failures_per_address = 5;
  policy.window = seconds(300);
  policy.max_entries = 100;
  return policy;
}

class LoginThrottleTest : public ::testing::Test {
 protected:
  void Fail(std::string_view user, std::string_view address, int times) {
    for (int count = 0; count < times; ++count) throttle_.RecordFailure(user, address);
  }

  FakeClock clock_;
  LoginThrottle throttle_{SmallPolicy(), clock_.AsClock()};
};

TEST_F(LoginThrottleTest, FreshKeysAreAllowed) {
  EXPECT_TRUE(throttle_.Allowed("alice", "192.0.2.1"));
  EXPECT_EQ(throttle_.RetryAfterSeconds("alice", "192.0.2.1"), 0);
}

TEST_F(LoginThrottleTest, AccountTripsExactlyAtTheLimit) {
  Fail("alice", "192.0.2.1", 2);
  EXPECT_TRUE(throttle_.Allowed("alice", "192.0.2.1"));
  Fail("alice", "192.0.2.1", 1);
  EXPECT_FALSE(throttle_.Allowed("alice", "192.0.2.1"));
  // The account is blocked from every address; other accounts are not.
  EXPECT_FALSE(throttle_.Allowed("alice", "198.51.100.7"));
  EXPECT_TRUE(throttle_.Allowed("bob", "192.0.2.1"));
}

TEST_F(LoginThrottleTest, AccountRecoversWhenTheWindowEnds) {
  Fail("alice", "192.0.2.1", 3);
  EXPECT_EQ(throttle_.RetryAfterSeconds("alice", "192.0.2.1"), 300);
  clock_.Advance(seconds(100));
  EXPECT_FALSE(throttle_.Allowed("alice", "192.0.2.1"));
  EXPECT_EQ(throttle_.RetryAfterSeconds("alice", "192.0.2.1"), 200);
  clock_.Advance(milliseconds(199500));
  EXPECT_FALSE(throttle_.Allowed("alice", "192.0.2.1"));
  EXPECT_EQ(throttle_.RetryAfterSeconds("alice", "192.0.2.1"), 1);  // rounded up
  clock_.Advance(milliseconds(500));
  EXPECT_TRUE(throttle_.Allowed("alice", "192.0.2.1"));
  EXPECT_EQ(throttle_.RetryAfterSeconds("alice", "192.0.2.1"), 0);
  // A new window starts from zero.
  Fail("alice", "192.0.2.2", 2);
  EXPECT_TRUE(throttle_.Allowed("alice", "192.0.2.2"));
}

TEST_F(LoginThrottleTest, WindowIsAnchoredAtTheFirstFailure) {
  Fail("alice", "192.0.2.1", 2);
  clock_.Advance(seconds(299));
  Fail("alice", "192.0.2.1", 1);  // third failure inside the first window
  EXPECT_FALSE(throttle_.Allowed("alice", "192.0.2.1"));
  EXPECT_EQ(throttle_.RetryAfterSeconds("alice", "192.0.2.1"), 1);
  clock_.Advance(seconds(1));
  EXPECT_TRUE(throttle_.Allowed("alice", "192.0.2.1"));
  Fail("alice", "192.0.2.1", 1);  // opens a new window at this moment
  clock_.Advance(seconds(299));
  Fail("alice", "192.0.2.1", 1);
  EXPECT_TRUE(throttle_.Allowed("alice", "192.0.2.1"));
  Fail("alice", "192.0.2.1", 1);
  EXPECT_FALSE(throttle_.Allowed("alice", "192.0.2.1"));
}

TEST_F(LoginThrottleTest, AddressTripsAcrossAccounts) {
  // One client spraying five accounts, one guess each.
  for (const char* user : {"a", "b", "c", "d"}) Fail(user, "203.0.113.9", 1);
  EXPECT_TRUE(throttle_.Allowed("e", "203.0.113.9"));
  Fail("e", "203.0.113.9", 1);
  EXPECT_FALSE(throttle_.Allowed("f", "203.0.113.9"));
  EXPECT_FALSE(throttle_.Allowed("a", "203.0.113.9"));
  EXPECT_EQ(throttle_.RetryAfterSeconds("f", "203.0.113.9"), 300);
  // The same accounts from elsewhere are fine: each has one failure.
  EXPECT_TRUE(throttle_.Allowed("a", "192.0.2.1"));
  clock_.Advance(seconds(300));
  EXPECT_TRUE(throttle_.Allowed("f", "203.0.113.9"));
}

TEST_F(LoginThrottleTest, SuccessClearsTheAccountButNotTheAddress) {
  Fail("alice", "203.0.113.9", 3);
  EXPECT_FALSE(throttle_.Allowed("alice", "192.0.2.1"));
  throttle_.RecordSuccess("alice", "192.0.2.1");
  EXPECT_TRUE(throttle_.Allowed("alice", "192.0.2.1"));
  EXPECT_EQ(throttle_.RetryAfterSeconds("alice", "192.0.2.1"), 0);

  // The address counted 3 failures, and a success there does not reset it.
  throttle_.RecordSuccess("alice", "203.0.113.9");
  Fail("mallory", "203.0.113.9", 2);
  EXPECT_FALSE(throttle_.Allowed("carol", "203.0.113.9"));
}

TEST_F(LoginThrottleTest, RetryAfterIsTheLaterOfBothDimensions) {
  Fail("alice", "203.0.113.9", 3);  // account blocked until t+300
  clock_.Advance(seconds(100));
  Fail("bob", "203.0.113.9", 2);  // address reaches 5 at t+100: blocked until t+300
  EXPECT_EQ(throttle_.RetryAfterSeconds("alice", "203.0.113.9"), 200);

  Fail("carol", "198.51.100.1", 3);  // carol blocked until t+400
  clock_.Advance(seconds(50));
  EXPECT_EQ(throttle_.RetryAfterSeconds("carol", "203.0.113.9"), 250);
  EXPECT_EQ(throttle_.RetryAfterSeconds("dave", "203.0.113.9"), 150);
}

TEST_F(LoginThrottleTest, EmptyKeysAreNotTracked) {
  Fail("", "192.0.2.1", 4);
  EXPECT_TRUE(throttle_.Allowed("", "192.0.2.1"));
  Fail("", "192.0.2.1", 1);
  EXPECT_FALSE(throttle_.Allowed("", "192.0.2.1"));  // the address still counts

  Fail("alice", "", 3);
  EXPECT_FALSE(throttle_.Allowed("alice", ""));
  EXPECT_TRUE(throttle_.Allowed("bob", ""));
}

TEST(LoginThrottleLimitsTest, MemoryIsBoundedAndExpiredEntriesGoFirst) {
  FakeClock clock;
  ThrottlePolicy policy = SmallPolicy();
  policy.max_entries = 2;
  policy.max_failures_per_address = 1000;
  LoginThrottle throttle(policy, clock.AsClock());

  for (int count = 0; count < 3; ++count) throttle.RecordFailure("old", "192.0.2.1");
  EXPECT_FALSE(throttle.Allowed("old", "192.0.2.1"));
  clock.Advance(seconds(1));
  for (int count = 0; count < 3; ++count) throttle.RecordFailure("mid", "192.0.2.1");
  clock.Advance(seconds(1));
  // A third account: the oldest window ("old") is evicted to stay at 2.
  for (int count = 0; count < 3; ++count) throttle.RecordFailure("new", "192.0.2.1");
  EXPECT_TRUE(throttle.Allowed("old", "192.0.2.1"));
  EXPECT_FALSE(throttle.Allowed("mid", "192.0.2.1"));
  EXPECT_FALSE(throttle.Allowed("new", "192.0.2.1"));

  // Once "mid" has expired it is what makes room, and "new" stays blocked.
  clock.Advance(seconds(299));  // mid's window ended, new's has 1 s left
  throttle.RecordFailure("other", "192.0.2.1");
  EXPECT_FALSE(throttle.Allowed("new", "192.0.2.1"));
}

TEST(LoginThrottleLimitsTest, ZeroLimitBlocksEveryone) {
  ThrottlePolicy policy;
  policy.max_failures_per_user = 0;
  LoginThrottle throttle(policy);
  EXPECT_FALSE(throttle.Allowed("alice", "192.0.2.1"));
  EXPECT_GT(throttle.RetryAfterSeconds("alice", "192.0.2.1"), 0);
}

TEST(LoginThrottleLimitsTest, DefaultPolicyIsTenPerAccountThirtyPerAddress) {
  LoginThrottle throttle;  // real clock
  for (int count = 0; count < 9; ++count) throttle.RecordFailure("alice", "192.0.2.1");
  EXPECT_TRUE(throttle.Allowed("alice", "192.0.2.1"));
  throttle.RecordFailure("alice", "192.0.2.1");
  EXPECT_FALSE(throttle.Allowed("alice", "192.0.2.1"));
  for (int count = 0; count < 20; ++count) {
    throttle.RecordFailure("user" + std::to_string(count), "192.0.2.1");
  }
  EXPECT_FALSE(throttle.Allowed("bob", "192.0.2.1"));
  EXPECT_TRUE(throttle.Allowed("bob", "192.0.2.2"));
  const int64_t retry = throttle.RetryAfterSeconds("bob", "192.0.2.1");
  EXPECT_GE(retry, 299);
  EXPECT_LE(retry, 300);
}

TEST(LoginThrottleConcurrencyTest, CountsEveryFailureUnderContention) {
  ThrottlePolicy policy;
  policy.max_failures_per_user = 400;
  policy.max_failures_per_address = 1000000;
  LoginThrottle throttle(policy);
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&throttle, thread] {
      for (int round = 0; round < 100; ++round) {
        throttle.RecordFailure("alice", "192.0.2." + std::to_string(thread));
        (void)throttle.Allowed("alice", "192.0.2.1");
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_FALSE(throttle.Allowed("alice", "192.0.2.9"));  // exactly 400 counted
}

}  // namespace
}  // namespace auth
