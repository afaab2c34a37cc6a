// RecommendationService on both backends: co-listening ranks first, seeds and tracks outside the
// market are excluded, scores are in [0, 1] and ordered, reasons follow the evidence, unknown
// seeds are kNotFound, a user with no history still gets results, and a new factor file is
// picked up without a restart.
#include "recommend/recommendation_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "core/clock.h"
#include "recommend/blend.h"
#include "recommend/cf_model.h"
#include "recommend/discover_weekly.h"
#include "recommend_db_fixture.h"
#include "support/status_matchers.h"

namespace sonora::recommend {
namespace {

using testing::Backend;
using testing::IsOk;

class RecommendationServiceTest : public RecommendDbTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase());
    Artist("ar_rock", "rock");
    Artist("ar_jazz", "jazz");
    Artist("ar_new", "rock");
    Album("al_rock", "ar_rock", "rock", "2019-05-01");
    Album("al_jazz", "ar_jazz", "jazz", "2015-01-01");
    Album("al_new", "ar_new", "rock", "2026-11-13");  // a week before kNowMs
    Track("r1", "al_rock", "ar_rock", 50, "");
    Track("r2", "al_rock", "ar_rock", 40, "");
    Track("r3", "al_rock", "ar_rock", 30, "");
    Track("r4", "al_rock", "ar_rock", 90, "NO");  // not playable in SE
    Track("j1", "al_jazz", "ar_jazz", 60, "");
    Track("j2", "al_jazz", "ar_jazz", 20, "");
    Track("j3", "al_jazz", "ar_jazz", 10, "");
    Track("n1", "al_new", "ar_new", 5, "");
    for (const char* u : {"me", "u1", "u2", "u3", "u4"}) User(u);
    // r1 and r2 are played together; j1 and j2 together; r3 by one of them with j3.
    for (const char* u : {"u1", "u2", "u3"}) {
      Listen(u, "r1");
      Listen(u, "r2");
    }
    Listen("u4", "j1");
    Listen("u4", "j2");
    Listen("u4", "r3");
    Listen("u4", "j3");
    MakeService();
  }

  std::vector<Recommendation> Get(const Seeds& seeds, const std::string& user = "me",
                                  int limit = 20) {
    auto r = service_->Recommend(user, seeds, "SE", limit);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : std::vector<Recommendation>{};
  }

  static std::vector<std::string> Ids(const std::vector<Recommendation>& recs) {
    std::vector<std::string> ids;
    for (const auto& r : recs) ids.push_back(r.track.track_id);
    return ids;
  }

  static const Recommendation* Find(const std::vector<Recommendation>& recs,
                                    const std::string& id) {
    for (const auto& r : recs)
      if (r.track.track_id == id) return &r;
    return nullptr;
  }
};

TEST_P(RecommendationServiceTest, CoListenedTrackRanksFirstAndSeedsAndForeignTracksAreOut) {
  auto recs = Get({.tracks = {"r1"}});
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(recs.front().track.track_id, "r2");
  EXPECT_EQ(recs.front().reason, "Listeners of Title r1 also play this");
  auto ids = Ids(recs);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "r1"), 0) << "the seed is excluded";
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "r4"), 0) << "r4 is not playable in SE";
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "no repeats";
  EXPECT_EQ(ids.size(), 6u) << "every other playable track is a candidate";
  for (size_t i = 0; i < recs.size(); ++i) {
    EXPECT_GE(recs[i].match_score, 0.0);
    EXPECT_LE(recs[i].match_score, 1.0);
    EXPECT_FALSE(recs[i].reason.empty());
  }
}

TEST_P(RecommendationServiceTest, ScoresAreOrderedWithinAGenreAndLimitIsHonoured) {
  auto recs = Get({.tracks = {"r1"}}, "me", 2);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_GE(recs[0].match_score, recs[1].match_score);
  EXPECT_EQ(recs[0].track.title, "Title r2");
  EXPECT_FALSE(recs[0].track.artists.empty()) << "whole tracks come back";
}

TEST_P(RecommendationServiceTest, SaysBecauseYouPlayedWhenTheCallerPlayedTheSeed) {
  Listen("me", "r1");
  auto recs = Get({.tracks = {"r1"}});
  ASSERT_FALSE(recs.empty());
  EXPECT_EQ(recs.front().reason, "Because you played Title r1");
}

