// CatalogCache on both backends: rows come from the database once and are served from memory
// until the content version moves; an edit made behind the cache's back (plain SQL, as another
// process would) shows on the next Refresh(); writes outside the catalog keep the entries;
// unknown tracks are never cached. Also CatalogRepository::ContentVersion, which Refresh()
// relies on.
#include "streaming/catalog_cache.h"

#include <gtest/gtest.h>

#include <future>
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

  std::unique_ptr<TestDatabase> tdb_;
  std::unique_ptr<catalog::CatalogRepository> repo_;
};

TEST_P(CatalogCacheTest, ContentVersionMovesOnEveryCatalogAndMediaEditOnly) {
  auto version = [&] {
    auto v = repo_->ContentVersion();
    EXPECT_THAT(v.status(), IsOk());
    return v.ok() ? *v : -1;
  };
  for (const char* sql :
       {"UPDATE tracks SET title = 'x' WHERE track_id = 'track_t1'",
        "UPDATE albums SET title = 'x' WHERE album_id = 'album_b1'",
        "UPDATE artists SET name = 'x' WHERE artist_id = 'artist_a1'",
        "UPDATE track_artists SET position = position WHERE track_id = 'track_t1'",
        "INSERT INTO track_media (track_id, source_path, source_size, source_mtime_ms, "
        "audio_hash, tags_hash, fingerprint, sample_rate, channels, frames, loudness_lufs, "
        "true_peak_dbtp, track_gain_db, preview_start_ms, media_state, media_version, "
        "manifest, ingested_at_ms) VALUES ('track_t1', '/m/t1.flac', 1, 1, 'a', 't', 'f', "
        "44100, 2, 1, -14, -1, 0, 0, 'ready', 1, '{}', 1)",
        "UPDATE track_media SET media_version = media_version + 1 WHERE track_id = 'track_t1'",
        "DELETE FROM track_media WHERE track_id = 'track_t1'",
        "DELETE FROM tracks WHERE track_id = 'track_t2'"}) {
    const int64_t before = version();
    ASSERT_THAT(tdb_->db().Execute(sql).status(), IsOk()) << sql;
    EXPECT_GT(version(), before) << sql;
  }
  // Neither the search indexer draining its outbox, a follower count nor a playlist write
  // moves it.
  const int64_t before = version();
  ASSERT_THAT(tdb_->db().Execute("DELETE FROM search_outbox").status(), IsOk());
  ASSERT_THAT(tdb_->db()
                  .Execute("UPDATE artists SET followers = followers + 1 "
                           "WHERE artist_id = 'artist_a1'")
                  .status(),
              IsOk());
  ASSERT_THAT(tdb_->db()
                  .Execute("INSERT INTO users (user_id, email, email_lower, username, "
                           "username_lower, display_name, country, password_hash, "
                           "created_at_ms) VALUES ('user_u1', 'u1@x.test', 'u1@x.test', 'u1', "
                           "'u1', 'U1', 'US', 'h', 1)")
                  .status(),
              IsOk());
  ASSERT_THAT(tdb_->db()
                  .Execute("INSERT INTO playlists (playlist_id, owner_user_id, name, "
                           "snapshot_id, version, created_at_ms, updated_at_ms) VALUES "
                           "('playlist_p1', 'user_u1', 'P', 's', 1, 1, 1)")
                  .status(),
              IsOk());
  EXPECT_EQ(version(), before);
}

// Two writers that touch the same catalog rows in opposite orders: the counter's row lock is
// taken before a statement locks any catalog row (BEFORE statement triggers on PostgreSQL), so
// the second writer waits for the first instead of holding a row the first needs next. With
// AFTER triggers this interleaving deadlocks and PostgreSQL aborts one of them.
TEST_P(CatalogCacheTest, WritersInOppositeOrdersDoNotDeadlockOnTheContentVersion) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "SQLite runs one writer at a time";
  std::promise<void> first_holds_counter;
  std::promise<void> second_started;
  Status first = Status(), second = Status();
  std::thread a([&] {
    first = tdb_->db().Transact([&](store::Session& tx) -> Status {
      SONORA_RETURN_IF_ERROR(
          tx.Query("UPDATE albums SET title = 'A' WHERE album_id = 'album_b1'").status());
      first_holds_counter.set_value();
      second_started.get_future().wait();
      // Give the second writer time to reach (and, with AFTER triggers, lock) the artist row.
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      return tx.Query("UPDATE artists SET name = 'A' WHERE artist_id = 'artist_a1'").status();
    });
  });
  first_holds_counter.get_future().wait();
  std::thread b([&] {
    second_started.set_value();
    second = tdb_->db().Transact([&](store::Session& tx) -> Status {
      SONORA_RETURN_IF_ERROR(
          tx.Query("UPDATE artists SET name = 'B' WHERE artist_id = 'artist_a1'").status());
      return tx.Query("UPDATE albums SET title = 'B' WHERE album_id = 'album_b1'").status();
    });
  });
  a.join();
  b.join();
  EXPECT_THAT(first, IsOk());
  EXPECT_THAT(second, IsOk());
  auto name = tdb_->db().Query("SELECT name FROM artists WHERE artist_id = 'artist_a1'");
  ASSERT_THAT(name.status(), IsOk());
  EXPECT_EQ(name->rows[0].GetString(0), "B") << "the second writer ran after the first";
}

