// The indexer on both backends: the outbox is written by the catalog's own transactions, a
// "crash" before indexing loses nothing, a crash after the index commit re-applies harmlessly,
// a rolled-back change leaves nothing, renames reach the documents that embed a name, and the
// service rebuilds a missing or half-built index on start. Also the SQL taste provider.
#include "search/indexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "catalog/catalog_repository.h"
#include "catalog/podcast_repository.h"
#include "core/clock.h"
#include "search/search_service.h"
#include "search/taste.h"
#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::search {
namespace {

using testing::Backend;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::IsOk;
using ::testing::Not;

constexpr int64_t kNow = 1'780'000'000'000;

class FixedTaste final : public TasteProvider {
 public:
  Result<Taste> TasteOf(const std::string&) override { return Taste(); }
};

class IndexerTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    repo_ = std::make_unique<catalog::CatalogRepository>(tdb_->db());
    index_dir_ = dir_.path() + "/search";
  }

  store::Database& db() { return tdb_->db(); }

  Status AddTrack(const std::string& track_id, const std::string& title,
                  const std::string& artist_id = "artist_1",
                  const std::string& artist = "Nora Hart", const std::string& album_id = "album_1",
                  const std::string& album = "Tides") {
    return db().Transact([&](store::Session& s) -> Status {
      catalog::Artist a;
      a.artist_id = artist_id;
      a.name = artist;
      a.genres = {"indie"};
      a.created_at_ms = kNow;
      SONORA_RETURN_IF_ERROR(repo_->UpsertArtist(s, a));
      catalog::Album al;
      al.album_id = album_id;
      al.title = album;
      al.artist = {artist_id, artist};
      al.release_date = "2020-01-01";
      al.created_at_ms = kNow;
      SONORA_RETURN_IF_ERROR(repo_->UpsertAlbum(s, al));
      catalog::Track t;
      t.track_id = track_id;
      t.title = title;
      t.album = {album_id, album, "2020-01-01", catalog::AlbumType::kAlbum, std::nullopt};
      t.artists = {{artist_id, artist}};
      t.duration_ms = 200000;
      t.genres = {"indie"};
      t.popularity = 50;
      t.created_at_ms = kNow;
      return repo_->UpsertTrack(s, t);
    });
  }

  std::unique_ptr<SearchIndex> OpenIndex() {
    auto index = OpenXapianIndex(index_dir_);
    EXPECT_TRUE(index.ok()) << index.status().ToString();
    return index.ok() ? std::move(*index) : nullptr;
  }

  static std::vector<std::string> Find(SearchIndex& index, const std::string& text,
                                       DocKind kind = DocKind::kTrack) {
    SearchQuery q;
    q.text = text;
    q.kinds = {kind};
    auto r = index.Search(q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& h : r->kinds[kind].hits) ids.push_back(h.id);
    }
    return ids;
  }

  int64_t Backlog() {
    auto r = db().Query("SELECT COUNT(*) FROM search_outbox");
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->rows[0].GetInt(0) : -1;
  }

  testing::TempDir dir_;
  std::string index_dir_;
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<catalog::CatalogRepository> repo_;
};