TEST_P(RecommendationServiceTest, NewReleaseFromAFollowedArtistSaysSo) {
  Exec(
      "INSERT INTO artist_follows (user_id, artist_id, followed_at_ms) VALUES ('me', 'ar_new', 0)");
  auto recs = Get({.genres = {"rock"}});
  const Recommendation* n1 = Find(recs, "n1");
  ASSERT_NE(n1, nullptr);
  EXPECT_EQ(n1->reason, "New from an artist you follow");
}

TEST_P(RecommendationServiceTest, GenreSeedsPreferThatGenre) {
  auto recs = Get({.genres = {"Jazz"}});
  ASSERT_GE(recs.size(), 3u);
  std::set<std::string> top = {recs[0].track.track_id, recs[1].track.track_id,
                               recs[2].track.track_id};
  EXPECT_EQ(top, (std::set<std::string>{"j1", "j2", "j3"}));
}

TEST_P(RecommendationServiceTest, ArtistSeedFindsWhatItsListenersPlay) {
  auto recs = Get({.artists = {"ar_jazz"}});
  auto ids = Ids(recs);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "r3"), ids.end());
  const Recommendation* r3 = Find(recs, "r3");
  ASSERT_NE(r3, nullptr);
  EXPECT_NE(r3->reason.find("also play this"), std::string::npos) << r3->reason;
}

TEST_P(RecommendationServiceTest, UnknownSeedsAreNotFound) {
  EXPECT_EQ(service_->Recommend("me", {.tracks = {"nope"}}, "SE", 20).status().code(),
            Code::kNotFound);
  EXPECT_EQ(service_->Recommend("me", {.artists = {"nope"}}, "SE", 20).status().code(),
            Code::kNotFound);
}

TEST_P(RecommendationServiceTest, NoHistoryAndAnUnknownGenreStillGivesPopularTracks) {
  auto recs = Get({.genres = {"polka"}}, "stranger", 3);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].track.track_id, "j1") << "the most popular playable track";
  EXPECT_EQ(recs[0].reason, "Popular with listeners like you");
}

TEST_P(RecommendationServiceTest, PicksUpANewFactorFileWithoutRestart) {
  auto before = Find(Get({.tracks = {"r1"}}), "j3");
  ASSERT_NE(before, nullptr);
  const double score_before = before->match_score;
  // A model in which j3 lies exactly along r1 and everything else is orthogonal.
  FactorModel m;
  m.factors = 2;
  m.users = 1;
  m.items = 3;
  m.user_factors = {0, 0};
  m.item_factors = {1, 0, 1, 0, 0, 1};
  m.user_ids = {"nobody"};
  m.item_ids = {"r1", "j3", "r2"};
  ASSERT_THAT(SaveFactorModel(m, FactorModelPath(dir_.path())), IsOk());
  auto after = Find(Get({.tracks = {"r1"}}), "j3");
  ASSERT_NE(after, nullptr);
  EXPECT_NEAR(after->match_score - score_before, 0.3, 1e-6)
      << "the model's score enters the collaborative share";
}

std::vector<std::string> TrackIds(const GeneratedPlaylist& p) {
  std::vector<std::string> ids;
  for (const auto& t : p.tracks) ids.push_back(t.track_id);
  return ids;
}

TEST(DiscoverWeeklyWeekTest, WeeksStartOnMondayMidnightUtc) {
  const int64_t monday = ReleaseDateMillis("2026-11-16");
  EXPECT_EQ(WeekStartMillis(kNowMs), monday);  // Friday 2026-11-20
  EXPECT_EQ(WeekStartMillis(monday), monday);
  EXPECT_EQ(WeekStartMillis(monday - 1), ReleaseDateMillis("2026-11-09"));
  EXPECT_EQ(WeekStartMillis(ReleaseDateMillis("2026-11-22") + 86'399'999), monday);
}

