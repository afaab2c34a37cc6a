// The ingest pipeline end to end on real files: idempotent re-ingest, re-tagging, re-encoding,
// duplicates, the publish-after-commit rule, hostile files, and renditions that decode. Runs on
// both database backends.
#include "media/ingest/ingest.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "catalog/catalog_repository.h"
#include "core/clock.h"
#include "media/codec.h"
#include "media/demo_library.h"
#include "media/manifest.h"
#include "media/synth/synth.h"
#include "media/tags.h"
#include "support/status_matchers.h"
#include "support/temp_dir.h"
#include "support/test_database.h"

namespace sonora::media {
namespace {

namespace fs = std::filesystem;
using testing::Backend;

class IngestTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(db_, GetParam());
    catalog_ = std::make_unique<catalog::CatalogRepository>(db_->db());
    media_ = std::make_unique<MediaRepository>(db_->db());
    auto store = MediaStore::Open(dir_.path() + "/media");
    ASSERT_TRUE(store.ok());
    store_.emplace(*store);
    ingester_ = std::make_unique<Ingester>(db_->db(), *catalog_, *media_, *store_, clock_);
    fs::create_directories(masters());
  }

  std::string masters() const { return dir_.path() + "/masters"; }

  // A tagged FLAC master of a short synthesized song.
  std::string WriteMaster(const std::string& name, const std::string& title,
                          const std::string& artist, double seconds = 12, uint64_t seed = 1) {
    std::string path = masters() + "/" + name;
    synth::SongSpec spec{.bpm = 120, .key = 2, .major = true, .seconds = seconds, .seed = seed};
    EXPECT_TRUE(WriteAudioFile(synth::Song(spec), path).ok());
    TrackTags tags;
    tags.title = title;
    tags.artists = SplitArtists(artist);
    tags.album = "Test Album";
    tags.track_number = 1;
    tags.date = "2024-05-01";
    tags.genres = {"rock"};
    EXPECT_TRUE(WriteTags(path, tags).ok());
    return path;
  }

  // As `sonora ingest` runs: untrusted parsing in the media worker.
  static IngestOptions Options() {
    IngestOptions o;
    o.progress = false;
    o.worker.binary = SONORA_BINARY;
    return o;
  }

  FileResult Ingest(const std::string& path) { return ingester_->IngestFile(path, Options()); }

  int64_t CountRows(const std::string& table) {
    auto r = db_->db().Query("SELECT COUNT(*) FROM " + table);
    return r.ok() ? r->rows[0].GetInt(0) : -1;
  }

  testing::TempDir dir_;
  std::unique_ptr<testing::TestDatabase> db_;
  FakeClock clock_{FromMillis(1'700'000'000'000)};
  std::unique_ptr<catalog::CatalogRepository> catalog_;
  std::unique_ptr<MediaRepository> media_;
  std::optional<MediaStore> store_;
  std::unique_ptr<Ingester> ingester_;
};

TEST_P(IngestTest, NewFileBecomesAPlayableTrackWithEveryRendition) {
  const std::string path = WriteMaster("a.flac", "First Song", "Ava Hart feat. Leo Sato", 23);
  FileResult r = Ingest(path);
  ASSERT_EQ(r.outcome, Outcome::kIngested) << r.message;

  auto tracks = catalog_->GetTracks({r.track_id});
  ASSERT_TRUE(tracks.ok());
  ASSERT_EQ(tracks->size(), 1u);
  const catalog::Track& t = (*tracks)[0];
  EXPECT_EQ(t.title, "First Song");
  ASSERT_EQ(t.artists.size(), 2u);  // the "feat." credit is split into two linked artists
  EXPECT_EQ(t.artists[0].name, "Ava Hart");
  EXPECT_EQ(t.artists[1].name, "Leo Sato");
  EXPECT_EQ(t.album.title, "Test Album");
  EXPECT_NEAR(static_cast<double>(t.duration_ms), 23000, 50);

  auto row = media_->FindByTrackId(r.track_id);
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((*row)->media_state, "ready");
  auto manifest = ParseManifest((*row)->manifest);
  ASSERT_TRUE(manifest.ok());
  const std::string dir = store_->TrackDir(r.track_id, (*row)->media_version);
  for (const char* name :
       {"96", "160", "320", "lossless", "hls_96", "hls_160", "hls_256", "preview"}) {
    const Rendition* rendition = manifest->Find(name);
    ASSERT_NE(rendition, nullptr) << name;
    for (const auto& c : rendition->chunks) {
      EXPECT_TRUE(fs::exists(dir + "/" + name + "/" + c.file_name)) << name << "/" << c.file_name;
    }
  }
  // 23 s of audio in 10 s chunks: 3 chunks summing to the track, each decodable on its own.
  const Rendition* q160 = manifest->Find("160");
  ASSERT_EQ(q160->chunks.size(), 3u);
  int64_t frames = 0;
  for (const auto& c : q160->chunks) {
    auto pcm = DecodeFile(dir + "/160/" + c.file_name);
    ASSERT_TRUE(pcm.ok()) << c.file_name;
    EXPECT_NEAR(static_cast<double>(pcm->frames()), static_cast<double>(c.frames), 64)
        << c.file_name;
    frames += c.frames;
  }
  EXPECT_EQ(frames, manifest->frames);
  EXPECT_TRUE(fs::exists(dir + "/manifest.json"));
  auto features = media_->GetFeatures(r.track_id);
  ASSERT_TRUE(features.ok() && features->has_value());
  EXPECT_NEAR((*features)->tempo_bpm, 120, 2);
  EXPECT_EQ((*features)->key, 2);  // D
  EXPECT_EQ((*features)->mode, 1);
}

