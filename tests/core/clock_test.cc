// Clock seam: FakeClock moves only when told to; SystemClock follows the wall clock.
#include "core/clock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace sonora {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kNov12Noon = 1762948800000;  // 2025-11-12T12:00:00Z

TEST(FakeClockTest, StandsStillUntilAdvanced) {
  FakeClock clock(FromMillis(kNov12Noon));
  EXPECT_EQ(clock.NowMillis(), kNov12Noon);
  EXPECT_EQ(clock.NowMillis(), kNov12Noon);
  EXPECT_EQ(clock.NowSeconds(), kNov12Noon / 1000);

  clock.Advance(1500ms);
  EXPECT_EQ(clock.NowMillis(), kNov12Noon + 1500);
  EXPECT_EQ(clock.NowSeconds(), kNov12Noon / 1000 + 1);

  clock.Advance(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::days(30)));
  EXPECT_EQ(clock.NowMillis(), kNov12Noon + 1500 + 30LL * 24 * 3600 * 1000);

  clock.Set(FromMillis(5));
  EXPECT_EQ(clock.NowMillis(), 5);
  EXPECT_EQ(clock.Now(), FromMillis(5));
}

TEST(FakeClockTest, AdvanceIsThreadSafe) {
  FakeClock clock(FromMillis(0));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) clock.Advance(1ms);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(clock.NowMillis(), 4000);
}

TEST(SystemClockTest, FollowsTheWallClock) {
  const auto before =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const TimePoint now = SystemClock::Get().Now();
  const auto after =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
  EXPECT_EQ(&SystemClock::Get(), &SystemClock::Get());
}

TEST(FromMillisTest, RoundTrips) {
  EXPECT_EQ(FromMillis(kNov12Noon).time_since_epoch().count(), kNov12Noon);
  EXPECT_EQ(FromMillis(-1).time_since_epoch().count(), -1);
}

}  // namespace
}  // namespace sonora
