// Lyrics in search (issue 6) on both backends: the indexer reads each track's sidecar LRC from
// track_lyrics as plain text; a lyrics write queues the track in the same transaction; a word
// only the lyrics hold finds the track, below tracks that hold it in a name, and is highlighted
// in a lyrics fragment; and lyrics never push a track down for its own title.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/catalog_repository.h"
#include "media/media_repository.h"
#include "search/indexer.h"
#include "search/search_index.h"
#include "support/status_matchers.h"
#include "support/temp_dir.h"
#include "support/test_database.h"

namespace sonora::search {
namespace {

using testing::Backend;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::IsOk;
using ::testing::Not;

constexpr int64_t kNow = 1'780'000'000'000;

// Sidecar lyrics as ingest stores them: headers, repeated time tags, enhanced word tags, CRLF.
constexpr const char* kHarborLrc =
    "\xEF\xBB\xBF[ar:Nora Hart]\r\n[ti:Harbor Lights]\r\n[length:03:20]\r\n"
    "[00:12.00]<00:12.00>Lanterns <00:12.40>sway along the quay\r\n"
    "[00:20.00][01:20.00]Moonlight whispers to the sleeping boats\r\n"
    "[00:28.00]\r\n";

class LyricsSearchTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    repo_ = std::make_unique<catalog::CatalogRepository>(tdb_->db());
    media_ = std::make_unique<media::MediaRepository>(tdb_->db());
    auto index = OpenXapianIndex(dir_.path() + "/search");
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(*index);
    indexer_ = std::make_unique<Indexer>(db(), *repo_, *index_);
  }

  store::Database& db() { return tdb_->db(); }

  Status AddTrack(const std::string& track_id, const std::string& title, int popularity) {
    return db().Transact([&](store::Session& s) -> Status {
      catalog::Artist a;
      a.artist_id = "artist_1";
      a.name = "Nora Hart";
      a.created_at_ms = kNow;
      SONORA_RETURN_IF_ERROR(repo_->UpsertArtist(s, a));
      catalog::Album al;
      al.album_id = "album_1";
      al.title = "Tides";
      al.artist = {"artist_1", "Nora Hart"};
      al.release_date = "2020-01-01";
      al.created_at_ms = kNow;
      SONORA_RETURN_IF_ERROR(repo_->UpsertAlbum(s, al));
      catalog::Track t;
      t.track_id = track_id;
      t.title = title;
      t.album = {"album_1", "Tides", "2020-01-01", catalog::AlbumType::kAlbum, std::nullopt};
      t.artists = {{"artist_1", "Nora Hart"}};
      t.duration_ms = 200000;
      t.popularity = popularity;
      t.created_at_ms = kNow;
      return repo_->UpsertTrack(s, t);
    });
  }

  // Through the same repository call ingest's catalog stage makes.
  Status SetLyrics(const std::string& track_id, const std::string& lrc) {
    return db().Transact(
        [&](store::Session& s) { return media_->UpsertLyrics(s, track_id, lrc, kNow); });
  }

  Result<SearchResults> Search(const std::string& text) {
    SearchQuery q;
    q.text = text;
    q.kinds = {DocKind::kTrack};
    return index_->Search(q);
  }

  std::vector<std::string> Find(const std::string& text) {
    auto r = Search(text);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> ids;
    if (r.ok()) {
      for (const auto& h : r->kinds[DocKind::kTrack].hits) ids.push_back(h.id);
    }
    return ids;
  }

  // The lyrics fragment of the first hit, "" when none.
  std::string LyricsFragment(const std::string& text) {
    auto r = Search(text);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->kinds[DocKind::kTrack].hits.empty()) return "";
    for (const auto& h : r->kinds[DocKind::kTrack].hits[0].highlights) {
      if (h.field == "lyrics") return h.fragment;
    }
    return "";
  }

  int64_t Backlog() {
    auto r = db().Query("SELECT COUNT(*) FROM search_outbox WHERE kind = 'track'");
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->rows[0].GetInt(0) : -1;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::TestDatabase> tdb_;
  std::unique_ptr<catalog::CatalogRepository> repo_;
  std::unique_ptr<media::MediaRepository> media_;
  std::unique_ptr<SearchIndex> index_;
  std::unique_ptr<Indexer> indexer_;
};

TEST_P(LyricsSearchTest, ALyricsWriteQueuesTheTrackInItsOwnTransaction) {
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights", 50), IsOk());
  ASSERT_THAT(indexer_->Rebuild(kNow, nullptr), IsOk());
  ASSERT_EQ(Backlog(), 0);
  EXPECT_THAT(Find("moonlight"), IsEmpty());

  // A transaction that fails after writing lyrics leaves neither the lyrics nor a queue row.
  Status failed = db().Transact([&](store::Session& s) -> Status {
    SONORA_RETURN_IF_ERROR(media_->UpsertLyrics(s, "track_1", kHarborLrc, kNow));
    return Status::Aborted("test", "roll back");
  });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(Backlog(), 0);

  ASSERT_THAT(SetLyrics("track_1", kHarborLrc), IsOk());
  EXPECT_EQ(Backlog(), 1);
  ASSERT_TRUE(indexer_->CatchUp().ok());
  EXPECT_EQ(Backlog(), 0);
  EXPECT_THAT(Find("moonlight whispers"), ElementsAre("track_1"));
  EXPECT_THAT(Find("lanterns quay"), ElementsAre("track_1"));  // between word tags
  // Header values and tags are not lyrics.
  EXPECT_THAT(Find("length"), IsEmpty());
  EXPECT_THAT(Find("00"), IsEmpty());

  // New lyrics replace the old words; deleting them leaves the names.
  ASSERT_THAT(SetLyrics("track_1", "[00:05.00]Paper comets over the bay"), IsOk());
  ASSERT_TRUE(indexer_->CatchUp().ok());
  EXPECT_THAT(Find("moonlight"), IsEmpty());
  EXPECT_THAT(Find("comets"), ElementsAre("track_1"));
  ASSERT_TRUE(db().Execute("DELETE FROM track_lyrics WHERE track_id = 'track_1'").ok());
  ASSERT_TRUE(indexer_->CatchUp().ok());
  EXPECT_THAT(Find("comets"), IsEmpty());
  EXPECT_THAT(Find("harbor lights"), ElementsAre("track_1"));
}