TEST_P(IndexerTest, CatalogWritesLeaveOutboxRowsInTheSameTransaction) {
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights"), IsOk());
  EXPECT_EQ(Backlog(), 3);  // artist, album, track
  // A transaction that fails after writing leaves neither the rows nor the outbox entries.
  Status failed = db().Transact([&](store::Session& s) -> Status {
    catalog::Artist a;
    a.artist_id = "artist_rolled_back";
    a.name = "Never There";
    a.created_at_ms = kNow;
    SONORA_RETURN_IF_ERROR(repo_->UpsertArtist(s, a));
    return Status::Aborted("test", "roll back");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(Backlog(), 3);
}

TEST_P(IndexerTest, CrashBeforeIndexingIsCaughtUpOnReopen) {
  {
    auto index = OpenIndex();
    ASSERT_NE(index, nullptr);
    Indexer indexer(db(), *repo_, *index);
    ASSERT_THAT(indexer.Rebuild(kNow, nullptr), IsOk());  // an empty, complete index
  }
  // The catalog commits; the process "dies" before the indexer runs.
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights"), IsOk());
  ASSERT_THAT(AddTrack("track_2", "Paper Comet"), IsOk());
  // Start-up: reopen and catch up.
  FixedTaste taste;
  SearchServiceOptions options;
  options.index_dir = index_dir_;
  SearchService service(db(), *repo_, taste, SystemClock::Get(), options);
  ASSERT_THAT(service.Start(nullptr), IsOk());
  EXPECT_EQ(Backlog(), 0);
  SearchQuery q;
  q.text = "harbor";
  q.kinds = {DocKind::kTrack};
  auto page = service.Search("user_1", q);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->tracks.size(), 1u);
  EXPECT_EQ(page->tracks[0].item.track_id, "track_1");
  EXPECT_EQ(page->tracks[0].item.title, "Harbor Lights");
}

TEST_P(IndexerTest, CrashAfterIndexCommitReappliesHarmlessly) {
  auto index = OpenIndex();
  ASSERT_NE(index, nullptr);
  Indexer indexer(db(), *repo_, *index);
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights"), IsOk());
  auto applied = indexer.CatchUp();
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(*applied, 3);
  EXPECT_EQ(*index->GetMetadata(kMetaAppliedSeq).value().c_str() != '\0', true);
  const int64_t docs = *index->DocumentCount();
  // As if the process died between the index commit and the outbox delete.
  ASSERT_TRUE(db().Execute("INSERT INTO search_outbox (kind, entity_id) VALUES ('track', ?), "
                           "('album', ?), ('artist', ?)",
                           {"track_1", "album_1", "artist_1"})
                  .ok());
  applied = indexer.CatchUp();
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(*applied, 3);
  EXPECT_EQ(*index->DocumentCount(), docs);
  EXPECT_THAT(Find(*index, "harbor lights"), ElementsAre("track_1"));
  EXPECT_EQ(Backlog(), 0);
}

TEST_P(IndexerTest, RenamesReachEveryDocumentThatEmbedsTheName) {
  auto index = OpenIndex();
  ASSERT_NE(index, nullptr);
  Indexer indexer(db(), *repo_, *index);
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights"), IsOk());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "tides"), ElementsAre("track_1"));  // via the album title
  ASSERT_TRUE(db().Execute("UPDATE albums SET title = 'Undertow' WHERE album_id = 'album_1'").ok());
  ASSERT_TRUE(db().Execute("UPDATE artists SET name = 'Nora Lindqvist' WHERE artist_id = "
                           "'artist_1'")
                  .ok());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "tides"), IsEmpty());
  EXPECT_THAT(Find(*index, "undertow"), ElementsAre("track_1"));
  EXPECT_THAT(Find(*index, "lindqvist"), ElementsAre("track_1"));
  EXPECT_THAT(Find(*index, "lindqvist", DocKind::kArtist), ElementsAre("artist_1"));
  EXPECT_THAT(Find(*index, "undertow", DocKind::kAlbum), ElementsAre("album_1"));
  // Deleting a track removes its document.
  ASSERT_TRUE(db().Execute("DELETE FROM tracks WHERE track_id = 'track_1'").ok());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "harbor"), IsEmpty());
}

