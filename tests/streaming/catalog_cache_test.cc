// CatalogCache on both backends: rows come from the database once and are served from memory;
// an edit made behind the cache's back (plain SQL, as another process would) shows on the
// next Refresh(), and without one within CatalogCache::kRecheck; unknown tracks are never
// cached. Also CatalogRepository::ChangeCounter, which Refresh() relies on.
#include "streaming/catalog_cache.h"

#include <gtest/gtest.h>

#include <thread>

#include "catalog/catalog_json.h"
#include "catalog/catalog_repository.h"
#include "core/json.h"
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

class CatalogCacheTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    repo_ = std::make_unique<catalog::CatalogRepository>(tdb_->db());
    Status s = tdb_->db().Transact([&](store::Session& tx) -> Status {
      catalog::Artist artist;
      artist.artist_id = "artist_a1";
      artist.name = "A1";
      artist.created_at_ms = kStart;
      SONORA_RETURN_IF_ERROR(repo_->UpsertArtist(tx, artist));
      catalog::Album album;
      album.album_id = "album_b1";
      album.title = "B1";
      album.artist = {"artist_a1", "A1"};
      album.release_date = "2024-01-01";
      album.created_at_ms = kStart;
      SONORA_RETURN_IF_ERROR(repo_->UpsertAlbum(tx, album));
      for (int i = 1; i <= 2; ++i) SONORA_RETURN_IF_ERROR(AddTrack(tx, i));
      return Status();
    });
    ASSERT_THAT(s, IsOk());
  }

  Status AddTrack(store::Session& tx, int number) {
    catalog::Track t;
    t.track_id = "track_t" + std::to_string(number);
    t.title = "Song " + std::to_string(number);
    t.album.album_id = "album_b1";
    t.album.title = "B1";
    t.track_number = number;
    t.artists = {{"artist_a1", "A1"}};
    t.duration_ms = 200000;
    t.created_at_ms = kStart;
    return repo_->UpsertTrack(tx, t);
  }

  static void WaitPastRecheck() {
    std::this_thread::sleep_for(CatalogCache::kRecheck + std::chrono::milliseconds(100));
  }

  std::unique_ptr<TestDatabase> tdb_;
  std::unique_ptr<catalog::CatalogRepository> repo_;
};

TEST_P(CatalogCacheTest, ChangeCounterMovesOnEveryKindOfCatalogEdit) {
  for (const char* sql : {"UPDATE tracks SET title = 'x' WHERE track_id = 'track_t1'",
                          "UPDATE albums SET title = 'x' WHERE album_id = 'album_b1'",
                          "UPDATE artists SET name = 'x' WHERE artist_id = 'artist_a1'",
                          "DELETE FROM tracks WHERE track_id = 'track_t2'"}) {
    auto before = repo_->ChangeCounter();
    ASSERT_THAT(before.status(), IsOk());
    ASSERT_THAT(tdb_->db().Execute(sql).status(), IsOk()) << sql;
    auto after = repo_->ChangeCounter();
    ASSERT_THAT(after.status(), IsOk());
    EXPECT_GT(*after, *before) << sql;
    // The search indexer deletes applied outbox rows: the counter must not fall back.
    ASSERT_THAT(tdb_->db().Execute("DELETE FROM search_outbox").status(), IsOk());
    auto drained = repo_->ChangeCounter();
    ASSERT_THAT(drained.status(), IsOk());
    EXPECT_EQ(*drained, *after) << sql;
  }
}

TEST_P(CatalogCacheTest, ServesFromMemoryAndSeesAnEditOnTheNextRefresh) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh(), IsOk());
  auto first = cache.Track("track_t1");
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_NE(*first, nullptr);
  EXPECT_EQ((*first)->track.title, "Song 1");
  EXPECT_TRUE((*first)->track.available_countries.empty());

  // An edit made behind the cache's back: a region restriction.
  ASSERT_THAT(tdb_->db()
                  .Execute("UPDATE tracks SET available_countries = 'DE', title = 'Renamed' "
                           "WHERE track_id = 'track_t1'")
                  .status(),
              IsOk());
  auto cached = cache.Track("track_t1");
  ASSERT_THAT(cached.status(), IsOk());
  EXPECT_EQ(cached->get(), first->get()) << "without a Refresh, the cached row is served";

  ASSERT_THAT(cache.Refresh(), IsOk());
  auto reread = cache.Track("track_t1");
  ASSERT_THAT(reread.status(), IsOk());
  ASSERT_NE(*reread, nullptr);
  EXPECT_EQ((*reread)->track.title, "Renamed");
  EXPECT_EQ((*reread)->track.available_countries, std::vector<std::string>{"DE"});

  // An unchanged catalog keeps the entry.
  ASSERT_THAT(cache.Refresh(), IsOk());
  auto again = cache.Track("track_t1");
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->get(), reread->get());
}