TEST_P(IngestTest, ReIngestingTheSameFileIsANoOp) {
  const std::string path = WriteMaster("a.flac", "Song", "Artist");
  FileResult first = Ingest(path);
  ASSERT_EQ(first.outcome, Outcome::kIngested) << first.message;
  FileResult second = Ingest(path);
  EXPECT_EQ(second.outcome, Outcome::kUnchanged);
  EXPECT_EQ(second.track_id, first.track_id);
  EXPECT_EQ(second.audio_ms, 0) << "an unchanged file must not even be decoded";
  EXPECT_EQ(CountRows("tracks"), 1);
}

TEST_P(IngestTest, ReTaggedFileUpdatesMetadataWithoutReEncoding) {
  const std::string path = WriteMaster("a.flac", "Old Title", "Artist");
  FileResult first = Ingest(path);
  ASSERT_EQ(first.outcome, Outcome::kIngested) << first.message;
  auto before = media_->FindByTrackId(first.track_id);
  TrackTags tags;
  tags.title = "New Title";
  tags.artists = {"Artist"};
  tags.album = "Test Album";
  ASSERT_TRUE(WriteTags(path, tags).ok());

  FileResult second = Ingest(path);
  EXPECT_EQ(second.outcome, Outcome::kMetadataUpdated) << second.message;
  EXPECT_EQ(second.track_id, first.track_id);
  auto tracks = catalog_->GetTracks({first.track_id});
  ASSERT_TRUE(tracks.ok() && tracks->size() == 1);
  EXPECT_EQ((*tracks)[0].title, "New Title");
  auto after = media_->FindByTrackId(first.track_id);
  EXPECT_EQ((*after)->media_version, (*before)->media_version) << "no re-encode on a re-tag";
  EXPECT_EQ((*after)->audio_hash, (*before)->audio_hash);
}

TEST_P(IngestTest, AnEditedOrRemovedSidecarLrcUpdatesTheLyrics) {
  const std::string path = WriteMaster("a.flac", "Song", "Artist");
  const std::string lrc = masters() + "/a.lrc";
  auto write_lrc = [&](const std::string& text) {
    std::ofstream(lrc, std::ios::binary | std::ios::trunc) << text;
  };
  auto lyrics = [&](const std::string& track_id) -> std::optional<std::string> {
    auto r = db_->db().Query("SELECT lrc FROM track_lyrics WHERE track_id = ?", {track_id});
    EXPECT_TRUE(r.ok());
    if (!r.ok() || r->rows.empty()) return std::nullopt;
    return r->rows[0].GetString(0);
  };
  write_lrc("[00:01.00]first words\n");
  FileResult first = Ingest(path);
  ASSERT_EQ(first.outcome, Outcome::kIngested) << first.message;
  EXPECT_EQ(lyrics(first.track_id), "[00:01.00]first words\n");
  auto before = media_->FindByTrackId(first.track_id);

  write_lrc("[00:01.00]second words\n");
  FileResult edited = Ingest(path);
  EXPECT_EQ(edited.outcome, Outcome::kMetadataUpdated) << edited.message;
  EXPECT_EQ(lyrics(first.track_id), "[00:01.00]second words\n");

  fs::remove(lrc);
  FileResult removed = Ingest(path);
  EXPECT_EQ(removed.outcome, Outcome::kMetadataUpdated) << removed.message;
  EXPECT_EQ(lyrics(first.track_id), std::nullopt);
  auto after = media_->FindByTrackId(first.track_id);
  EXPECT_EQ((*after)->media_version, (*before)->media_version) << "lyrics never re-encode";

  FileResult again = Ingest(path);
  EXPECT_EQ(again.outcome, Outcome::kUnchanged);
  EXPECT_EQ(again.audio_ms, 0);
}

