// Podcast episodes through the real ingest path (issue 3's "podcasts/speech at 96 kbps"; docs/
// decisions/0015-podcasts.md): detection by genre tag or --podcast, the show and episode rows,
// only the speech renditions on disk and decoding at about 96 kbps, never a track, idempotent
// re-ingest and re-tag, and the demo's two shows. Runs on both database backends.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>

#include "catalog/catalog_repository.h"
#include "catalog/podcast_repository.h"
#include "core/clock.h"
#include "media/codec.h"
#include "media/demo_library.h"
#include "media/ingest/ingest.h"
#include "media/manifest.h"
#include "media/synth/synth.h"
#include "media/tags.h"
#include "support/temp_dir.h"
#include "support/test_database.h"

namespace sonora::media {
namespace {

namespace fs = std::filesystem;
using testing::Backend;

class PodcastIngestTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(db_, GetParam());
    catalog_ = std::make_unique<catalog::CatalogRepository>(db_->db());
    podcasts_ = std::make_unique<catalog::PodcastRepository>(db_->db());
    media_ = std::make_unique<MediaRepository>(db_->db());
    episode_media_ = std::make_unique<MediaRepository>(db_->db(), MediaTable::kEpisodes);
    auto store = MediaStore::Open(dir_.path() + "/media");
    ASSERT_TRUE(store.ok());
    store_.emplace(*store);
    ingester_ = std::make_unique<Ingester>(db_->db(), *catalog_, *media_, *store_, clock_);
    fs::create_directories(masters());
  }

  std::string masters() const { return dir_.path() + "/masters"; }

  static TrackTags EpisodeTags(const std::string& title, int number) {
    TrackTags tags;
    tags.title = title;
    tags.artists = {"Ada Reyes"};
    tags.album = "Harbor Talks";
    tags.album_artist = "Lighthouse Media";
    tags.track_number = number;
    tags.date = "2024-0" + std::to_string(number) + "-15";
    tags.genres = {"Podcast"};
    tags.description = "Notes on episode " + std::to_string(number) + ": fog horns and ferries.";
    tags.language = "en";
    return tags;
  }

  // A speech-like FLAC master tagged as `tags`.
  std::string WriteEpisode(const std::string& name, const TrackTags& tags, double seconds = 21,
                           uint64_t seed = 1) {
    std::string path = masters() + "/" + name;
    EXPECT_TRUE(WriteAudioFile(synth::SpeechLike(seconds, seed), path).ok());
    EXPECT_TRUE(WriteTags(path, tags).ok());
    return path;
  }

  static IngestOptions Options() {
    IngestOptions o;
    o.progress = false;
    o.worker.binary = SONORA_BINARY;
    return o;
  }

  FileResult Ingest(const std::string& path, IngestOptions o = Options()) {
    return ingester_->IngestFile(path, o);
  }

  int64_t CountRows(const std::string& table) {
    auto r = db_->db().Query("SELECT COUNT(*) FROM " + table);
    return r.ok() ? r->rows[0].GetInt(0) : -1;
  }

