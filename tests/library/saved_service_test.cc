// SavedService on both backends: Liked Songs and saved albums (save, remove, contains, newest
// first, paging, idempotency, rejections that change nothing), artist follows with cursor
// paging, and follower counts that stay exact under repeated and concurrent follows.
#include "library/saved_service.h"

#include <atomic>
#include <thread>

#include "playlist_fixture.h"

namespace sonora::library {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using testing::IsOk;
using testing::StatusIs;
using testing_support::kStart;
using testing_support::PlaylistTestBase;

class SavedServiceTest : public PlaylistTestBase {
 protected:
  void SetUp() override {
    PlaylistTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    saved_repo_ = std::make_unique<SavedRepository>(tdb_->db());
    saved_ = std::make_unique<SavedService>(tdb_->db(), *saved_repo_, *catalog_repo_, clock_);
    // Artists artist_a2..artist_a6, each with one album album_al2..album_al6.
    Status s = tdb_->db().Transact([&](store::Session& session) -> Status {
      for (int i = 2; i <= 6; ++i) {
        catalog::Artist artist;
        artist.artist_id = Artist(i);
        artist.name = "Artist " + std::to_string(i);
        artist.created_at_ms = kStart;
        SONORA_RETURN_IF_ERROR(catalog_repo_->UpsertArtist(session, artist));
        catalog::Album album;
        album.album_id = Album(i);
        album.title = "Album " + std::to_string(i);
        album.artist = {artist.artist_id, artist.name};
        album.release_date = "2024-02-0" + std::to_string(i);
        album.created_at_ms = kStart;
        SONORA_RETURN_IF_ERROR(catalog_repo_->UpsertAlbum(session, album));
      }
      return Status();
    });
    ASSERT_THAT(s, IsOk());
  }

  static std::string Artist(int i) { return "artist_a" + std::to_string(i); }
  static std::string Album(int i) { return "album_al" + std::to_string(i); }

  void Tick() { clock_.Advance(std::chrono::seconds(1)); }

  std::vector<std::string> LikedIds(const std::string& user, int64_t limit = 50,
                                    int64_t offset = 0) {
    auto page = saved_->ListTracks(user, limit, offset);
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> out;
    if (page.ok()) {
      for (const auto& s : page->items) out.push_back(s.track.track_id);
    }
    return out;
  }

  std::vector<std::string> FollowedIds(const std::string& user, int64_t limit,
                                       std::optional<std::string>* after) {
    auto page = saved_->ListFollowedArtists(user, limit, *after);
    EXPECT_THAT(page, IsOk());
    std::vector<std::string> out;
    if (!page.ok()) return out;
    for (const auto& a : page->items) out.push_back(a.artist_id);
    *after = page->after;
    return out;
  }

  int64_t Followers(const std::string& artist_id) {
    auto a = catalog_repo_->GetArtist(artist_id);
    EXPECT_THAT(a, IsOk());
    return a.ok() ? a->followers : -1;
  }

  int64_t FollowRows(const std::string& artist_id) {
    auto r =
        tdb_->db().Query("SELECT COUNT(*) FROM artist_follows WHERE artist_id = ?", {artist_id});
    EXPECT_THAT(r, IsOk());
    return r.ok() ? r->rows[0].GetInt(0) : -1;
  }

  std::unique_ptr<SavedRepository> saved_repo_;
  std::unique_ptr<SavedService> saved_;
};

TEST_P(SavedServiceTest, LikedSongsAreListedNewestFirstWithTheirAddedAt) {
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(0)}), IsOk());
  Tick();
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(1), Track(2)}), IsOk());
  Tick();
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(3)}), IsOk());
  // Newest first; the two saved in one call tie on time and come by id, descending.
  EXPECT_THAT(LikedIds("alice"), ElementsAre(Track(3), Track(2), Track(1), Track(0)));
  auto page = saved_->ListTracks("alice", 50, 0);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->total, 4);
  EXPECT_EQ(page->items[0].added_at_ms, kStart + 2000);
  EXPECT_EQ(page->items[3].added_at_ms, kStart);
  EXPECT_EQ(page->items[0].track.title, "Song 3");
  EXPECT_EQ(page->items[0].track.album.album_id, "album_al1");
  // Another user's library is separate.
  EXPECT_TRUE(LikedIds("bob").empty());
}