TEST_P(RecommendationServiceTest, DiscoverWeeklyIsTheSameAllWeekAndNewAfterMonday) {
  Exec("INSERT INTO saved_tracks (user_id, track_id, added_at_ms) VALUES ('me', 'j1', 0)");
  Listen("me", "r1");  // heard within 90 days
  DiscoverWeekly dw(tdb_->db(), *repo_, *service_, *clock_);
  auto week1 = dw.Get("me", "SE");
  ASSERT_THAT(week1, IsOk());
  EXPECT_EQ(week1->generated_at_ms, ReleaseDateMillis("2026-11-16"));
  EXPECT_EQ(week1->expires_at_ms, ReleaseDateMillis("2026-11-23"));
  std::vector<std::string> ids = TrackIds(*week1);
  ASSERT_FALSE(ids.empty());
  std::set<std::string> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), ids.size());
  EXPECT_EQ(unique.count("r1"), 0u) << "heard in the last 90 days";
  EXPECT_EQ(unique.count("j1"), 0u) << "liked";
  EXPECT_EQ(unique.count("r4"), 0u) << "not playable in SE";
  std::map<std::string, int> per_artist;
  for (const auto& t : week1->tracks) ++per_artist[t.artists.front().artist_id];
  for (const auto& [artist, count] : per_artist) EXPECT_LE(count, 2) << artist;
  EXPECT_EQ(ids.size(), 5u) << "r2 r3 (ar_rock), j2 j3 (ar_jazz), n1";

  // During the week: the stored list, even after liking one of its tracks.
  const std::string liked = ids.front();
  Exec("INSERT INTO saved_tracks (user_id, track_id, added_at_ms) VALUES ('me', ?, 1)", {liked});
  clock_->Advance(std::chrono::hours(24 * 2 + 23));  // Sunday 23:00
  auto sunday = dw.Get("me", "SE");
  ASSERT_THAT(sunday, IsOk());
  EXPECT_EQ(TrackIds(*sunday), ids);
  EXPECT_EQ(sunday->generated_at_ms, week1->generated_at_ms);

  // Monday 00:00: a new week and a new list, without the track liked last week.
  clock_->Advance(std::chrono::hours(1));
  auto week2 = dw.Get("me", "SE");
  ASSERT_THAT(week2, IsOk());
  EXPECT_EQ(week2->generated_at_ms, ReleaseDateMillis("2026-11-23"));
  EXPECT_EQ(week2->expires_at_ms, ReleaseDateMillis("2026-11-30"));
  auto ids2 = TrackIds(*week2);
  EXPECT_EQ(std::count(ids2.begin(), ids2.end(), liked), 0);
  EXPECT_EQ(ids2.size(), ids.size() - 1);
}

TEST_P(RecommendationServiceTest, DiscoverWeeklyForAllUsersSkipsThoseThatHaveOne) {
  DiscoverWeekly dw(tdb_->db(), *repo_, *service_, *clock_);
  ASSERT_THAT(dw.Get("me", "SE"), IsOk());
  int64_t calls = 0;
  auto all = dw.GenerateAll([&](int64_t done, int64_t total) {
    ++calls;
    EXPECT_EQ(total, 4);
    EXPECT_EQ(done, calls);
  });
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(*all, 4) << "u1..u4; me already has this week's";
  EXPECT_EQ(calls, 4);
  auto again = dw.GenerateAll({});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, 0);
  auto u4 = dw.Get("u4", "SE");
  ASSERT_THAT(u4, IsOk());
  auto ids = TrackIds(*u4);
  for (const char* heard : {"j1", "j2", "r3", "j3"}) {
    EXPECT_EQ(std::count(ids.begin(), ids.end(), heard), 0) << heard;
  }
  EXPECT_FALSE(ids.empty()) << "there are playable tracks u4 never heard";
}