TEST_P(CatalogCacheTest, ServesFromMemoryAndSeesAnEditOnTheNextRefresh) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh().status(), IsOk());
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

  ASSERT_THAT(cache.Refresh().status(), IsOk());
  auto reread = cache.Track("track_t1");
  ASSERT_THAT(reread.status(), IsOk());
  ASSERT_NE(*reread, nullptr);
  EXPECT_EQ((*reread)->track.title, "Renamed");
  EXPECT_EQ((*reread)->track.available_countries, std::vector<std::string>{"DE"});

  // An unchanged catalog keeps the entry.
  ASSERT_THAT(cache.Refresh().status(), IsOk());
  auto again = cache.Track("track_t1");
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->get(), reread->get());
}

TEST_P(CatalogCacheTest, EntriesOutliveTimeWhileTheVersionStands) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh().status(), IsOk());
  auto first = cache.Track("track_t1");
  ASSERT_THAT(first.status(), IsOk());
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));  // past the old 2 s recheck
  ASSERT_THAT(cache.Refresh().status(), IsOk());
  auto again = cache.Track("track_t1");
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_EQ(again->get(), first->get()) << "no catalog edit: the entry is still served";
}

TEST_P(CatalogCacheTest, UnknownTracksAreNotCachedAndRemovedTracksDisappear) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh().status(), IsOk());
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
  ASSERT_THAT(cache.Refresh().status(), IsOk());
  auto gone = cache.Track("track_t2");
  ASSERT_THAT(gone.status(), IsOk());
  EXPECT_EQ(*gone, nullptr);
}

TEST_P(CatalogCacheTest, AlbumTrackListsAreOrderedAndPickUpNewTracks) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh().status(), IsOk());
  auto album = cache.AlbumTracks("album_b1");
  ASSERT_THAT(album.status(), IsOk());
  ASSERT_EQ((*album)->size(), 2u);
  EXPECT_EQ((**album)[0]->track.track_id, "track_t1");
  EXPECT_EQ((**album)[1]->track.track_id, "track_t2");
  auto unknown = cache.AlbumTracks("album_nope");
  ASSERT_THAT(unknown.status(), IsOk());
  EXPECT_TRUE((*unknown)->empty());

  ASSERT_THAT(tdb_->db().Transact([&](store::Session& tx) { return AddTrack(tx, 3); }), IsOk());
  ASSERT_THAT(cache.Refresh().status(), IsOk());
  album = cache.AlbumTracks("album_b1");
  ASSERT_THAT(album.status(), IsOk());
  ASSERT_EQ((*album)->size(), 3u);
  EXPECT_EQ((**album)[2]->track.track_id, "track_t3");
}

TEST_P(CatalogCacheTest, ATrackMissReadsItsAlbumAndBatchReadsKeepOrder) {
  CatalogCache cache(*repo_);
  ASSERT_THAT(cache.Refresh().status(), IsOk());
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

  ASSERT_THAT(cache.Refresh().status(), IsOk());
  auto batch = cache.Tracks({"track_t2", "track_nope", "track_t1", "track_t2"});
  ASSERT_THAT(batch.status(), IsOk());
  ASSERT_EQ(batch->size(), 3u) << "unknown ids are left out";
  EXPECT_EQ((*batch)[0]->track.track_id, "track_t2");
  EXPECT_EQ((*batch)[0]->track.title, "Renamed");
  EXPECT_EQ((*batch)[1]->track.track_id, "track_t1");
  EXPECT_EQ((*batch)[2]->track.track_id, "track_t2");
}

// The memory-only reads behind play's attempt on the I/O thread: they answer only what is
// cached, never query, and are trusted only within kMemoryOnlyWindow of a Refresh().
TEST_P(CatalogCacheTest, PeeksAnswerFromMemoryOnlyWithinTheWindow) {
  CatalogCache cache(*repo_);
  EXPECT_FALSE(cache.RecentlyRefreshed()) << "never refreshed";
  EXPECT_EQ(cache.PeekTrack("track_t1"), nullptr);
  EXPECT_EQ(cache.PeekAlbumTracks("album_b1"), nullptr);
  EXPECT_FALSE(cache.PeekTracks({"track_t1"}).has_value());

  ASSERT_THAT(cache.Refresh().status(), IsOk());
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
  ASSERT_THAT(cache.Refresh().status(), IsOk());
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
  ASSERT_THAT(cache.Refresh().status(), IsOk());
  EXPECT_TRUE(cache.RecentlyRefreshed());

  // A Refresh() that sees an edit empties what the peeks can see.
  ASSERT_THAT(tdb_->db().Execute("UPDATE tracks SET title = 'Edited' WHERE track_id = 'track_t1'")
                  .status(),
              IsOk());
  ASSERT_THAT(cache.Refresh().status(), IsOk());
  EXPECT_EQ(cache.PeekTrack("track_t1"), nullptr);
  EXPECT_EQ(cache.PeekAlbumTracks("album_b1"), nullptr);

  SONORA_ASSERT_OK_AND_ASSIGN(t1, cache.Track("track_t1"));
  EXPECT_EQ(t1->track.title, "Edited");
  EXPECT_EQ(cache.PeekTrack("track_t1"), t1);
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