// Podcasts (migration 20261124043000): show and episode writes leave outbox rows in their own
// transaction, the indexer applies them, a renamed show re-indexes its episodes, deletes remove
// documents, a crash before indexing is caught up on start, and a rebuild includes them.
TEST_P(IndexerTest, ShowsAndEpisodesFollowTheOutbox) {
  catalog::PodcastRepository podcasts(db());
  auto add = [&](const std::string& episode_id, const std::string& title) {
    return db().Transact([&](store::Session& s) -> Status {
      catalog::Show show;
      show.show_id = "show_1";
      show.title = "Harbor Talks";
      show.publisher = "Lighthouse Media";
      show.created_at_ms = kNow;
      SONORA_RETURN_IF_ERROR(podcasts.UpsertShow(s, show));
      catalog::Episode e;
      e.episode_id = episode_id;
      e.show.show_id = "show_1";
      e.title = title;
      e.description = "fog horns and ferries";
      e.duration_ms = 60000;
      e.created_at_ms = kNow;
      return podcasts.UpsertEpisode(s, e);
    });
  };
  {
    auto index = OpenIndex();
    ASSERT_NE(index, nullptr);
    Indexer indexer(db(), *repo_, *index);
    ASSERT_THAT(indexer.Rebuild(kNow, nullptr), IsOk());  // an empty, complete index
  }
  // The catalog commits; the process "dies" before the indexer runs.
  ASSERT_THAT(add("episode_1", "Tide Tables"), IsOk());
  EXPECT_EQ(Backlog(), 2);  // show, episode
  FixedTaste taste;
  SearchServiceOptions options;
  options.index_dir = index_dir_;
  options.cache_entries = 0;
  {
    SearchService service(db(), *repo_, taste, SystemClock::Get(), options);
    ASSERT_THAT(service.Start(nullptr), IsOk());
    EXPECT_EQ(Backlog(), 0);
    SearchQuery q;
    q.text = "harbor talks";
    q.kinds = {DocKind::kShow, DocKind::kEpisode};
    auto page = service.Search("user_1", q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->shows.size(), 1u);
    EXPECT_EQ(page->shows[0].item.show_id, "show_1");
    EXPECT_EQ(page->shows[0].item.total_episodes, 1);
    ASSERT_EQ(page->episodes.size(), 1u);
    EXPECT_EQ(page->episodes[0].item.episode_id, "episode_1");
    EXPECT_EQ(page->episodes[0].item.show.title, "Harbor Talks");
  }
  auto index = OpenIndex();
  ASSERT_NE(index, nullptr);
  Indexer indexer(db(), *repo_, *index);
  ASSERT_THAT(add("episode_2", "Moon Pull"), IsOk());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "moon pull", DocKind::kEpisode), ElementsAre("episode_2"));
  EXPECT_THAT(Find(*index, "ferries", DocKind::kEpisode).size(), 2u);  // descriptions
  // A renamed show reaches its episodes, which carry its name.
  ASSERT_TRUE(db().Execute("UPDATE shows SET title = 'Undertow Radio' WHERE show_id = 'show_1'")
                  .ok());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "harbor talks", DocKind::kShow), IsEmpty());
  EXPECT_THAT(Find(*index, "undertow radio", DocKind::kShow), ElementsAre("show_1"));
  EXPECT_THAT(Find(*index, "undertow tide", DocKind::kEpisode), ElementsAre("episode_1"));
  // Podcasts never show up as tracks.
  EXPECT_THAT(Find(*index, "tide tables", DocKind::kTrack), IsEmpty());
  // Deleting an episode removes its document.
  ASSERT_TRUE(db().Execute("DELETE FROM episodes WHERE episode_id = 'episode_2'").ok());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "moon pull", DocKind::kEpisode), IsEmpty());
  index.reset();
  // A full rebuild writes the same documents.
  ASSERT_THAT(ReindexInto(db(), *repo_, index_dir_, kNow, nullptr), IsOk());
  index = OpenIndex();
  ASSERT_NE(index, nullptr);
  EXPECT_THAT(Find(*index, "undertow", DocKind::kShow), ElementsAre("show_1"));
  EXPECT_THAT(Find(*index, "tide tables", DocKind::kEpisode), ElementsAre("episode_1"));
}

TEST_P(IndexerTest, PublicPlaylistsOnly) {
  auto index = OpenIndex();
  ASSERT_NE(index, nullptr);
  Indexer indexer(db(), *repo_, *index);
  ASSERT_TRUE(
      db().Execute("INSERT INTO users (user_id, email, email_lower, username, "
                   "username_lower, display_name, country, password_hash, created_at_ms) "
                   "VALUES ('user_1', 'a@x.io', 'a@x.io', 'ann', 'ann', 'Ann', 'US', 'x', ?)",
                   {kNow})
          .ok());
  ASSERT_TRUE(db().Execute("INSERT INTO playlists (playlist_id, owner_user_id, name, description, "
                           "public, snapshot_id, version, created_at_ms, updated_at_ms) VALUES "
                           "('playlist_1', 'user_1', 'Road Trip', 'songs for driving', 1, 's', 1, "
                           "?, ?)",
                           {kNow, kNow})
                  .ok());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "road trip", DocKind::kPlaylist), ElementsAre("playlist_1"));
  EXPECT_THAT(Find(*index, "driving", DocKind::kPlaylist), ElementsAre("playlist_1"));
  ASSERT_TRUE(
      db().Execute("UPDATE playlists SET public = 0 WHERE playlist_id = 'playlist_1'").ok());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "road trip", DocKind::kPlaylist), IsEmpty());
  ASSERT_TRUE(db().Execute("UPDATE playlists SET public = 1, name = 'Night Drive' WHERE "
                           "playlist_id = 'playlist_1'")
                  .ok());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "night drive", DocKind::kPlaylist), ElementsAre("playlist_1"));
  ASSERT_TRUE(db().Execute("DELETE FROM playlists WHERE playlist_id = 'playlist_1'").ok());
  ASSERT_TRUE(indexer.CatchUp().ok());
  EXPECT_THAT(Find(*index, "night drive", DocKind::kPlaylist), IsEmpty());
}