TEST_P(SavedServiceTest, ContainsAnswersInTheOrderAsked) {
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(1), Track(4)}), IsOk());
  auto c = saved_->Contains(SavedKind::kTrack, "alice",
                            {Track(4), Track(2), "track_unknown", Track(1), Track(4)});
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(*c, ElementsAre(true, false, false, true, true));
  auto bob = saved_->Contains(SavedKind::kTrack, "bob", {Track(4)});
  ASSERT_THAT(bob, IsOk());
  EXPECT_THAT(*bob, ElementsAre(false));
}

TEST_P(SavedServiceTest, SavingTwiceKeepsTheFirstAddedAt) {
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(5)}), IsOk());
  Tick();
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(6)}), IsOk());
  Tick();
  // Saved again (also twice in one call): still once, still at its first time, still second.
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(5), Track(5)}), IsOk());
  auto page = saved_->ListTracks("alice", 50, 0);
  ASSERT_THAT(page, IsOk());
  ASSERT_EQ(page->total, 2);
  EXPECT_EQ(page->items[1].track.track_id, Track(5));
  EXPECT_EQ(page->items[1].added_at_ms, kStart);
}

TEST_P(SavedServiceTest, RemoveIsIdempotentAndRemovesOnlyWhatIsNamed) {
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(0), Track(1), Track(2)}), IsOk());
  ASSERT_THAT(saved_->Save(SavedKind::kTrack, "bob", {Track(1)}), IsOk());
  ASSERT_THAT(saved_->Remove(SavedKind::kTrack, "alice", {Track(1)}), IsOk());
  ASSERT_THAT(saved_->Remove(SavedKind::kTrack, "alice", {Track(1), Track(7)}), IsOk());
  EXPECT_THAT(LikedIds("alice"), ElementsAre(Track(2), Track(0)));
  EXPECT_THAT(LikedIds("bob"), ElementsAre(Track(1)));
}

TEST_P(SavedServiceTest, PagesByOffsetCoverEveryItemOnce) {
  for (int i = 0; i < 25; ++i) {
    ASSERT_THAT(saved_->Save(SavedKind::kTrack, "alice", {Track(i)}), IsOk());
    Tick();
  }
  std::vector<std::string> all;
  for (int64_t offset : {0, 10, 20}) {
    auto page = saved_->ListTracks("alice", 10, offset);
    ASSERT_THAT(page, IsOk());
    EXPECT_EQ(page->total, 25);
    EXPECT_EQ(page->items.size(), offset == 20 ? 5u : 10u);
    for (const auto& s : page->items) all.push_back(s.track.track_id);
  }
  std::vector<std::string> expected;
  for (int i = 24; i >= 0; --i) expected.push_back(Track(i));
  EXPECT_THAT(all, ElementsAreArray(expected));
  auto past = saved_->ListTracks("alice", 10, 30);
  ASSERT_THAT(past, IsOk());
  EXPECT_TRUE(past->items.empty());
  EXPECT_EQ(past->total, 25);
}