TEST_P(RecommendationServiceTest, RelatedArtistsBlendCoListeningAndGenres) {
  auto names = [](const std::vector<catalog::Artist>& artists) {
    std::vector<std::string> ids;
    for (const auto& a : artists) ids.push_back(a.artist_id);
    return ids;
  };
  // ar_jazz's only listener also plays ar_rock: co-listening 0.5 beats no overlap at all.
  auto jazz = service_->RelatedArtists("ar_jazz", 20);
  ASSERT_THAT(jazz, IsOk());
  EXPECT_EQ(names(*jazz), (std::vector<std::string>{"ar_rock", "ar_new"}));
  // For ar_rock, ar_new's identical genre (0.4) outweighs ar_jazz's co-listening (0.6 x 0.5).
  auto rock = service_->RelatedArtists("ar_rock", 20);
  ASSERT_THAT(rock, IsOk());
  EXPECT_EQ(names(*rock), (std::vector<std::string>{"ar_new", "ar_jazz"}));
  auto one = service_->RelatedArtists("ar_rock", 1);
  ASSERT_THAT(one, IsOk());
  EXPECT_EQ(one->size(), 1u);
  EXPECT_EQ(service_->RelatedArtists("nobody", 20).status().code(), Code::kNotFound);
}

TEST_P(RecommendationServiceTest, RadioCycleSpreadsArtistsAndSkipsSeedAndForeignTracks) {
  auto cycle = service_->RadioCycle("me", "r1", "SE");
  ASSERT_THAT(cycle, IsOk());
  auto ids = Ids(*cycle);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{"r2", "r3", "j1", "j2", "j3", "n1"}));
  ASSERT_GE(cycle->size(), 3u);
  std::set<std::string> first3;
  for (size_t i = 0; i < 3; ++i) first3.insert((*cycle)[i].track.artists.front().artist_id);
  EXPECT_EQ(first3.size(), 3u) << "three artists before any repeats";
  EXPECT_EQ(service_->RadioCycle("me", "nope", "SE").status().code(), Code::kNotFound);
}

TEST_P(RecommendationServiceTest, AHeldSnapshotServesTheWholeBatchAndIsRebuiltAfter) {
  std::optional<RecommendationService::SnapshotHold> hold;
  {
    auto h = service_->HoldSnapshot();
    ASSERT_THAT(h, IsOk());
    hold.emplace(std::move(*h));
  }
  // A new, most popular rock track arrives and an hour passes: the 5-minute refresh is long
  // due, but a batch that holds the snapshot keeps ranking over what it started with.
  Track("r9", "al_rock", "ar_rock", 100, "");
  clock_->Advance(std::chrono::hours(1));
  auto held = Ids(Get({.genres = {"rock"}}));
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(std::count(held.begin(), held.end(), "r9"), 0) << "the held snapshot predates r9";
  {
    // Holds nest: a second one ends without releasing the first.
    auto inner = service_->HoldSnapshot();
    ASSERT_THAT(inner, IsOk());
  }
  auto still = Ids(Get({.genres = {"rock"}}));
  EXPECT_EQ(std::count(still.begin(), still.end(), "r9"), 0) << "the outer hold is still live";
  hold.reset();
  auto fresh = Ids(Get({.genres = {"rock"}}));
  EXPECT_EQ(std::count(fresh.begin(), fresh.end(), "r9"), 1) << "rebuilt once the hold ended";
}

TEST_P(RecommendationServiceTest, MarketMaskHonoursListsAndTracksWithoutOne) {
  // r4 plays only in NO; every other track has no list and plays everywhere.
  auto no = Ids(Get({.genres = {"rock"}}, "me", 20));
  EXPECT_EQ(std::count(no.begin(), no.end(), "r4"), 0) << "SE";
  auto in_no = service_->Recommend("me", {.genres = {"rock"}}, "NO", 20);
  ASSERT_THAT(in_no, IsOk());
  auto ids = Ids(*in_no);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), "r4"), 1) << "r4 plays in NO";
  EXPECT_EQ(ids.size(), 8u) << "NO has every track";
  auto nowhere = service_->Recommend("me", {.genres = {"rock"}}, "JP", 20);
  ASSERT_THAT(nowhere, IsOk());
  EXPECT_EQ(nowhere->size(), 7u) << "JP has the tracks without a market list";
  auto unfiltered = service_->Recommend("me", {.genres = {"rock"}}, "", 20);
  ASSERT_THAT(unfiltered, IsOk());
  EXPECT_EQ(unfiltered->size(), 8u) << "no market: no filter";
}

INSTANTIATE_TEST_SUITE_P(Backends, RecommendationServiceTest,
                         ::testing::ValuesIn(testing::AllBackends()), testing::BackendParamName());

}  // namespace
}  // namespace sonora::recommend