TEST_P(LyricsSearchTest, RebuildIndexesLyricsAndHighlightsAFragment) {
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights", 50), IsOk());
  ASSERT_THAT(AddTrack("track_2", "Paper Comet", 50), IsOk());
  ASSERT_THAT(SetLyrics("track_1", kHarborLrc), IsOk());
  ASSERT_THAT(indexer_->Rebuild(kNow, nullptr), IsOk());
  EXPECT_THAT(Find("sleeping boats"), ElementsAre("track_1"));
  const std::string fragment = LyricsFragment("moonlight");
  EXPECT_THAT(fragment, HasSubstr("<em>Moonlight</em> whispers to the sleeping boats"));
  EXPECT_THAT(fragment, Not(HasSubstr("[")));  // no tags reach the fragment
  EXPECT_THAT(fragment, Not(HasSubstr("<00")));
  EXPECT_THAT(fragment, Not(HasSubstr("\r")));
}

TEST_P(LyricsSearchTest, TitleMatchesRankAboveLyricsMatches) {
  // "moonlight" is the title of an unpopular track and in the lyrics of a popular one.
  ASSERT_THAT(AddTrack("track_title", "Moonlight", 10), IsOk());
  ASSERT_THAT(AddTrack("track_lyrics", "Harbor Lights", 90), IsOk());
  ASSERT_THAT(SetLyrics("track_lyrics", kHarborLrc), IsOk());
  ASSERT_TRUE(indexer_->CatchUp().ok());
  EXPECT_THAT(Find("moonlight"), ElementsAre("track_title", "track_lyrics"));
}

TEST_P(LyricsSearchTest, LyricsDoNotPushATrackDownForItsTitle) {
  // Two tracks match "ocean" in their titles alike; the one with lyrics is more popular and
  // must stay first. (Lyrics counted into the document length that BM25 normalises names by
  // would sink every track that has lyrics below every track that has none.)
  std::string long_lrc;
  for (int i = 0; i < 40; ++i) {
    long_lrc += "[00:" + std::to_string(10 + i) + ".00]waves keep rolling under a silver sky\n";
  }
  ASSERT_THAT(AddTrack("track_lyrics", "Ocean Drive", 60), IsOk());
  ASSERT_THAT(AddTrack("track_plain", "Ocean Eyes", 50), IsOk());
  ASSERT_THAT(SetLyrics("track_lyrics", long_lrc), IsOk());
  ASSERT_TRUE(indexer_->CatchUp().ok());
  EXPECT_THAT(Find("ocean"), ElementsAre("track_lyrics", "track_plain"));
  EXPECT_THAT(Find("silver"), ElementsAre("track_lyrics"));
}

TEST_P(LyricsSearchTest, HostileLyricsStayInTheirField) {
  // Separators the index uses between stored fields, and a line far over the bound.
  ASSERT_THAT(AddTrack("track_1", "Harbor Lights", 50), IsOk());
  ASSERT_THAT(SetLyrics("track_1",
                        "[00:01.00]moonlight\x1e"
                        "crossing\x1fthe bay\n[00:02.00]" +
                            std::string(200'000, 'x') + " tail"),
              IsOk());
  ASSERT_TRUE(indexer_->CatchUp().ok());
  EXPECT_THAT(Find("crossing"), ElementsAre("track_1"));
  EXPECT_THAT(LyricsFragment("crossing"), HasSubstr("moonlight <em>crossing</em> the bay"));
  EXPECT_THAT(Find("tail"), IsEmpty());  // past kMaxTextBytes
  auto r = Search("harbor");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->kinds[DocKind::kTrack].hits.size(), 1u);
  EXPECT_EQ(r->kinds[DocKind::kTrack].hits[0].name, "Harbor Lights");
}

// The same bytes in a name (a tag may hold anything valid UTF-8 allows): the name stays one
// field with the bytes made spaces, and the fields after it stay where they were.
TEST_P(LyricsSearchTest, SeparatorBytesInNamesStayInTheirField) {
  ASSERT_THAT(AddTrack("track_1", "Harbor\x1eLights\x1f" "Again", 50), IsOk());
  ASSERT_THAT(SetLyrics("track_1", "[00:01.00]moonlight crossing the bay"), IsOk());
  ASSERT_TRUE(indexer_->CatchUp().ok());
  auto r = Search("harbor");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->kinds[DocKind::kTrack].hits.size(), 1u);
  EXPECT_EQ(r->kinds[DocKind::kTrack].hits[0].id, "track_1");
  EXPECT_EQ(r->kinds[DocKind::kTrack].hits[0].name, "Harbor Lights Again");
  EXPECT_THAT(Find("again"), ElementsAre("track_1"));
  EXPECT_THAT(LyricsFragment("crossing"), HasSubstr("moonlight <em>crossing</em> the bay"));
}

INSTANTIATE_TEST_SUITE_P(Backends, LyricsSearchTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace sonora::search