TEST_P(IngestTest, NewAudioAtTheSamePathReEncodesKeepingTheTrackId) {
  const std::string path = WriteMaster("a.flac", "Song", "Artist", 12, 1);
  FileResult first = Ingest(path);
  ASSERT_EQ(first.outcome, Outcome::kIngested) << first.message;
  WriteMaster("a.flac", "Song", "Artist", 14, 2);  // a remaster replaces the file
  FileResult second = Ingest(path);
  EXPECT_EQ(second.outcome, Outcome::kReencoded) << second.message;
  EXPECT_EQ(second.track_id, first.track_id);
  auto row = media_->FindByTrackId(first.track_id);
  EXPECT_EQ((*row)->media_version, 2);
  EXPECT_FALSE(fs::exists(store_->TrackDir(first.track_id, 1))) << "the old version is removed";
  EXPECT_TRUE(fs::exists(store_->TrackDir(first.track_id, 2) + "/manifest.json"));
}

TEST_P(IngestTest, SameAudioAtAnotherPathIsReportedAsDuplicate) {
  const std::string path = WriteMaster("a.flac", "Song", "Artist");
  FileResult first = Ingest(path);
  ASSERT_EQ(first.outcome, Outcome::kIngested) << first.message;
  fs::copy_file(path, masters() + "/copy.flac");
  FileResult dup = Ingest(masters() + "/copy.flac");
  EXPECT_EQ(dup.outcome, Outcome::kDuplicate);
  EXPECT_EQ(dup.track_id, first.track_id);
  EXPECT_EQ(CountRows("tracks"), 1);
}

TEST_P(IngestTest, ACommitWhosePublishFailsStaysPendingAndIsRedoneNextTime) {
  const std::string path = WriteMaster("a.flac", "Song", "Artist");
  // Block the shard folders: a plain file where Publish needs a directory makes the rename fail
  // after the catalog commit, as a crash at that point would.
  const std::string tracks_root = store_->root() + "/tracks";
  fs::remove_all(tracks_root);
  std::ofstream(tracks_root) << "not a directory";
  FileResult first = Ingest(path);
  EXPECT_EQ(first.outcome, Outcome::kFailed);
  auto pending = media_->FindBySourcePath(fs::weakly_canonical(path).string());
  ASSERT_TRUE(pending.ok() && pending->has_value());
  EXPECT_EQ((*pending)->media_state, "pending") << "never marked ready without its files";

  fs::remove(tracks_root);
  fs::create_directories(tracks_root);
  FileResult second = Ingest(path);
  EXPECT_EQ(second.outcome, Outcome::kReencoded) << second.message;
  auto ready = media_->FindByTrackId(second.track_id);
  EXPECT_EQ((*ready)->media_state, "ready");
}