TEST_P(IndexerTest, StartRebuildsAMissingOrHalfBuiltIndex) {
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights"), IsOk());
  FixedTaste taste;
  SearchServiceOptions options;
  options.index_dir = index_dir_;
  {
    // A half-built index: documents but no completion mark, and a stale document.
    auto index = OpenIndex();
    ASSERT_NE(index, nullptr);
    SearchDocument stale;
    stale.id = "track_gone";
    stale.name = "Harbor Ghost";
    ASSERT_THAT(index->Put(stale), IsOk());
    ASSERT_THAT(index->Commit({}), IsOk());
  }
  SearchService service(db(), *repo_, taste, SystemClock::Get(), options);
  ASSERT_THAT(service.Start(nullptr), IsOk());
  auto index = OpenXapianIndex(index_dir_, {.read_only = true});
  ASSERT_TRUE(index.ok());
  EXPECT_THAT(Find(**index, "harbor"), ElementsAre("track_1"));
  EXPECT_EQ(Backlog(), 0);
  EXPECT_FALSE(std::filesystem::exists(index_dir_ + ".new"));
}

TEST_P(IndexerTest, ReindexRefusesWhileTheIndexIsHeld) {
  auto held = OpenIndex();
  ASSERT_NE(held, nullptr);
  Status s = ReindexInto(db(), *repo_, index_dir_, kNow, nullptr);
  EXPECT_THAT(s, testing::StatusIs(Code::kFailedPrecondition));
}

TEST_P(IndexerTest, SearchResultsAreCachedUntilTheIndexChanges) {
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights"), IsOk());
  FixedTaste taste;
  SearchServiceOptions options;
  options.index_dir = index_dir_;
  SearchService service(db(), *repo_, taste, SystemClock::Get(), options);
  ASSERT_THAT(service.Start(nullptr), IsOk());
  SearchQuery q;
  q.text = "harbor";
  auto first = service.Search("u", q);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->cache_hit);
  auto second = service.Search("u", q);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->cache_hit);
  ASSERT_THAT(AddTrack("track_2", "Harbor Nights"), IsOk());
  auto third = service.Search("u", q);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE(third->cache_hit);
  EXPECT_EQ(third->tracks.size(), 2u);
}

TEST_P(IndexerTest, SqlTasteReadsFollowsSavesAndCountedPlays) {
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights", "artist_1", "Nora Hart"), IsOk());
  ASSERT_THAT(AddTrack("track_2", "Jazz Night", "artist_2", "Miles Away", "album_2", "Blue"),
              IsOk());
  ASSERT_TRUE(db().Execute("UPDATE tracks SET genres = 'jazz' WHERE track_id = 'track_2'").ok());
  ASSERT_TRUE(
      db().Execute("INSERT INTO users (user_id, email, email_lower, username, "
                   "username_lower, display_name, country, password_hash, created_at_ms) "
                   "VALUES ('user_1', 'a@x.io', 'a@x.io', 'ann', 'ann', 'Ann', 'US', 'x', ?)",
                   {kNow})
          .ok());
  SqlTasteProvider provider(db());
  auto empty = provider.TasteOf("user_1");
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_TRUE(empty->empty());
  ASSERT_TRUE(db().Execute("INSERT INTO artist_follows (user_id, artist_id, followed_at_ms) "
                           "VALUES ('user_1', 'artist_1', ?)",
                           {kNow})
                  .ok());
  ASSERT_TRUE(db().Execute("INSERT INTO listens (session_id, user_id, track_id, started_at_ms, "
                           "last_event_at_ms, duration_played_ms, counted, counted_at_ms) VALUES "
                           "('s1', 'user_1', 'track_2', ?, ?, 60000, 1, ?), "
                           "('s2', 'user_1', 'track_2', ?, ?, 5000, 0, NULL)",
                           {kNow, kNow, kNow, kNow, kNow})
                  .ok());
  auto taste = provider.TasteOf("user_1");
  ASSERT_TRUE(taste.ok()) << taste.status().ToString();
  EXPECT_TRUE(taste->artist_ids.count("artist_1"));  // followed
  EXPECT_TRUE(taste->artist_ids.count("artist_2"));  // played for 30 s or more
  EXPECT_TRUE(taste->genres.count("jazz"));
  EXPECT_FALSE(taste->genres.count("indie"));  // nothing saved or played from it
}

INSTANTIATE_TEST_SUITE_P(Backends, IndexerTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace sonora::search
