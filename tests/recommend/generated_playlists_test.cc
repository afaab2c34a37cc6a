// Daily Mix and Release Radar on both backends (issue 7; docs/recommendations.md): clusters
// follow the listener's genres, k follows the data up to 6, each mix is 80% familiar / 20% new
// and named after its dominant genre, the day's mixes are stored until midnight; Release Radar
// lists the last 14 days of releases by followed and most played artists, newest first, and is
// the same from Friday to Friday; a listener with no history still gets lists; the period
// helpers and the first-writer-wins storage.
#include "recommend/generated_playlists.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "recommend/blend.h"
#include "recommend/daily_mix.h"
#include "recommend/release_radar.h"
#include "recommend_db_fixture.h"

namespace sonora::recommend {
namespace {

using testing::IsOk;

constexpr int64_t kDay = 86'400'000;

// A catalog of `genres` genres, 3 artists each, 4 tracks per artist (12 per genre), on albums
// released in 2020; genre i is "genre<i>", track ids "g<i>a<j>t<k>".
class GeneratedPlaylistsTest : public RecommendDbTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(OpenDatabase());
    for (const char* u : {"me", "other", "newbie"}) User(u);
  }

  void Catalog(int genres) {
    for (int g = 0; g < genres; ++g) {
      const std::string genre = "genre" + std::to_string(g);
      for (int a = 0; a < 3; ++a) {
        const std::string artist = "g" + std::to_string(g) + "a" + std::to_string(a);
        Artist(artist, genre);
        Album("al_" + artist, artist, genre, "2020-01-01");
        for (int t = 0; t < 4; ++t) {
          Track(artist + "t" + std::to_string(t), "al_" + artist, artist, 10 + 10 * t, "");
        }
      }
    }
  }
  static std::string TrackId(int g, int a, int t) {
    return "g" + std::to_string(g) + "a" + std::to_string(a) + "t" + std::to_string(t);
  }

  std::vector<GeneratedPlaylist> Mixes(const std::string& user = "me") {
    DailyMixes mixes(tdb_->db(), *repo_, *service_, *clock_);
    auto r = mixes.GetAll(user, "SE");
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : std::vector<GeneratedPlaylist>{};
  }

  static std::vector<std::string> Ids(const GeneratedPlaylist& p) {
    std::vector<std::string> ids;
    for (const auto& t : p.tracks) ids.push_back(t.track_id);
    return ids;
  }
};

TEST_P(GeneratedPlaylistsTest, DailyMixesFollowTheListenersGenres) {
  Catalog(3);
  // "me" plays genre0 and genre1 (8 tracks each, the more popular half twice), never genre2.
  std::set<std::string> heard;
  for (int g = 0; g < 2; ++g) {
    for (int a = 0; a < 2; ++a) {
      for (int t = 0; t < 4; ++t) {
        Listen("me", TrackId(g, a, t));
        if (t >= 2) Listen("me", TrackId(g, a, t));
        heard.insert(TrackId(g, a, t));
      }
    }
  }
  Listen("me", TrackId(2, 0, 0), 200 * kDay);  // outside the 180-day window
  // Other listeners connect me's genres with the rest of them.
  for (int a = 0; a < 3; ++a) Listen("other", TrackId(0, a, 3));
  MakeService();

  auto mixes = Mixes();
  ASSERT_EQ(mixes.size(), 2u) << "two genres, two clusters";
  std::set<std::string> names;
  for (size_t m = 0; m < mixes.size(); ++m) {
    const auto& mix = mixes[m];
    names.insert(mix.name);
    EXPECT_EQ(mix.kind, "daily_mix:" + std::to_string(m + 1));
    EXPECT_LE(mix.tracks.size(), 50u);
    EXPECT_FALSE(mix.description.empty());
    size_t familiar = 0, fresh = 0;
    std::set<std::string> genres_familiar;
    for (const auto& t : mix.tracks) {
      if (mix.new_tracks.count(t.track_id)) {
        ++fresh;
        EXPECT_EQ(heard.count(t.track_id), 0u) << t.track_id << " is new but was heard";
        EXPECT_NE(t.track_id, TrackId(2, 0, 0)) << "heard 200 days ago is old, not new";
      } else {
        ++familiar;
        EXPECT_EQ(heard.count(t.track_id), 1u) << t.track_id << " is familiar but never heard";
        genres_familiar.insert(t.track_id.substr(0, 2));
      }
    }
    EXPECT_EQ(familiar, 8u) << mix.name;
    EXPECT_EQ(fresh, 2u) << mix.name << ": 80% familiar, 20% new";
    EXPECT_EQ(genres_familiar.size(), 1u) << mix.name << " mixes genres";
    EXPECT_EQ(mix.name, "Genre" + genres_familiar.begin()->substr(1) + " Mix");
    EXPECT_TRUE(mix.new_tracks.count(Ids(mix)[4])) << "a new track after four familiar ones";
  }
  EXPECT_EQ(names, (std::set<std::string>{"Genre0 Mix", "Genre1 Mix"}));
}

