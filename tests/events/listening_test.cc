// Play events and what is derived from them, on both backends, with a FakeClock: listens,
// the 30-second play rule, idempotent retries, recently played expiry after 30 days, daily
// plays and unique listeners, monthly listeners, top tracks, history paging.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "catalog/catalog_repository.h"
#include "core/clock.h"
#include "events/events_repository.h"
#include "events/events_service.h"
#include "events/listening_repository.h"
#include "store/group_commit.h"
#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::events {
namespace {

using ::sonora::testing::AllBackends;
using ::sonora::testing::Backend;
using ::sonora::testing::BackendParamName;
using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;
using ::testing::ElementsAre;

constexpr int64_t kStart = 1762948800000;  // 2025-11-12T12:00:00Z
constexpr int64_t kMinute = 60'000;

class ListeningTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    writer_ = std::make_unique<store::GroupCommitter>(tdb_->db());
    service_ = std::make_unique<EventsService>(
        *writer_,
        [this](const std::string& id, const std::string&,
               std::string_view) -> Result<std::optional<SessionInfo>> {
          auto it = sessions_.find(id);
          if (it == sessions_.end()) return std::optional<SessionInfo>();
          return std::optional<SessionInfo>(it->second);
        },
        clock_);
    listening_ = std::make_unique<ListeningRepository>(tdb_->db());
    for (const char* u : {"alice", "bob", "carol"}) AddUser(u);
    SeedCatalog();
  }

  void AddUser(const std::string& id) {
    auto r = tdb_->db().Execute(
        "INSERT INTO users (user_id, email, email_lower, username, username_lower, display_name, "
        "country, subscription_tier, is_admin, password_hash, created_at_ms) "
        "VALUES (?, ?, ?, ?, ?, ?, 'SE', 'free', 0, 'x', ?)",
        {id, id + "@example.com", id + "@example.com", id, id, "Name " + id, kStart});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  // Artist a1 has tracks t0..t11 (popularity rising with the number); artist a2 has u0.
  void SeedCatalog() {
    catalog::CatalogRepository repo(tdb_->db());
    Status s = tdb_->db().Transact([&](store::Session& tx) -> Status {
      for (const char* a : {"artist_a1", "artist_a2"}) {
        catalog::Artist artist;
        artist.artist_id = a;
        artist.name = a;
        artist.created_at_ms = kStart;
        SONORA_RETURN_IF_ERROR(repo.UpsertArtist(tx, artist));
        catalog::Album album;
        album.album_id = std::string("album_of_") + a;
        album.title = "Album";
        album.artist = {a, a};
        album.release_date = "2024-01-01";
        album.created_at_ms = kStart;
        SONORA_RETURN_IF_ERROR(repo.UpsertAlbum(tx, album));
      }
      auto add = [&](const std::string& id, const std::string& artist, int popularity) {
        catalog::Track t;
        t.track_id = id;
        t.title = id;
        t.album.album_id = "album_of_" + artist;
        t.album.title = "Album";
        t.artists = {{artist, artist}};
        t.duration_ms = 200000;
        t.popularity = popularity;
        t.created_at_ms = kStart;
        return repo.UpsertTrack(tx, t);
      };
      for (int i = 0; i < 12; ++i) {
        SONORA_RETURN_IF_ERROR(add("track_t" + std::to_string(i), "artist_a1", i));
      }
      return add("track_u0", "artist_a2", 50);
    });
    ASSERT_THAT(s, IsOk());
  }

  // A playback session started now by `user` on `track`.
  std::string Play(const std::string& user, const std::string& track,
                   const std::string& context = "") {
    std::string id = "ses_" + std::to_string(++session_counter_);
    sessions_[id] = SessionInfo{user, track, "dev1", context, "160kbps", clock_.NowMillis()};
    return id;
  }

  Status Report(const std::string& session, EventType type, int64_t played_ms,
                const std::string& event_id = "") {
    const SessionInfo& s = sessions_.at(session);
    PlayEvent e;
    e.event_id = event_id;
    e.user_id = s.user_id;
    e.session_id = session;
    e.track_id = s.track_id;
    e.type = type;
    e.position_ms = played_ms;
    e.duration_played_ms = played_ms;
    return service_->Record(e);
  }

  int64_t Count(const std::string& sql, const store::Params& params = {}) {
    auto r = tdb_->db().Query(sql, params);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() && !r->rows.empty() ? r->rows[0].GetInt(0) : -1;
  }

  int64_t Today() const { return clock_.NowMillis() / kDayMs; }

  FakeClock clock_{FromMillis(kStart)};
  std::unique_ptr<sonora::testing::TestDatabase> tdb_;
  std::unique_ptr<store::GroupCommitter> writer_;
  std::unique_ptr<EventsService> service_;
  std::unique_ptr<ListeningRepository> listening_;
  std::map<std::string, SessionInfo> sessions_;
  int session_counter_ = 0;
};

