// LoadListeningHistory on both backends: plays, completions and likes add up, skips subtract,
// short unskipped listens carry nothing, and a pair whose evidence cancels out is left out.
#include "recommend/history_loader.h"

#include <map>
#include <string>

#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::recommend {
namespace {

using testing::Backend;
using testing::IsOk;

class HistoryLoaderTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    Exec("INSERT INTO artists (artist_id, name, created_at_ms) VALUES ('ar', 'A', 0)");
    Exec(
        "INSERT INTO albums (album_id, title, artist_id, created_at_ms) VALUES ('al', 'L', 'ar', "
        "0)");
    for (const char* t : {"t1", "t2", "t3", "t4", "t5"}) {
      Exec(
          "INSERT INTO tracks (track_id, title, album_id, duration_ms, created_at_ms)"
          " VALUES (?, ?, 'al', 180000, 0)",
          {t, t});
    }
    for (const char* u : {"alice", "bob"}) {
      Exec(
          "INSERT INTO users (user_id, email, email_lower, username, username_lower,"
          " display_name, country, password_hash, created_at_ms)"
          " VALUES (?, ?, ?, ?, ?, ?, 'US', 'x', 0)",
          {u, std::string(u) + "@x", std::string(u) + "@x", u, u, u});
    }
  }

  void Exec(std::string_view sql, const store::Params& params = {}) {
    ASSERT_THAT(tdb_->db().Execute(sql, params), IsOk()) << sql;
  }

  // One playback session's listen.
  void Listen(const std::string& user, const std::string& track, int64_t started, bool counted,
              bool completed, bool skipped) {
    Exec(
        "INSERT INTO listens (session_id, user_id, track_id, started_at_ms, last_event_at_ms,"
        " duration_played_ms, completed, skipped, counted)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {"s" + std::to_string(++sessions_), user, track, started, started, counted ? 60000 : 5000,
         completed ? 1 : 0, skipped ? 1 : 0, counted ? 1 : 0});
  }

  std::unique_ptr<testing::TestDatabase> tdb_;
  int sessions_ = 0;
};

TEST_P(HistoryLoaderTest, WeighsPlaysCompletionsLikesAndSkips) {
  Listen("alice", "t1", 100, /*counted=*/true, /*completed=*/true, /*skipped=*/false);
  Listen("alice", "t1", 300, true, false, false);
  Listen("alice", "t2", 200, false, false, /*skipped=*/true);  // skipped before 30 s
  Listen("alice", "t3", 250, false, false, false);             // short, not skipped: nothing
  Listen("bob", "t2", 400, true, true, false);
  Listen("bob", "t4", 410, true, false, false);
  Listen("bob", "t4", 420, false, false, true);  // one skip against one play: cancels out
  Exec("INSERT INTO saved_tracks (user_id, track_id, added_at_ms) VALUES ('alice', 't5', 900)");
  Exec("INSERT INTO saved_tracks (user_id, track_id, added_at_ms) VALUES ('bob', 't2', 50)");

  auto loaded = LoadListeningHistory(tdb_->db(), {});
  ASSERT_THAT(loaded, IsOk());
  EXPECT_TRUE(loaded->has_times());
  std::map<std::pair<std::string, std::string>, std::pair<float, int64_t>> got;
  for (const auto& x : loaded->interactions()) {
    got[{loaded->users().id(x.user), loaded->items().id(x.item)}] = {x.value, x.time};
  }
  using Key = std::pair<std::string, std::string>;
  using Value = std::pair<float, int64_t>;
  std::map<Key, Value> want = {
      {{"alice", "t1"}, {2 * 1.0f + 0.5f, 300}},   // two plays, one completion
      {{"alice", "t2"}, {-1.0f, 200}},             // a skip
      {{"alice", "t5"}, {3.0f, 900}},              // a like
      {{"bob", "t2"}, {1.0f + 0.5f + 3.0f, 400}},  // play, completion, like
  };
  EXPECT_EQ(got, want);

  // The weights are the caller's.
  auto heavy_skips = LoadListeningHistory(tdb_->db(), {.skip = 4.0f});
  ASSERT_THAT(heavy_skips, IsOk());
  int negative = 0;
  for (const auto& x : heavy_skips->interactions()) negative += x.value < 0 ? 1 : 0;
  EXPECT_EQ(negative, 2);  // alice's t2 and now bob's t4
  EXPECT_EQ(heavy_skips->Build().nnz(), 5);
}

TEST_P(HistoryLoaderTest, EmptyHistoryIsEmptyNotAnError) {
  auto loaded = LoadListeningHistory(tdb_->db(), {});
  ASSERT_THAT(loaded, IsOk());
  EXPECT_TRUE(loaded->interactions().empty());
  EXPECT_EQ(loaded->Build().nnz(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, HistoryLoaderTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace sonora::recommend
