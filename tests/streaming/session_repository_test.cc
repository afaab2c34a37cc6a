// SessionRepository on both backends: sessions are written behind (the group commit), read back
// from memory or the database, and a session whose row is missing is rebuilt from its id for
// its owner only, then stored again.
#include "streaming/session_repository.h"

#include <gtest/gtest.h>

#include "store/group_commit.h"
#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::streaming {
namespace {

using ::sonora::testing::AllBackends;
using ::sonora::testing::Backend;
using ::sonora::testing::BackendParamName;
using ::sonora::testing::IsOk;
using ::sonora::testing::TestDatabase;

constexpr int64_t kStart = 1762948800000;

class SessionRepositoryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    for (const char* id : {"user_a", "user_b"}) {
      ASSERT_THAT(
          tdb_->db()
              .Execute("INSERT INTO users (user_id, email, email_lower, username, "
                       "username_lower, display_name, country, subscription_tier, "
                       "is_admin, password_hash, created_at_ms) "
                       "VALUES (?, ?, ?, ?, ?, ?, 'SE', 'free', 0, 'x', ?)",
                       {id, std::string(id) + "@x", std::string(id) + "@x", id, id, id, kStart})
              .status(),
          IsOk());
    }
  }

  int64_t StoredRows(const std::string& session_id) {
    auto r = tdb_->db().Query("SELECT COUNT(*) FROM playback_sessions WHERE session_id = ?",
                              {session_id});
    EXPECT_THAT(r.status(), IsOk());
    return r.ok() ? r->rows[0].GetInt(0) : -1;
  }

  std::unique_ptr<TestDatabase> tdb_;
  SessionIds ids_{std::string(32, 'k')};
};

TEST_P(SessionRepositoryTest, RecordedSessionsAreReadBackByTheirOwnerOnly) {
  std::string id;
  {
    store::GroupCommitter writer(tdb_->db());
    SessionRepository sessions(tdb_->db(), writer, ids_);
    id = sessions.NewId("user_a", "track_x", {kStart, true, "320kbps"});
    ASSERT_THAT(sessions.Record({id, "user_a", "track_x", "phone", "320kbps", kStart, true,
                                 "sonora:album:album_1"}),
                IsOk());
    auto mine = sessions.Find(id, "user_a");
    ASSERT_THAT(mine.status(), IsOk());
    ASSERT_TRUE(mine->has_value());
    EXPECT_EQ((*mine)->device_id, "phone");
    auto theirs = sessions.Find(id, "user_b");
    ASSERT_THAT(theirs.status(), IsOk());
    EXPECT_FALSE(theirs->has_value());
  }  // the writer commits what was posted before it stops
  EXPECT_EQ(StoredRows(id), 1);

  // Another node (a fresh cache) reads the full row from the database.
  store::GroupCommitter writer(tdb_->db());
  SessionRepository other(tdb_->db(), writer, ids_);
  auto read = other.Find(id, "user_a", "track_x");
  ASSERT_THAT(read.status(), IsOk());
  ASSERT_TRUE(read->has_value());
  EXPECT_EQ((*read)->context_uri, "sonora:album:album_1");
  EXPECT_EQ((*read)->track_id, "track_x");
  auto sealed = other.SealedSince(id, "user_a");
  ASSERT_THAT(sealed.status(), IsOk());
  EXPECT_TRUE(sealed->has_value());
}

TEST_P(SessionRepositoryTest, AMissingRowIsRebuiltFromTheIdAndStoredAgain) {
  // Issued and answered, but the row never made it (a crash before the group commit).
  const std::string id = ids_.Issue("user_a", "track_x", {kStart + 5, false, "160kbps"});
  {
    store::GroupCommitter writer(tdb_->db());
    SessionRepository sessions(tdb_->db(), writer, ids_);
    auto no_track = sessions.Find(id, "user_a");  // a state report names no track
    ASSERT_THAT(no_track.status(), IsOk());
    ASSERT_TRUE(no_track->has_value());
    EXPECT_EQ((*no_track)->track_id, "");
    EXPECT_EQ((*no_track)->quality, "160kbps");
    EXPECT_EQ((*no_track)->created_at_ms, kStart + 5);

    auto wrong = sessions.Find(id, "user_a", "track_y");
    ASSERT_THAT(wrong.status(), IsOk());
    ASSERT_TRUE(wrong->has_value());
    EXPECT_EQ((*wrong)->track_id, "") << "the id was not issued for track_y";

    auto stranger = sessions.Find(id, "user_b", "track_x");
    ASSERT_THAT(stranger.status(), IsOk());
    EXPECT_FALSE(stranger->has_value());

    auto rebuilt = sessions.Find(id, "user_a", "track_x");
    ASSERT_THAT(rebuilt.status(), IsOk());
    ASSERT_TRUE(rebuilt->has_value());
    EXPECT_EQ((*rebuilt)->track_id, "track_x");
    EXPECT_EQ((*rebuilt)->user_id, "user_a");
    EXPECT_FALSE((*rebuilt)->encrypted);
  }
  EXPECT_EQ(StoredRows(id), 1) << "the rebuilt session is stored, once";

  // A made-up id in the right shape is nobody's.
  store::GroupCommitter writer(tdb_->db());
  SessionRepository sessions(tdb_->db(), writer, ids_);
  SessionIds other_key(std::string(32, 'z'));
  const std::string forged = other_key.Issue("user_a", "track_x", {kStart, true, "320kbps"});
  auto none = sessions.Find(forged, "user_a", "track_x");
  ASSERT_THAT(none.status(), IsOk());
  EXPECT_FALSE(none->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionRepositoryTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName());

}  // namespace
}  // namespace sonora::streaming