TEST_P(ListeningTest, AListenBecomesAPlayOnceAtThirtySeconds) {
  std::string s = Play("alice", "track_t1");
  ASSERT_THAT(Report(s, EventType::kTrackPlayed, 10'000), IsOk());
  EXPECT_EQ(Count("SELECT counted FROM listens WHERE session_id = ?", {s}), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM recently_played"), 0);

  ASSERT_THAT(Report(s, EventType::kTrackPlayed, 29'999), IsOk());
  EXPECT_EQ(Count("SELECT counted FROM listens WHERE session_id = ?", {s}), 0);
  ASSERT_THAT(Report(s, EventType::kTrackPlayed, 30'000), IsOk());
  EXPECT_EQ(Count("SELECT counted FROM listens WHERE session_id = ?", {s}), 1);
  // Later events of the same session never count it again.
  ASSERT_THAT(Report(s, EventType::kTrackCompleted, 200'000), IsOk());
  EXPECT_EQ(Count("SELECT SUM(plays) FROM track_plays_daily WHERE track_id = 'track_t1'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM recently_played"), 1);
  EXPECT_EQ(Count("SELECT duration_played_ms FROM listens WHERE session_id = ?", {s}), 200'000);
  EXPECT_EQ(Count("SELECT completed FROM listens WHERE session_id = ?", {s}), 1);
}

TEST_P(ListeningTest, ASkipBeforeThirtySecondsIsHistoryButNotAPlay) {
  std::string s = Play("alice", "track_t2");
  ASSERT_THAT(Report(s, EventType::kTrackSkipped, 12'000), IsOk());
  auto history = listening_->History("alice", 20, std::nullopt);
  ASSERT_THAT(history.status(), IsOk());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_TRUE((*history)[0].skipped);
  EXPECT_FALSE((*history)[0].counted);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM track_plays_daily"), 0);
}

TEST_P(ListeningTest, OutOfOrderEventsNeverShrinkTheListen) {
  std::string s = Play("alice", "track_t3");
  ASSERT_THAT(Report(s, EventType::kTrackPlayed, 90'000), IsOk());
  ASSERT_THAT(Report(s, EventType::kTrackPlayed, 40'000), IsOk());
  EXPECT_EQ(Count("SELECT duration_played_ms FROM listens WHERE session_id = ?", {s}), 90'000);
}

TEST_P(ListeningTest, ARetriedEventIdCountsOnce) {
  std::string s = Play("alice", "track_t1");
  ASSERT_THAT(Report(s, EventType::kTrackPlayed, 45'000, "evt_same"), IsOk());
  ASSERT_THAT(Report(s, EventType::kTrackPlayed, 45'000, "evt_same"), IsOk());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM play_events"), 1);
  EXPECT_EQ(Count("SELECT SUM(plays) FROM track_plays_daily"), 1);
}

TEST_P(ListeningTest, ABatchStoresTheValidEventsAndReportsTheRest) {
  std::string s = Play("alice", "track_t1");
  std::string theirs = Play("bob", "track_t2");
  std::vector<PlayEvent> batch(4);
  for (auto& e : batch) {
    e.user_id = "alice";
    e.session_id = s;
    e.track_id = "track_t1";
    e.duration_played_ms = 31'000;
  }
  batch[0].event_id = "evt_a";
  batch[1].event_id = "evt_a";   // a repeat inside the batch
  batch[2].session_id = theirs;  // another user's session
  batch[2].track_id = "track_t2";
  batch[3].duration_played_ms = -5;  // out of range
  auto outcomes = service_->RecordBatch(std::vector<Result<PlayEvent>>(batch.begin(), batch.end()));
  ASSERT_THAT(outcomes.status(), IsOk());
  ASSERT_EQ(outcomes->size(), 4u);
  EXPECT_THAT((*outcomes)[0].status, IsOk());
  EXPECT_FALSE((*outcomes)[0].duplicate);
  EXPECT_THAT((*outcomes)[1].status, IsOk());
  EXPECT_TRUE((*outcomes)[1].duplicate);
  EXPECT_THAT((*outcomes)[2].status, StatusIs(Code::kNotFound));
  EXPECT_THAT((*outcomes)[3].status, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM play_events"), 1);
}

TEST_P(ListeningTest, EventsAreRefusedForAnotherUsersSessionOrAnotherTrack) {
  std::string s = Play("alice", "track_t1");
  PlayEvent e;
  e.user_id = "bob";
  e.session_id = s;
  e.track_id = "track_t1";
  EXPECT_THAT(service_->Record(e), StatusIs(Code::kNotFound));
  e.user_id = "alice";
  e.track_id = "track_t2";
  EXPECT_THAT(service_->Record(e), StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM play_events"), 0);
}

TEST_P(ListeningTest, RecentlyPlayedExpiresAfterThirtyDays) {
  std::string s = Play("alice", "track_t1", "sonora:album:album_of_artist_a1");
  ASSERT_THAT(Report(s, EventType::kTrackCompleted, 200'000), IsOk());
  auto now = [&] { return clock_.NowMillis(); };
  auto recent = listening_->RecentlyPlayed("alice", now(), 20, std::nullopt, std::nullopt);
  ASSERT_THAT(recent.status(), IsOk());
  ASSERT_EQ(recent->size(), 1u);
  EXPECT_EQ((*recent)[0].context_uri, "sonora:album:album_of_artist_a1");

  clock_.Advance(std::chrono::hours(24 * 29));
  EXPECT_EQ(listening_->RecentlyPlayed("alice", now(), 20, std::nullopt, std::nullopt)->size(), 1u);
  EXPECT_EQ(*listening_->PurgeExpired(now()), 0);

  clock_.Advance(std::chrono::hours(24 + 1));
  EXPECT_TRUE(listening_->RecentlyPlayed("alice", now(), 20, std::nullopt, std::nullopt)->empty());
  EXPECT_EQ(*listening_->PurgeExpired(now()), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM recently_played"), 0);
  // History keeps everything.
  EXPECT_EQ(listening_->History("alice", 20, std::nullopt)->size(), 1u);
}

TEST_P(ListeningTest, HistoryPagesNewestFirstWithoutGapsOrRepeats) {
  std::vector<std::string> sessions;
  for (int i = 0; i < 7; ++i) {
    sessions.push_back(Play("alice", "track_t" + std::to_string(i)));
    ASSERT_THAT(Report(sessions.back(), EventType::kTrackPlayed, 5'000), IsOk());
    if (i % 2 == 0) clock_.Advance(std::chrono::milliseconds(kMinute));  // some share a time
  }
  std::vector<std::string> seen;
  std::optional<HistoryCursor> cursor;
  for (int page = 0; page < 10; ++page) {
    auto items = listening_->History("alice", 3, cursor);
    ASSERT_THAT(items.status(), IsOk());
    if (items->empty()) break;
    for (const auto& l : *items) seen.push_back(l.session_id);
    cursor = HistoryCursor{items->back().started_at_ms, items->back().session_id};
  }
  std::vector<std::string> expected(sessions.rbegin(), sessions.rend());
  // Listens that share a start time come in descending session-id order; the ids here
  // (ses_1..ses_7) sort like their numbers, so that is exactly newest-first.
  EXPECT_EQ(seen, expected);
  EXPECT_TRUE(listening_->History("bob", 3, std::nullopt)->empty());
}

TEST_P(ListeningTest, DailyPlaysAndUniqueListeners) {
  // Day 1: alice plays t1 twice, bob once. Day 2: carol once.
  for (const char* u : {"alice", "alice", "bob"}) {
    ASSERT_THAT(Report(Play(u, "track_t1"), EventType::kTrackPlayed, 31'000), IsOk());
  }
  ASSERT_THAT(Report(Play("carol", "track_t1"), EventType::kTrackPlayed, 10'000), IsOk());
  const int64_t day1 = Today();
  clock_.Advance(std::chrono::hours(24));
  ASSERT_THAT(Report(Play("carol", "track_t1"), EventType::kTrackPlayed, 60'000), IsOk());
  auto stats = listening_->TrackDaily("track_t1", day1 - 1, day1 + 1);
  ASSERT_THAT(stats.status(), IsOk());
  ASSERT_EQ(stats->size(), 3u);
  EXPECT_EQ((*stats)[0].plays, 0);
  EXPECT_EQ((*stats)[1].plays, 3);
  EXPECT_EQ((*stats)[1].unique_listeners, 2);
  EXPECT_EQ((*stats)[2].plays, 1);
  EXPECT_EQ((*stats)[2].unique_listeners, 1);
}

TEST_P(ListeningTest, MonthlyListenersCountDistinctUsersOverTwentyEightDays) {
  ASSERT_THAT(Report(Play("alice", "track_t1"), EventType::kTrackPlayed, 31'000), IsOk());
  ASSERT_THAT(Report(Play("alice", "track_t2"), EventType::kTrackPlayed, 31'000), IsOk());
  clock_.Advance(std::chrono::hours(24 * 10));
  ASSERT_THAT(Report(Play("bob", "track_t3"), EventType::kTrackPlayed, 31'000), IsOk());
  ASSERT_THAT(Report(Play("carol", "track_t3"), EventType::kTrackSkipped, 3'000), IsOk());
  auto now = [&] { return clock_.NowMillis(); };
  EXPECT_EQ(*listening_->MonthlyListeners("artist_a1", now()), 2);
  EXPECT_EQ(*listening_->MonthlyListeners("artist_a2", now()), 0);
  clock_.Advance(std::chrono::hours(24 * 20));  // alice's plays are now 30 days old
  EXPECT_EQ(*listening_->MonthlyListeners("artist_a1", now()), 1);
}

TEST_P(ListeningTest, TopTracksRankByRecentPlaysThenPopularity) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(Report(Play("alice", "track_t2"), EventType::kTrackPlayed, 31'000), IsOk());
  }
  ASSERT_THAT(Report(Play("bob", "track_t5"), EventType::kTrackPlayed, 31'000), IsOk());
  auto top = listening_->TopTracks("artist_a1", clock_.NowMillis());
  ASSERT_THAT(top.status(), IsOk());
  ASSERT_EQ(top->size(), kTopTracks);
  EXPECT_EQ((*top)[0], "track_t2");
  EXPECT_EQ((*top)[1], "track_t5");
  EXPECT_EQ((*top)[2], "track_t11");  // then by popularity
  EXPECT_EQ((*top)[3], "track_t10");
  EXPECT_THAT(*listening_->TopTracks("artist_a2", clock_.NowMillis()), ElementsAre("track_u0"));
}

TEST_P(ListeningTest, StateKeepsTheLatestReport) {
  std::string s = Play("alice", "track_t1");
  PlayerState st;
  st.user_id = "alice";
  st.session_id = s;
  st.position_ms = 1000;
  st.volume = 80;
  st.is_playing = true;
  ASSERT_THAT(service_->UpdateState(st), IsOk());
  st.position_ms = 5000;
  st.is_playing = false;
  ASSERT_THAT(service_->UpdateState(st), IsOk());
  EventsRepository repo(tdb_->db());
  auto got = repo.GetState("alice");
  ASSERT_THAT(got.status(), IsOk());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->position_ms, 5000);
  EXPECT_FALSE((*got)->is_playing);
  st.volume = 101;
  EXPECT_THAT(service_->UpdateState(st), StatusIs(Code::kInvalidArgument));
}

INSTANTIATE_TEST_SUITE_P(Backends, ListeningTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName());

}  // namespace
}  // namespace sonora::events