  std::optional<catalog::Episode> GetEpisode(const std::string& id) {
    auto found = podcasts_->GetEpisodes({id});
    EXPECT_TRUE(found.ok());
    if (!found.ok() || found->empty()) return std::nullopt;
    return (*found)[0];
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::TestDatabase> db_;
  FakeClock clock_{FromMillis(1'700'000'000'000)};
  std::unique_ptr<catalog::CatalogRepository> catalog_;
  std::unique_ptr<catalog::PodcastRepository> podcasts_;
  std::unique_ptr<MediaRepository> media_, episode_media_;
  std::optional<MediaStore> store_;
  std::unique_ptr<Ingester> ingester_;
};

TEST_P(PodcastIngestTest, PodcastGenreMakesAnEpisodeWithOnlyTheSpeechRenditions) {
  const std::string path = WriteEpisode("ep1.flac", EpisodeTags("Fog Horns", 1), 21);
  FileResult r = Ingest(path);
  ASSERT_EQ(r.outcome, Outcome::kIngested) << r.message;
  EXPECT_TRUE(r.track_id.empty()) << "an episode is never reported as a track";
  ASSERT_FALSE(r.episode_id.empty());
  EXPECT_EQ(r.episode_id.rfind("episode_", 0), 0u) << r.episode_id;

  // The catalog rows, mapped from the tags.
  auto e = GetEpisode(r.episode_id);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->title, "Fog Horns");
  EXPECT_EQ(e->description, "Notes on episode 1: fog horns and ferries.");
  EXPECT_EQ(e->release_date, "2024-01-15");
  EXPECT_EQ(e->episode_number, 1);
  EXPECT_NEAR(static_cast<double>(e->duration_ms), 21000, 50);
  auto show = podcasts_->GetShow(e->show.show_id);
  ASSERT_TRUE(show.ok()) << show.status().ToString();
  EXPECT_EQ(show->title, "Harbor Talks");
  EXPECT_EQ(show->publisher, "Lighthouse Media");  // the album artist, not the artist
  EXPECT_EQ(show->language, "en");
  EXPECT_EQ(show->total_episodes, 1);
  EXPECT_THAT(show->genres, ::testing::Not(::testing::Contains("podcast")));

  // Never music: no track, album, artist, features or track media.
  for (const char* table : {"tracks", "albums", "artists", "track_media", "audio_features"}) {
    EXPECT_EQ(CountRows(table), 0) << table;
  }

  // Only the speech profile exists, in the shared media store under the episode id.
  auto row = episode_media_->FindByTrackId(r.episode_id);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->media_state, "ready");
  auto manifest = ParseManifest((*row)->manifest);
  ASSERT_TRUE(manifest.ok());
  ASSERT_EQ(manifest->renditions.size(), 2u);
  const std::string dir = store_->TrackDir(r.episode_id, (*row)->media_version);
  std::vector<std::string> on_disk;
  for (const auto& entry : fs::directory_iterator(dir)) {
    on_disk.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(on_disk, ::testing::UnorderedElementsAre("96", "hls_96", "manifest.json"));

  // Vorbis 96 kbps chunks: each decodes on its own, they sum to the episode, and FFmpeg reads
  // them as 96 kbps streams. Vorbis is variable-rate: speech with pauses spends less than the
  // nominal rate, never more (the dense-signal test below measures the rate itself).
  const Rendition* vorbis = manifest->Find("96");
  ASSERT_NE(vorbis, nullptr);
  EXPECT_EQ(vorbis->kbps, 96);
  ASSERT_EQ(vorbis->chunks.size(), 3u);  // 21 s in 10 s chunks
  int64_t frames = 0;
  for (const auto& c : vorbis->chunks) {
    auto pcm = DecodeFile(dir + "/96/" + c.file_name);
    ASSERT_TRUE(pcm.ok()) << c.file_name << " " << pcm.status().ToString();
    EXPECT_NEAR(static_cast<double>(pcm->frames()), static_cast<double>(c.frames), 64);
    auto probe = ProbeFile(dir + "/96/" + c.file_name);
    ASSERT_TRUE(probe.ok());
    EXPECT_EQ(probe->codec, "vorbis");
    EXPECT_NEAR(static_cast<double>(probe->bit_rate), 96000, 9600) << c.file_name;
    frames += c.frames;
    if (c.frames == manifest->chunk_frames) {
      const double kbps = static_cast<double>(c.bytes) * 8 / 10.0 / 1000;
      EXPECT_LE(kbps, 96 * 1.1) << c.file_name;
    }
  }
  EXPECT_EQ(frames, manifest->frames);

  // The HLS AAC variant at 96 kbps: init + first segment decode to about 10 s, and the full
  // segments measure 96 kbps within 10%.
  const Rendition* hls = manifest->Find("hls_96");
  ASSERT_NE(hls, nullptr);
  EXPECT_EQ(hls->codec, "aac");
  ASSERT_FALSE(hls->chunks.empty());
  for (const auto& c : hls->chunks) {
    EXPECT_TRUE(fs::exists(dir + "/hls_96/" + c.file_name)) << c.file_name;
    if (c.frames >= manifest->chunk_frames) {
      const double seconds = static_cast<double>(c.frames) / manifest->sample_rate;
      const double kbps = static_cast<double>(c.bytes) * 8 / seconds / 1000;
      EXPECT_NEAR(kbps, 96, 9.6) << c.file_name;
    }
  }
  {
    const std::string joined = dir_.path() + "/first_segment.mp4";
    std::ofstream out(joined, std::ios::binary);
    for (const char* part : {"init.mp4", hls->chunks[0].file_name.c_str()}) {
      std::ifstream in(dir + "/hls_96/" + part, std::ios::binary);
      out << in.rdbuf();
    }
    out.close();
    auto pcm = DecodeFile(joined);
    ASSERT_TRUE(pcm.ok()) << pcm.status().ToString();
    EXPECT_NEAR(static_cast<double>(pcm->duration_ms()), 10000, 100);
  }
}