TEST_P(GeneratedPlaylistsTest, OneTasteIsOneMixAndKIsCappedAtSix) {
  Catalog(8);
  for (int a = 0; a < 3; ++a)
    for (int t = 0; t < 4; ++t) Listen("me", TrackId(0, a, t));
  // "other" plays 5 tracks of each of 8 genres.
  for (int g = 0; g < 8; ++g)
    for (int t = 0; t < 4; ++t) Listen("other", TrackId(g, t % 3, t));
  for (int g = 0; g < 8; ++g) Listen("other", TrackId(g, 2, 3));
  MakeService();
  auto one = Mixes("me");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].name, "Genre0 Mix");
  EXPECT_EQ(one[0].tracks.size(), 15u) << "12 familiar + 3 new";
  auto many = Mixes("other");
  EXPECT_EQ(many.size(), 6u) << "eight genres, at most six mixes";
  std::set<std::string> names;
  for (const auto& m : many) names.insert(m.name);
  EXPECT_EQ(names.size(), many.size()) << "names are unique";
}

TEST_P(GeneratedPlaylistsTest, NoHistoryGetsGenreMixesOfPopularTracks) {
  Catalog(2);
  Track("foreign", "al_g0a0", "g0a0", 100, "NO");
  MakeService();
  auto mixes = Mixes("newbie");
  ASSERT_EQ(mixes.size(), 2u);
  for (const auto& m : mixes) {
    EXPECT_EQ(m.tracks.size(), 12u);
    EXPECT_EQ(m.new_tracks.size(), m.tracks.size()) << "all of it is new";
    for (const auto& t : m.tracks) EXPECT_NE(t.track_id, "foreign") << "not playable in SE";
    EXPECT_GE(m.tracks.front().popularity, m.tracks.back().popularity) << "most popular first";
  }
}

TEST_P(GeneratedPlaylistsTest, MixesAreKeptForTheDayAndRemadeAtMidnight) {
  Catalog(2);
  for (int a = 0; a < 3; ++a)
    for (int t = 0; t < 2; ++t) Listen("me", TrackId(0, a, t));
  MakeService();
  auto today = Mixes();
  ASSERT_EQ(today.size(), 1u);
  EXPECT_EQ(today[0].generated_at_ms, kNowMs);
  EXPECT_EQ(today[0].expires_at_ms, kNowMs + kDay);
  // New listening during the day does not change today's mix.
  for (int t = 2; t < 4; ++t) Listen("me", TrackId(0, 0, t));
  clock_->Advance(std::chrono::hours(23));
  auto later = Mixes();
  ASSERT_EQ(later.size(), 1u);
  EXPECT_EQ(Ids(later[0]), Ids(today[0]));
  // After midnight (and a snapshot refresh), a new one with the new listening.
  clock_->Advance(std::chrono::hours(1));
  auto tomorrow = Mixes();
  ASSERT_EQ(tomorrow.size(), 1u);
  EXPECT_EQ(tomorrow[0].generated_at_ms, kNowMs + kDay);
  const auto ids = Ids(tomorrow[0]);
  EXPECT_TRUE(std::count(ids.begin(), ids.end(), TrackId(0, 0, 3)) == 1 &&
              !tomorrow[0].new_tracks.count(TrackId(0, 0, 3)))
      << "yesterday's listening is familiar today";
}

TEST_P(GeneratedPlaylistsTest, ReleaseRadarListsNewReleasesOfMyArtistsFirst) {
  Catalog(2);
  Album("al_fresh", "g0a0", "genre0", "2026-11-18");  // followed artist, 2 days old
  for (int t = 0; t < 3; ++t) Track("fresh" + std::to_string(t), "al_fresh", "g0a0", 10 * t, "");
  Album("al_played", "g1a1", "genre1", "2026-11-10");  // most played artist, 10 days old
  Track("played0", "al_played", "g1a1", 5, "");
  Album("al_genre", "g1a2", "genre1", "2026-11-19");  // my genre, an artist I don't play
  Track("genre1", "al_genre", "g1a2", 5, "");
  Album("al_old", "g0a0", "genre0", "2026-10-01");  // too old
  Track("old0", "al_old", "g0a0", 99, "");
  Album("al_future", "g0a0", "genre0", "2026-12-01");  // not out yet
  Track("future0", "al_future", "g0a0", 99, "");
  Album("al_foreign", "g0a0", "genre0", "2026-11-19");
  Track("foreign0", "al_foreign", "g0a0", 99, "NO");
  Follow("me", "g0a0");
  Listen("me", TrackId(1, 1, 0));
  Listen("me", TrackId(1, 1, 1));
  MakeService();
  ReleaseRadar radar(tdb_->db(), *repo_, *service_, *clock_);
  auto list = radar.Get("me", "SE");
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->name, "Release Radar");
  EXPECT_EQ(list->generated_at_ms, kNowMs) << "kNowMs is a Friday";
  EXPECT_EQ(list->expires_at_ms, kNowMs + 7 * kDay);
  // The followed artist's release (two of its three tracks, most popular first), then the
  // most played artist's, then a new release in my genres.
  EXPECT_EQ(Ids(*list), (std::vector<std::string>{"fresh2", "fresh1", "played0", "genre1"}));

  // The same list until Friday, then a new one.
  Album("al_later", "g0a0", "genre0", "2026-11-21");
  Track("later0", "al_later", "g0a0", 1, "");
  clock_->Advance(std::chrono::hours(24 * 6 + 23));
  auto thursday = radar.Get("me", "SE");
  ASSERT_THAT(thursday, IsOk());
  EXPECT_EQ(Ids(*thursday), Ids(*list));
  clock_->Advance(std::chrono::hours(1));
  auto friday = radar.Get("me", "SE");
  ASSERT_THAT(friday, IsOk());
  EXPECT_EQ(friday->generated_at_ms, kNowMs + 7 * kDay);
  ASSERT_FALSE(friday->tracks.empty());
  EXPECT_EQ(friday->tracks.front().track_id, "later0") << "newest release first";
}