TEST_P(SavedServiceTest, RejectedCallsChangeNothing) {
  struct Case {
    const char* name;
    std::vector<std::string> ids;
  };
  std::vector<std::string> fifty_one;
  for (int i = 0; i < 51; ++i) fifty_one.push_back(Track(i % 30));
  const Case kCases[] = {
      {"empty", {}},
      {"51 ids", fifty_one},
      {"malformed", {Track(0), "bad id!"}},
      {"empty piece", {Track(0), ""}},
      {"unknown", {Track(0), "track_doesnotexist"}},
      {"an album id", {Track(0), "album_al1"}},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    Status save = saved_->Save(SavedKind::kTrack, "alice", c.ids);
    EXPECT_THAT(save, StatusIs(Code::kInvalidArgument));
    EXPECT_EQ(save.field(), "ids");
    Status remove = saved_->Remove(SavedKind::kTrack, "alice", c.ids);
    EXPECT_THAT(remove, StatusIs(Code::kInvalidArgument));
    EXPECT_EQ(remove.field(), "ids");
  }
  EXPECT_TRUE(LikedIds("alice").empty()) << "a rejected save must not save the valid ids";
  EXPECT_THAT(saved_->Contains(SavedKind::kTrack, "alice", fifty_one),
              StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(saved_->Contains(SavedKind::kTrack, "alice", {}), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(saved_->Contains(SavedKind::kTrack, "alice", {"no spaces"}),
              StatusIs(Code::kInvalidArgument));
  // Exactly fifty is fine.
  fifty_one.pop_back();
  EXPECT_THAT(saved_->Save(SavedKind::kTrack, "alice", fifty_one), IsOk());
  EXPECT_EQ(LikedIds("alice").size(), 30u);  // 50 ids naming 30 distinct tracks
  // Artists are followed, not saved.
  EXPECT_THAT(saved_->Save(SavedKind::kArtist, "alice", {Artist(2)}),
              StatusIs(Code::kInvalidArgument));
}

TEST_P(SavedServiceTest, SavedAlbums) {
  ASSERT_THAT(saved_->Save(SavedKind::kAlbum, "alice", {Album(3)}), IsOk());
  Tick();
  ASSERT_THAT(saved_->Save(SavedKind::kAlbum, "alice", {Album(2), "album_al1"}), IsOk());
  Tick();
  ASSERT_THAT(saved_->Save(SavedKind::kAlbum, "alice", {Album(3)}), IsOk());  // kept as first
  auto page = saved_->ListAlbums("alice", 2, 0);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].album.album_id, Album(2));
  EXPECT_EQ(page->items[0].album.artist.artist_id, Artist(2));
  EXPECT_EQ(page->items[1].album.album_id, "album_al1");
  auto rest = saved_->ListAlbums("alice", 2, 2);
  ASSERT_THAT(rest, IsOk());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].album.album_id, Album(3));
  EXPECT_EQ(rest->items[0].added_at_ms, kStart);

  auto c = saved_->Contains(SavedKind::kAlbum, "alice", {Album(4), Album(3)});
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(*c, ElementsAre(false, true));
  ASSERT_THAT(saved_->Remove(SavedKind::kAlbum, "alice", {Album(3)}), IsOk());
  c = saved_->Contains(SavedKind::kAlbum, "alice", {Album(3)});
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(*c, ElementsAre(false));
  // A track id is not an album id.
  EXPECT_THAT(saved_->Save(SavedKind::kAlbum, "alice", {Track(0)}),
              StatusIs(Code::kInvalidArgument));
  // Saving an album doesn't like its tracks.
  EXPECT_TRUE(LikedIds("alice").empty());
}

TEST_P(SavedServiceTest, FollowCountsOnceAndUnfollowUncounts) {
  EXPECT_EQ(Followers(Artist(2)), 0);
  ASSERT_THAT(saved_->Follow("alice", Artist(2)), IsOk());
  ASSERT_THAT(saved_->Follow("alice", Artist(2)), IsOk());  // repeated: not counted again
  ASSERT_THAT(saved_->Follow("bob", Artist(2)), IsOk());
  EXPECT_EQ(Followers(Artist(2)), 2);
  ASSERT_THAT(saved_->Unfollow("alice", Artist(2)), IsOk());
  ASSERT_THAT(saved_->Unfollow("alice", Artist(2)), IsOk());  // repeated: not uncounted again
  ASSERT_THAT(saved_->Unfollow("carol", Artist(2)), IsOk());  // never followed
  EXPECT_EQ(Followers(Artist(2)), 1);
  EXPECT_EQ(Followers(Artist(3)), 0);

  auto c = saved_->Contains(SavedKind::kArtist, "bob", {Artist(2), Artist(3), "artist_nope"});
  ASSERT_THAT(c, IsOk());
  EXPECT_THAT(*c, ElementsAre(true, false, false));

  EXPECT_THAT(saved_->Follow("alice", "artist_doesnotexist"), StatusIs(Code::kNotFound));
  EXPECT_THAT(saved_->Unfollow("alice", "artist_doesnotexist"), StatusIs(Code::kNotFound));
  EXPECT_THAT(saved_->Follow("alice", "../artist"), StatusIs(Code::kNotFound));
  EXPECT_THAT(saved_->Follow("alice", ""), StatusIs(Code::kNotFound));
}