TEST_P(PodcastIngestTest, SpeechRenditionsMeasureNinetySixKbpsOnADenseSignal) {
  // Pink noise, different in each channel, leaves the variable-rate Vorbis encoder no silence
  // or channel redundancy to save on, so the measured rate of every full chunk shows the
  // encoder's target: 96 kbps within 10%, as is the AAC's.
  PcmBuffer dense = synth::PinkNoise(-16, 21, 1);
  const PcmBuffer right = synth::PinkNoise(-16, 21, 2);
  for (size_t i = 1; i < dense.samples.size(); i += 2) dense.samples[i] = right.samples[i];
  const std::string path = masters() + "/dense.flac";
  ASSERT_TRUE(WriteAudioFile(dense, path).ok());
  ASSERT_TRUE(WriteTags(path, EpisodeTags("Dense", 4)).ok());
  FileResult r = Ingest(path);
  ASSERT_EQ(r.outcome, Outcome::kIngested) << r.message;
  auto row = episode_media_->FindByTrackId(r.episode_id);
  ASSERT_TRUE(row.ok() && row->has_value());
  auto manifest = ParseManifest((*row)->manifest);
  ASSERT_TRUE(manifest.ok());
  int full_chunks = 0;
  for (const char* name : {"96", "hls_96"}) {
    const Rendition* rendition = manifest->Find(name);
    ASSERT_NE(rendition, nullptr) << name;
    for (const auto& c : rendition->chunks) {
      if (c.frames < manifest->chunk_frames) continue;
      const double seconds = static_cast<double>(c.frames) / manifest->sample_rate;
      const double kbps = static_cast<double>(c.bytes) * 8 / seconds / 1000;
      EXPECT_NEAR(kbps, 96, 9.6) << name << "/" << c.file_name;
      ++full_chunks;
    }
  }
  EXPECT_GE(full_chunks, 4);
}

TEST_P(PodcastIngestTest, PodcastFlagMakesAnyFileAnEpisode) {
  TrackTags tags = EpisodeTags("Untagged Genre", 2);
  tags.genres = {"spoken word"};
  const std::string path = WriteEpisode("ep2.flac", tags, 12);
  IngestOptions o = Options();
  o.podcast = true;
  FileResult r = Ingest(path, o);
  ASSERT_EQ(r.outcome, Outcome::kIngested) << r.message;
  EXPECT_FALSE(r.episode_id.empty());
  EXPECT_EQ(CountRows("episodes"), 1);
  EXPECT_EQ(CountRows("tracks"), 0);

  // Without the flag the same genre is music.
  const std::string song = WriteEpisode("song.flac", EpisodeTags("Song", 3), 12, 5);
  TrackTags music = EpisodeTags("A Song", 3);
  music.genres = {"spoken word"};
  ASSERT_TRUE(WriteTags(song, music).ok());
  FileResult t = Ingest(song);
  ASSERT_EQ(t.outcome, Outcome::kIngested) << t.message;
  EXPECT_FALSE(t.track_id.empty());
  EXPECT_TRUE(t.episode_id.empty());
  EXPECT_EQ(CountRows("tracks"), 1);
  EXPECT_EQ(CountRows("episodes"), 1);
}