TEST_P(CatalogCacheTest, EntriesAreReadAgainPastTheRecheckEvenWithoutARefresh) {
  CatalogCache cache(*repo_);
  auto first = cache.Track("track_t1");
  ASSERT_THAT(first.status(), IsOk());
  ASSERT_THAT(tdb_->db()
                  .Execute("UPDATE tracks SET title = 'Renamed' WHERE track_id = 'track_t1'")
                  .status(),
              IsOk());
  WaitPastRecheck();
  auto reread = cache.Track("track_t1");
  ASSERT_THAT(reread.status(), IsOk());
  EXPECT_EQ((*reread)->track.title, "Renamed");
}

TEST_P(CatalogCacheTest, UnknownTracksAreNotCachedAndRemovedTracksDisappear) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh(), IsOk());
  auto missing = cache.Track("track_t3");
  ASSERT_THAT(missing.status(), IsOk());
  EXPECT_EQ(*missing, nullptr);
  ASSERT_THAT(tdb_->db().Transact([&](store::Session& tx) { return AddTrack(tx, 3); }), IsOk());
  auto added = cache.Track("track_t3");
  ASSERT_THAT(added.status(), IsOk());
  ASSERT_NE(*added, nullptr) << "a miss is asked again, at once";

  ASSERT_THAT(cache.Track("track_t2").status(), IsOk());
  ASSERT_THAT(tdb_->db().Execute("DELETE FROM tracks WHERE track_id = 'track_t2'").status(),
              IsOk());
  ASSERT_THAT(cache.Refresh(), IsOk());
  auto gone = cache.Track("track_t2");
  ASSERT_THAT(gone.status(), IsOk());
  EXPECT_EQ(*gone, nullptr);
}

TEST_P(CatalogCacheTest, AlbumTrackListsAreOrderedAndPickUpNewTracks) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh(), IsOk());
  auto album = cache.AlbumTracks("album_b1");
  ASSERT_THAT(album.status(), IsOk());
  ASSERT_EQ((*album)->size(), 2u);
  EXPECT_EQ((**album)[0]->track.track_id, "track_t1");
  EXPECT_EQ((**album)[1]->track.track_id, "track_t2");
  auto unknown = cache.AlbumTracks("album_nope");
  ASSERT_THAT(unknown.status(), IsOk());
  EXPECT_TRUE((*unknown)->empty());

  ASSERT_THAT(tdb_->db().Transact([&](store::Session& tx) { return AddTrack(tx, 3); }), IsOk());
  ASSERT_THAT(cache.Refresh(), IsOk());
  album = cache.AlbumTracks("album_b1");
  ASSERT_THAT(album.status(), IsOk());
  ASSERT_EQ((*album)->size(), 3u);
  EXPECT_EQ((**album)[2]->track.track_id, "track_t3");
}

TEST_P(CatalogCacheTest, ATrackMissReadsItsAlbumAndBatchReadsKeepOrder) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh(), IsOk());
  ASSERT_THAT(cache.Track("track_t1").status(), IsOk());
  // Behind the cache's back, without a Refresh: track_t2 came with track_t1's album read.
  ASSERT_THAT(tdb_->db()
                  .Execute("UPDATE tracks SET title = 'Renamed' WHERE track_id = 'track_t2'")
                  .status(),
              IsOk());
  auto second = cache.Track("track_t2");
  ASSERT_THAT(second.status(), IsOk());
  ASSERT_NE(*second, nullptr);
  EXPECT_EQ((*second)->track.title, "Song 2") << "served from the album read, not re-queried";
  auto album = cache.AlbumTracks("album_b1");
  ASSERT_THAT(album.status(), IsOk());
  ASSERT_EQ((*album)->size(), 2u);
  EXPECT_EQ((**album)[1].get(), second->get()) << "the album list and the track are one entry";

  ASSERT_THAT(cache.Refresh(), IsOk());
  auto batch = cache.Tracks({"track_t2", "track_nope", "track_t1", "track_t2"});
  ASSERT_THAT(batch.status(), IsOk());
  ASSERT_EQ(batch->size(), 3u) << "unknown ids are left out";
  EXPECT_EQ((*batch)[0]->track.track_id, "track_t2");
  EXPECT_EQ((*batch)[0]->track.title, "Renamed");
  EXPECT_EQ((*batch)[1]->track.track_id, "track_t1");
  EXPECT_EQ((*batch)[2]->track.track_id, "track_t2");
}

