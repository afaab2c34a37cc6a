// Token buckets on a FakeClock: burst, refill, Retry-After, and the bounded table.
#include "http/rate_limiter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "support/status_matchers.h"

namespace sonora::http {
namespace {

using namespace std::chrono_literals;
using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;

constexpr int64_t kStart = 1762948800000;  // 2025-11-12T12:00:00Z

class LocalRateLimiterTest : public ::testing::Test {
 protected:
  FakeClock clock_{FromMillis(kStart)};
};

TEST_F(LocalRateLimiterTest, BurstThenLimited) {
  LocalRateLimiter limiter(clock_);
  const BucketPolicy policy{.per_second = 1, .burst = 3};
  for (int i = 0; i < 3; ++i) EXPECT_THAT(limiter.Take("k", policy), IsOk()) << i;
  Status s = limiter.Take("k", policy);
  EXPECT_THAT(s, StatusIs(Code::kResourceExhausted));
  EXPECT_EQ(s.retry_after_seconds(), 1);
  EXPECT_THAT(limiter.Take("k", policy), StatusIs(Code::kResourceExhausted));
}

TEST_F(LocalRateLimiterTest, RefillsAtTheRate) {
  LocalRateLimiter limiter(clock_);
  const BucketPolicy policy{.per_second = 2, .burst = 2};
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  EXPECT_THAT(limiter.Take("k", policy), StatusIs(Code::kResourceExhausted));
  clock_.Advance(499ms);  // 0.998 tokens: not yet
  EXPECT_THAT(limiter.Take("k", policy), StatusIs(Code::kResourceExhausted));
  clock_.Advance(1ms);
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  EXPECT_THAT(limiter.Take("k", policy), StatusIs(Code::kResourceExhausted));
  clock_.Advance(1000ms);  // two tokens back
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  EXPECT_THAT(limiter.Take("k", policy), StatusIs(Code::kResourceExhausted));
}

TEST_F(LocalRateLimiterTest, RefillIsCappedAtBurst) {
  LocalRateLimiter limiter(clock_);
  const BucketPolicy policy{.per_second = 1, .burst = 2};
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  clock_.Advance(100s);  // would be 100 tokens without the cap
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  EXPECT_THAT(limiter.Take("k", policy), StatusIs(Code::kResourceExhausted));
}

TEST_F(LocalRateLimiterTest, RetryAfterIsSecondsUntilTheNextToken) {
  struct Case {
    double per_second;
    std::chrono::milliseconds wait;  // after the one burst token is spent
    int retry_after;
  };
  const Case cases[] = {
      {0.25, 0ms, 4},                  // a token every 4 s
      {0.25, 1000ms, 3},               // a quarter token back: 3 s to go
      {0.25, 3500ms, 1},               // 0.5 s to go rounds up to 1
      {0.01, 0ms, 100},  {2, 0ms, 1},  // 0.5 s rounds up: never 0
      {1000, 0ms, 1},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.per_second << "/s after " << c.wait.count() << "ms");
    FakeClock clock(FromMillis(kStart));
    LocalRateLimiter limiter(clock);
    const BucketPolicy policy{.per_second = c.per_second, .burst = 1};
    ASSERT_THAT(limiter.Take("k", policy), IsOk());
    clock.Advance(c.wait);
    Status s = limiter.Take("k", policy);
    EXPECT_THAT(s, StatusIs(Code::kResourceExhausted));
    EXPECT_EQ(s.retry_after_seconds(), c.retry_after);
  }
}

TEST_F(LocalRateLimiterTest, ZeroRateDisablesTheLimit) {
  LocalRateLimiter limiter(clock_);
  const BucketPolicy off{.per_second = 0, .burst = 0};
  for (int i = 0; i < 1000; ++i) ASSERT_THAT(limiter.Take("k", off), IsOk()) << i;
}

TEST_F(LocalRateLimiterTest, KeysAreIndependent) {
  LocalRateLimiter limiter(clock_);
  const BucketPolicy policy{.per_second = 1, .burst = 1};
  EXPECT_THAT(limiter.Take("ip:1.2.3.4", policy), IsOk());
  EXPECT_THAT(limiter.Take("ip:1.2.3.4", policy), StatusIs(Code::kResourceExhausted));
  EXPECT_THAT(limiter.Take("ip:5.6.7.8", policy), IsOk());
  EXPECT_THAT(limiter.Take("u:ip:1.2.3.4", policy), IsOk());
}

TEST_F(LocalRateLimiterTest, ClockGoingBackwardsGrantsNothing) {
  LocalRateLimiter limiter(clock_);
  const BucketPolicy policy{.per_second = 1, .burst = 1};
  EXPECT_THAT(limiter.Take("k", policy), IsOk());
  clock_.Set(FromMillis(kStart - 3'600'000));
  EXPECT_THAT(limiter.Take("k", policy), StatusIs(Code::kResourceExhausted));
}

TEST_F(LocalRateLimiterTest, TableIsBoundedAndEvictsTheLeastRecentlyUsed) {
  LocalRateLimiter limiter(clock_, /*max_keys=*/3);
  const BucketPolicy policy{.per_second = 1, .burst = 1};
  // Each key spends its only token, so "limited" proves the bucket was kept and "OK" proves
  // it was evicted and rebuilt fresh.
  ASSERT_THAT(limiter.Take("a", policy), IsOk());
  ASSERT_THAT(limiter.Take("b", policy), IsOk());
  ASSERT_THAT(limiter.Take("c", policy), IsOk());
  // Touch "a": now "b" is the least recently used.
  EXPECT_THAT(limiter.Take("a", policy), StatusIs(Code::kResourceExhausted));
  // A fourth key evicts "b".
  EXPECT_THAT(limiter.Take("d", policy), IsOk());
  EXPECT_THAT(limiter.Take("a", policy), StatusIs(Code::kResourceExhausted));
  EXPECT_THAT(limiter.Take("c", policy), StatusIs(Code::kResourceExhausted));
  EXPECT_THAT(limiter.Take("d", policy), StatusIs(Code::kResourceExhausted));
  EXPECT_THAT(limiter.Take("b", policy), IsOk());  // forgotten, so it starts with a full bucket
}

TEST_F(LocalRateLimiterTest, ManyDistinctKeysStayWithinTheBound) {
  LocalRateLimiter limiter(clock_, /*max_keys=*/100);
  const BucketPolicy policy{.per_second = 1, .burst = 1};
  for (int i = 0; i < 10'000; ++i)
    ASSERT_THAT(limiter.Take("k" + std::to_string(i), policy), IsOk());
  // The last 100 are remembered, the first ones are not.
  EXPECT_THAT(limiter.Take("k9999", policy), StatusIs(Code::kResourceExhausted));
  EXPECT_THAT(limiter.Take("k9900", policy), StatusIs(Code::kResourceExhausted));
  EXPECT_THAT(limiter.Take("k0", policy), IsOk());
}

}  // namespace
}  // namespace sonora::http