TEST_P(PodcastIngestTest, ReIngestIsANoOpAndAReTagUpdatesMetadataOnly) {
  const std::string path = WriteEpisode("ep1.flac", EpisodeTags("Fog Horns", 1), 12);
  FileResult first = Ingest(path);
  ASSERT_EQ(first.outcome, Outcome::kIngested) << first.message;
  FileResult again = Ingest(path);
  EXPECT_EQ(again.outcome, Outcome::kUnchanged);
  EXPECT_EQ(again.episode_id, first.episode_id);
  EXPECT_EQ(again.audio_ms, 0) << "an unchanged episode is not even decoded";
  // Still an episode without the genre decision being re-made from a flag.
  IngestOptions flagged = Options();
  flagged.podcast = true;
  EXPECT_EQ(Ingest(path, flagged).outcome, Outcome::kUnchanged);

  auto before = episode_media_->FindByTrackId(first.episode_id);
  ASSERT_TRUE(before.ok() && before->has_value());
  TrackTags retag = EpisodeTags("Fog Horns (Remastered Notes)", 1);
  retag.description = "New show notes.";
  ASSERT_TRUE(WriteTags(path, retag).ok());
  FileResult second = Ingest(path);
  EXPECT_EQ(second.outcome, Outcome::kMetadataUpdated) << second.message;
  EXPECT_EQ(second.episode_id, first.episode_id);
  auto e = GetEpisode(first.episode_id);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->title, "Fog Horns (Remastered Notes)");
  EXPECT_EQ(e->description, "New show notes.");
  EXPECT_NEAR(static_cast<double>(e->duration_ms), 12000, 50) << "kept across a re-tag";
  auto after = episode_media_->FindByTrackId(first.episode_id);
  EXPECT_EQ((*after)->media_version, (*before)->media_version) << "no re-encode on a re-tag";

  // A description-only change is a re-tag too.
  retag.description = "Newer show notes.";
  ASSERT_TRUE(WriteTags(path, retag).ok());
  EXPECT_EQ(Ingest(path).outcome, Outcome::kMetadataUpdated);
  EXPECT_EQ(GetEpisode(first.episode_id)->description, "Newer show notes.");

  // The same audio at another path is a duplicate episode, not a new one.
  fs::copy_file(path, masters() + "/copy.flac");
  FileResult dup = Ingest(masters() + "/copy.flac");
  EXPECT_EQ(dup.outcome, Outcome::kDuplicate);
  EXPECT_EQ(dup.episode_id, first.episode_id);
  EXPECT_EQ(CountRows("episodes"), 1);
  EXPECT_EQ(CountRows("shows"), 1);
}

TEST_P(PodcastIngestTest, ACommitWhosePublishFailsStaysPendingAndIsRedoneNextTime) {
  const std::string path = WriteEpisode("ep1.flac", EpisodeTags("Fog Horns", 1), 8);
  // A plain file where Publish needs the tracks/ directory: the rename fails after the
  // catalog commit, as a crash at that point would.
  const std::string tracks_root = store_->root() + "/tracks";
  fs::remove_all(tracks_root);
  std::ofstream(tracks_root) << "not a directory";
  FileResult first = Ingest(path);
  EXPECT_EQ(first.outcome, Outcome::kFailed);
  auto pending = episode_media_->FindBySourcePath(fs::weakly_canonical(path).string());
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_EQ((*pending)->media_state, "pending") << "never marked ready without its files";

  fs::remove(tracks_root);
  fs::create_directories(tracks_root);
  FileResult second = Ingest(path);
  EXPECT_EQ(second.outcome, Outcome::kReencoded) << second.message;
  EXPECT_EQ(second.episode_id, (*pending)->track_id) << "the episode keeps its id";
  auto ready = episode_media_->FindByTrackId(second.episode_id);
  ASSERT_TRUE(ready.ok() && ready->has_value());
  EXPECT_EQ((*ready)->media_state, "ready");
  EXPECT_TRUE(
      fs::exists(store_->TrackDir(second.episode_id, (*ready)->media_version) + "/manifest.json"));
  EXPECT_EQ(CountRows("episodes"), 1);
}