TEST_P(IngestTest, BadFilesAreSkippedAndLeaveNothingBehind) {
  struct Case {
    const char* name;
    std::string bytes;
  };
  std::string random_bytes(4096, '\0');
  for (size_t i = 0; i < random_bytes.size(); ++i)
    random_bytes[i] = static_cast<char>((i * 7919) % 251);
  const Case cases[] = {
      {"empty.flac", ""},
      {"noise.flac", random_bytes},
      {"notes.mp3", "this is a text file, not audio\n"},
      {"list.m4a", "#EXTM3U\n#EXTINF:10,\nfile:///etc/passwd\n"},
  };
  // A real FLAC whose STREAMINFO claims ten hours of audio: refused from the header alone.
  {
    const std::string path = masters() + "/ten_hours.flac";
    ASSERT_TRUE(WriteAudioFile(synth::ClickTrack(120, 2), path).ok());
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    // STREAMINFO starts at byte 8; its 36-bit total-samples field ends the 64-bit word at 18.
    unsigned char word[8];
    f.seekg(18);
    f.read(reinterpret_cast<char*>(word), 8);
    uint64_t packed = 0;
    for (unsigned char b : word) packed = (packed << 8) | b;
    const uint64_t ten_hours = 10ull * 3600 * 44100;
    packed = (packed & ~((1ull << 36) - 1)) | ten_hours;
    for (int i = 7; i >= 0; --i, packed >>= 8) word[i] = static_cast<unsigned char>(packed & 0xFF);
    f.seekp(18);
    f.write(reinterpret_cast<const char*>(word), 8);
    f.close();
    FileResult r = Ingest(path);
    EXPECT_EQ(r.outcome, Outcome::kFailed);
    EXPECT_THAT(r.message, ::testing::HasSubstr("over the ingest cap")) << r.message;
  }
  // A sub-second file is not a track.
  {
    const std::string path = masters() + "/blip.wav";
    ASSERT_TRUE(WriteAudioFile(synth::ClickTrack(120, 0.3), path).ok());
    FileResult r = Ingest(path);
    EXPECT_EQ(r.outcome, Outcome::kFailed);
    EXPECT_THAT(r.message, ::testing::HasSubstr("too short")) << r.message;
  }
  for (const auto& c : cases) {
    std::ofstream(masters() + "/" + c.name, std::ios::binary) << c.bytes;
    FileResult r = Ingest(masters() + "/" + c.name);
    EXPECT_EQ(r.outcome, Outcome::kFailed) << c.name;
    EXPECT_FALSE(r.message.empty()) << c.name;
  }
  // A truncated master either decodes what is there or is refused; it never crashes.
  const std::string good = WriteMaster("good.flac", "Good", "Artist", 12);
  std::string data;
  {
    std::ifstream in(good, std::ios::binary);
    data.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(masters() + "/cut.flac", std::ios::binary) << data.substr(0, data.size() / 3);
  FileResult cut = Ingest(masters() + "/cut.flac");
  EXPECT_THAT(cut.outcome, ::testing::AnyOf(Outcome::kIngested, Outcome::kFailed));

  EXPECT_EQ(CountRows("track_media"), cut.outcome == Outcome::kIngested ? 1 : 0);
  EXPECT_TRUE(fs::is_empty(store_->root() + "/staging")) << "failures leave no staging files";
}

TEST_P(IngestTest, RunWalksFoldersInParallelAndCountsOutcomes) {
  WriteMaster("one.flac", "One", "Band A", 8, 1);
  WriteMaster("two.flac", "Two", "Band A", 8, 2);
  WriteMaster("three.flac", "Three", "Band B", 8, 3);
  std::ofstream(masters() + "/readme.txt") << "ignored: not an audio extension";
  std::ofstream(masters() + "/broken.wav") << "RIFF....junk";
  IngestOptions o = Options();
  o.jobs = 2;
  IngestSummary s = ingester_->Run({masters()}, o);
  EXPECT_EQ(s.files, 4);
  EXPECT_EQ(s.ingested, 3);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(CountRows("artists"), 2);
  EXPECT_EQ(CountRows("albums"), 2);  // "Test Album" by Band A and by Band B
  IngestSummary again = ingester_->Run({masters()}, o);
  EXPECT_EQ(again.unchanged, 3);
  EXPECT_EQ(again.ingested, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, IngestTest, ::testing::ValuesIn(testing::AllBackends()),
                         testing::BackendParamName());

TEST(DemoLibraryTest, MastersCarryTagsAndKnownMusic) {
  testing::TempDir dir;
  DemoLibraryOptions o;
  o.tracks = 3;
  o.seed = 3;
  auto specs = WriteDemoLibrary(dir.path(), o);
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  ASSERT_EQ(specs->size(), 3u);
  for (const auto& s : *specs) {
    auto tags = ReadTags(s.path);
    ASSERT_TRUE(tags.ok()) << s.path;
    EXPECT_EQ(tags->title, s.title);
    EXPECT_EQ(tags->album, s.album);
    auto probe = ProbeFile(s.path);
    ASSERT_TRUE(probe.ok());
    EXPECT_NEAR(static_cast<double>(probe->duration_ms), s.seconds * 1000, 100);
  }
}

}  // namespace
}  // namespace sonora::media