TEST_P(SavedServiceTest, FollowedArtistsPageByCursorNewestFirst) {
  for (int i = 2; i <= 6; ++i) {
    ASSERT_THAT(saved_->Follow("alice", Artist(i)), IsOk());
    Tick();
  }
  ASSERT_THAT(saved_->Follow("alice", "artist_a1"), IsOk());
  ASSERT_THAT(saved_->Follow("bob", Artist(3)), IsOk());
  std::optional<std::string> after;
  EXPECT_THAT(FollowedIds("alice", 2, &after), ElementsAre("artist_a1", Artist(6)));
  EXPECT_EQ(after, Artist(6));
  EXPECT_THAT(FollowedIds("alice", 2, &after), ElementsAre(Artist(5), Artist(4)));
  EXPECT_THAT(FollowedIds("alice", 2, &after), ElementsAre(Artist(3), Artist(2)));
  EXPECT_EQ(after, std::nullopt) << "the last page has no cursor";

  auto all = saved_->ListFollowedArtists("alice", 50, std::nullopt);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->total, 6);
  EXPECT_EQ(all->items.size(), 6u);
  EXPECT_EQ(all->after, std::nullopt);
  EXPECT_EQ(all->items[4].followers, 2);  // artist_a3: alice and bob

  // The cursor must be an artist the caller follows.
  EXPECT_THAT(saved_->ListFollowedArtists("bob", 2, Artist(6)).status(),
              StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(saved_->ListFollowedArtists("bob", 2, Artist(6)).status().field(), "after");
  EXPECT_THAT(saved_->ListFollowedArtists("alice", 2, std::string("not valid!")).status(),
              StatusIs(Code::kInvalidArgument));
}

// Many users follow and unfollow the same artists at once, each also repeating calls: the
// stored count must equal the number of follow rows, and the rows must be what the threads
// left behind.
TEST_P(SavedServiceTest, FollowerCountsStayExactUnderConcurrentFollows) {
  constexpr int kThreads = 8, kRounds = 15;
  for (int t = 0; t < kThreads; ++t) AddUser("u" + std::to_string(t));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string user = "u" + std::to_string(t);
      auto check = [&](const Status& s) {
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << user << ": " << s.ToString();
        }
      };
      for (int i = 0; i < kRounds; ++i) {
        check(saved_->Follow(user, Artist(2)));
        check(saved_->Follow(user, Artist(2)));
        check(saved_->Follow(user, Artist(3)));
        check(saved_->Unfollow(user, Artist(2)));
        check(saved_->Unfollow(user, Artist(2)));
        check(saved_->Follow(user, Artist(2)));
        check(saved_->Unfollow(user, Artist(3)));
      }
      // Even threads end following artist_a3 too; odd ones end not following artist_a2.
      if (t % 2 == 0) check(saved_->Follow(user, Artist(3)));
      if (t % 2 == 1) check(saved_->Unfollow(user, Artist(2)));
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(FollowRows(Artist(2)), kThreads / 2);
  EXPECT_EQ(FollowRows(Artist(3)), kThreads / 2);
  EXPECT_EQ(Followers(Artist(2)), kThreads / 2);
  EXPECT_EQ(Followers(Artist(3)), kThreads / 2);
}

INSTANTIATE_TEST_SUITE_P(Backends, SavedServiceTest,
                         ::testing::ValuesIn(sonora::testing::AllBackends()),
                         sonora::testing::BackendParamName());

}  // namespace
}  // namespace sonora::library