TEST_P(PodcastIngestTest, EpisodesOfOneShowShareItAndABadFileLeavesNothing) {
  IngestOptions o = Options();
  o.jobs = 2;
  WriteEpisode("e1.flac", EpisodeTags("One", 1), 8, 1);
  WriteEpisode("e2.flac", EpisodeTags("Two", 2), 8, 2);
  TrackTags other = EpisodeTags("Elsewhere", 1);
  other.album = "Another Show";
  WriteEpisode("e3.flac", other, 8, 3);
  std::ofstream(masters() + "/broken.flac") << "fLaC but not really";
  IngestSummary s = ingester_->Run({masters()}, o);
  EXPECT_EQ(s.ingested, 3);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.episodes, 3);
  EXPECT_EQ(CountRows("shows"), 2);
  EXPECT_EQ(CountRows("episodes"), 3);
  EXPECT_EQ(CountRows("episode_media"), 3);
  EXPECT_TRUE(fs::is_empty(store_->root() + "/staging"));
  auto r = db_->db().Query("SELECT show_id FROM shows WHERE title = ?", {"Harbor Talks"});
  ASSERT_TRUE(r.ok() && r->rows.size() == 1);
  auto page = podcasts_->GetShowEpisodes(r->rows[0].GetString(0), 10, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].title, "Two") << "newest first";
  EXPECT_EQ((*page)[1].title, "One");
}

TEST_P(PodcastIngestTest, DemoPodcastsBecomeTwoShowsOfThreeEpisodes) {
  auto specs = WriteDemoPodcasts(masters(), {});
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  ASSERT_EQ(specs->size(), 6u);
  for (const auto& e : *specs) {
    EXPECT_GE(e.seconds, 30);
    EXPECT_LE(e.seconds, 45);
    auto tags = ReadTags(e.path);
    ASSERT_TRUE(tags.ok()) << e.path;
    EXPECT_THAT(tags->genres, ::testing::ElementsAre("podcast"));
    EXPECT_EQ(tags->album, e.show);
    EXPECT_EQ(tags->description, e.description);
  }
  IngestOptions o = Options();
  o.jobs = 2;
  IngestSummary s = ingester_->Run({masters()}, o);
  EXPECT_EQ(s.ingested, 6);
  EXPECT_EQ(s.episodes, 6);
  EXPECT_EQ(s.failed, 0);
  auto r = db_->db().Query(
      "SELECT s.title, s.publisher, COUNT(*) FROM shows s JOIN episodes e "
      "ON e.show_id = s.show_id GROUP BY s.title, s.publisher ORDER BY s.title");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), 2u);
  EXPECT_EQ(r->rows[0].GetString(0), "Kitchen Table Science");
  EXPECT_EQ(r->rows[0].GetInt(2), 3);
  EXPECT_EQ(r->rows[1].GetString(0), "The Signal Path");
  EXPECT_EQ(r->rows[1].GetString(1), "Harbor Audio Collective");
  EXPECT_EQ(r->rows[1].GetInt(2), 3);
  EXPECT_EQ(CountRows("tracks"), 0);
  // A second run finds everything unchanged.
  IngestSummary again = ingester_->Run({masters()}, o);
  EXPECT_EQ(again.unchanged, 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, PodcastIngestTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendParamName());

}  // namespace
}  // namespace sonora::media
