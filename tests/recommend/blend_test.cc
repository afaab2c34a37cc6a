// The blend of seed 004 §4: weights, the popularity cap, freshness, release dates, the pool
// split and genre diversity.
#include "recommend/blend.h"

#include <gtest/gtest.h>

namespace sonora::recommend {
namespace {

TEST(BlendTest, WeighsContentCollaborativePopularityAndFreshness) {
  EXPECT_DOUBLE_EQ(BlendScore({.content = 1}), 0.4);
  EXPECT_DOUBLE_EQ(BlendScore({.collaborative = 1}), 0.3);
  EXPECT_DOUBLE_EQ(BlendScore({.popularity = 50}), 0.2 * 0.5);
  EXPECT_DOUBLE_EQ(BlendScore({.freshness = 1}), 0.1);
  EXPECT_NEAR(
      BlendScore({.content = 0.5, .collaborative = 0.5, .popularity = 40, .freshness = 0.5}),
      0.2 + 0.15 + 0.08 + 0.05, 1e-12);
}

TEST(BlendTest, PopularityIsCappedAndInputsAreClamped) {
  EXPECT_DOUBLE_EQ(BlendScore({.popularity = 80}), BlendScore({.popularity = 100}));
  EXPECT_NEAR(BlendScore({.popularity = 100}), 0.16, 1e-12);
  EXPECT_NEAR(BlendScore({.content = 7, .collaborative = -1, .popularity = 500, .freshness = 3}),
              0.4 + 0.0 + 0.16 + 0.1, 1e-12);
  EXPECT_LE(BlendScore({.content = 1, .collaborative = 1, .popularity = 100, .freshness = 1}), 1.0);
}

TEST(BlendTest, FreshnessFallsLinearlyOverNinetyDays) {
  const int64_t day = 86'400'000;
  const int64_t now = 1000 * day;
  EXPECT_DOUBLE_EQ(FreshnessScore(now, now), 1.0);
  EXPECT_DOUBLE_EQ(FreshnessScore(now - 45 * day, now), 0.5);
  EXPECT_DOUBLE_EQ(FreshnessScore(now - 90 * day, now), 0.0);
  EXPECT_DOUBLE_EQ(FreshnessScore(now - 400 * day, now), 0.0);
  EXPECT_DOUBLE_EQ(FreshnessScore(-1, now), 0.0);
  EXPECT_DOUBLE_EQ(FreshnessScore(now + day, now), 1.0) << "announced releases count as new";
}

TEST(BlendTest, ReadsCatalogReleaseDates) {
  EXPECT_EQ(ReleaseDateMillis("1970-01-02"), 86'400'000);
  EXPECT_EQ(ReleaseDateMillis("2026-11-23"), ReleaseDateMillis("2026-11-01") + 22 * 86'400'000LL);
  EXPECT_EQ(ReleaseDateMillis("2026-11"), ReleaseDateMillis("2026-11-01"));
  EXPECT_EQ(ReleaseDateMillis("2026"), ReleaseDateMillis("2026-01-01"));
  EXPECT_EQ(ReleaseDateMillis(""), -1);
  EXPECT_EQ(ReleaseDateMillis("soon"), -1);
  EXPECT_EQ(ReleaseDateMillis("2026-02-30"), -1);
}

TEST(BlendTest, PoolIsSplitFortyThirtyThirty) {
  PoolSplit s = SplitPool(100);
  EXPECT_EQ(s.collaborative, 40);
  EXPECT_EQ(s.content, 30);
  EXPECT_EQ(s.model, 30);
  s = SplitPool(7);
  EXPECT_EQ(s.collaborative + s.content + s.model, 7);
}

TEST(BlendTest, GenreDiversityCapsEachGenreThenBackfills) {
  const std::vector<std::string> genre = {"rock", "rock", "rock", "rock", "jazz", "", ""};
  const std::vector<int32_t> ranked = {0, 1, 2, 3, 4, 5, 6};
  EXPECT_EQ(DiversifyByGenre(ranked, genre, 2, 5), (std::vector<int32_t>{0, 1, 4, 5, 6}));
  // Not enough other genres: the capped ones follow in rank order.
  EXPECT_EQ(DiversifyByGenre({0, 1, 2, 3, 4}, genre, 2, 5), (std::vector<int32_t>{0, 1, 4, 2, 3}));
  EXPECT_EQ(DiversifyByGenre(ranked, genre, 3, 2), (std::vector<int32_t>{0, 1}));
}

}  // namespace
}  // namespace sonora::recommend