TEST_P(GeneratedPlaylistsTest, ReleaseRadarIsNeverEmptyWhenTheCatalogHasPlayableTracks) {
  Catalog(1);  // nothing released in the last 14 days
  MakeService();
  ReleaseRadar radar(tdb_->db(), *repo_, *service_, *clock_);
  auto list = radar.Get("newbie", "SE");
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(list->tracks.size(), 6u) << "two per release, three releases";
}

TEST_P(GeneratedPlaylistsTest, ConcurrentFirstRequestsStoreOneSet) {
  Catalog(2);
  for (int g = 0; g < 2; ++g)
    for (int a = 0; a < 3; ++a) Listen("me", TrackId(g, a, 0));
  MakeService();
  std::vector<std::vector<std::string>> seen(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      DailyMixes mixes(tdb_->db(), *repo_, *service_, *clock_);
      auto r = mixes.GetAll("me", "SE");
      ASSERT_THAT(r, IsOk());
      for (const auto& m : *r)
        for (const auto& t : m.tracks) seen[i].push_back(m.kind + "/" + t.track_id);
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[0]);
  auto rows = tdb_->db().Query("SELECT COUNT(*) FROM generated_playlists WHERE user_id = 'me'");
  ASSERT_THAT(rows, IsOk());
  EXPECT_EQ(rows->rows[0].GetInt(0), static_cast<int64_t>(Mixes().size()));
}

TEST_P(GeneratedPlaylistsTest, GenerateAllCoversEveryUserOncePerPeriod) {
  Catalog(2);
  Listen("me", TrackId(0, 0, 0));
  MakeService();
  DailyMixes mixes(tdb_->db(), *repo_, *service_, *clock_);
  // Three threads for three users: progress still counts up by one, serialized.
  std::vector<int64_t> progress;
  auto first = mixes.GenerateAll(
      [&](int64_t done, int64_t total) {
        EXPECT_EQ(total, 3);
        progress.push_back(done);
      },
      3);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, 3) << "me, other, newbie";
  EXPECT_EQ(progress, (std::vector<int64_t>{1, 2, 3}));
  auto users = tdb_->db().Query("SELECT COUNT(DISTINCT user_id) FROM generated_playlists");
  ASSERT_THAT(users, IsOk());
  EXPECT_EQ(users->rows[0].GetInt(0), 3);
  auto again = mixes.GenerateAll({});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, 0);
  clock_->Advance(std::chrono::hours(24));
  auto next_day = mixes.GenerateAll({});
  ASSERT_THAT(next_day, IsOk());
  EXPECT_EQ(*next_day, 3);
}

TEST(PeriodTest, DaysAndWeekdaysStartAtMidnightUtc) {
  const int64_t friday = ReleaseDateMillis("2026-11-20");
  EXPECT_EQ(DayStartMillis(friday + 5), friday);
  EXPECT_EQ(DayStartMillis(friday - 1), friday - kDay);
  EXPECT_EQ(WeekdayStartMillis(friday, kFriday), friday);
  EXPECT_EQ(WeekdayStartMillis(friday - 1, kFriday), friday - 7 * kDay);
  EXPECT_EQ(WeekdayStartMillis(friday + 6 * kDay + 1, kFriday), friday);
  EXPECT_EQ(WeekStartMillis(friday), ReleaseDateMillis("2026-11-16"));
  EXPECT_EQ(DayStartMillis(-1), -kDay) << "floors before 1970";
}

INSTANTIATE_TEST_SUITE_P(Backends, GeneratedPlaylistsTest,
                         ::testing::ValuesIn(testing::AllBackends()), testing::BackendParamName());

}  // namespace
}  // namespace sonora::recommend