// The memory-only reads behind play's attempt on the I/O thread: they answer only what is
// cached fresh, never query, and are trusted only within kMemoryOnlyWindow of a Refresh().
TEST_P(CatalogCacheTest, PeeksAnswerFromMemoryOnlyWithinTheWindow) {
  CatalogCache cache(*repo_);
  EXPECT_FALSE(cache.RecentlyRefreshed()) << "never refreshed";
  EXPECT_EQ(cache.PeekTrack("track_t1"), nullptr);
  EXPECT_EQ(cache.PeekAlbumTracks("album_b1"), nullptr);
  EXPECT_FALSE(cache.PeekTracks({"track_t1"}).has_value());

  ASSERT_THAT(cache.Refresh(), IsOk());
  EXPECT_TRUE(cache.RecentlyRefreshed());
  SONORA_ASSERT_OK_AND_ASSIGN(TrackRef t1, cache.Track("track_t1"));  // reads the album too
  ASSERT_NE(t1, nullptr);
  EXPECT_EQ(cache.PeekTrack("track_t1"), t1);
  ASSERT_NE(cache.PeekAlbumTracks("album_b1"), nullptr);
  EXPECT_EQ(cache.PeekAlbumTracks("album_b1")->size(), 2u);
  auto both = cache.PeekTracks({"track_t2", "track_t1"});
  ASSERT_TRUE(both.has_value());
  ASSERT_EQ(both->size(), 2u);
  EXPECT_EQ((*both)[0]->track.track_id, "track_t2");
  EXPECT_FALSE(cache.PeekTracks({"track_t1", "track_nope"}).has_value()) << "all or nothing";

  // Past half the window one caller is sent to renew it (a worker's Refresh()), the others
  // keep answering from memory; checked only when this thread woke up in time to see it.
  ASSERT_THAT(cache.Refresh(), IsOk());
  const auto refreshed = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(CatalogCache::kMemoryOnlyWindow / 2 + std::chrono::milliseconds(1));
  const bool first = cache.RecentlyRefreshed();
  const bool second = cache.RecentlyRefreshed();
  if (std::chrono::steady_clock::now() - refreshed < CatalogCache::kMemoryOnlyWindow) {
    EXPECT_FALSE(first) << "the first caller past half the window renews it";
    EXPECT_TRUE(second) << "the others go on from memory meanwhile";
  }

  // The window closes on its own; a Refresh() opens it again.
  std::this_thread::sleep_for(CatalogCache::kMemoryOnlyWindow + std::chrono::milliseconds(5));
  EXPECT_FALSE(cache.RecentlyRefreshed());
  ASSERT_THAT(cache.Refresh(), IsOk());
  EXPECT_TRUE(cache.RecentlyRefreshed());

  // A Refresh() that sees an edit empties what the peeks can see.
  ASSERT_THAT(tdb_->db().Execute("UPDATE tracks SET title = 'Edited' WHERE track_id = 'track_t1'")
                  .status(),
              IsOk());
  ASSERT_THAT(cache.Refresh(), IsOk());
  EXPECT_EQ(cache.PeekTrack("track_t1"), nullptr);
  EXPECT_EQ(cache.PeekAlbumTracks("album_b1"), nullptr);

  // Entries past kRecheck are not answered from memory either.
  SONORA_ASSERT_OK_AND_ASSIGN(t1, cache.Track("track_t1"));
  EXPECT_EQ(t1->track.title, "Edited");
  WaitPastRecheck();
  EXPECT_EQ(cache.PeekTrack("track_t1"), nullptr);
  EXPECT_EQ(cache.PeekAlbumTracks("album_b1"), nullptr);
}

TEST_P(CatalogCacheTest, TrackJsonTextMatchesTheCatalogSerializer) {
  ASSERT_THAT(tdb_->db()
                  .Execute("UPDATE tracks SET available_countries = 'DE,SE', "
                           "title = 'Quote \" and \\ Beyoncé' WHERE track_id = 'track_t1'")
                  .status(),
              IsOk());
  CatalogCache cache(*repo_);
  auto t = cache.Track("track_t1");
  ASSERT_THAT(t.status(), IsOk());
  for (const char* market : {"", "SE", "US"}) {
    std::string text;
    (*t)->AppendJson(text, market);
    auto parsed = ParseJson(text);
    ASSERT_THAT(parsed.status(), IsOk()) << text;
    EXPECT_EQ(*parsed, catalog::TrackJson((*t)->track, market)) << market;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CatalogCacheTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName());

}  // namespace
}  // namespace sonora::streaming
