// MediaFiles' manifest cache on both backends: a manifest is parsed once and served from memory
// while the content version its reader saw stands; a re-encode or a takedown made behind its
// back (plain SQL, as `sonora ingest` in another process would) is seen as soon as a caller
// reports the moved version, and within MediaFiles::kRecheck when none does.
#include "streaming/media_files.h"

#include <gtest/gtest.h>

#include <thread>

#include "catalog/catalog_repository.h"
#include "media/manifest.h"
#include "support/status_matchers.h"
#include "support/test_database.h"

namespace sonora::streaming {
namespace {

using ::sonora::testing::AllBackends;
using ::sonora::testing::Backend;
using ::sonora::testing::BackendParamName;
using ::sonora::testing::IsOk;
using ::sonora::testing::TestDatabase;

std::string ManifestText(int64_t chunk_bytes) {
  media::Manifest m;
  m.frames = 441000;
  m.duration_ms = 10000;
  m.chunk_frames = 441000;
  m.renditions.push_back({"160", "vorbis", "ogg", 160, {{"chunk_0.ogg", 0, 441000, chunk_bytes}}});
  return DumpJson(media::ManifestToJson(m));
}

class MediaFilesTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SONORA_OPEN_TEST_DB(tdb_, GetParam());
    catalog_ = std::make_unique<catalog::CatalogRepository>(tdb_->db());
    media_ = std::make_unique<media::MediaRepository>(tdb_->db());
    for (const char* sql :
         {"INSERT INTO artists (artist_id, name, name_key, created_at_ms) "
          "VALUES ('artist_a1', 'A1', 'a1', 1)",
          "INSERT INTO albums (album_id, title, artist_id, release_date, album_type, "
          "created_at_ms) VALUES ('album_b1', 'B1', 'artist_a1', '2024-01-01', 'album', 1)",
          "INSERT INTO tracks (track_id, album_id, title, track_number, disc_number, "
          "duration_ms, created_at_ms) VALUES ('track_t1', 'album_b1', 'T1', 1, 1, 10000, 1)"}) {
      ASSERT_THAT(tdb_->db().Execute(sql).status(), IsOk()) << sql;
    }
    ASSERT_THAT(tdb_->db()
                    .Execute("INSERT INTO track_media (track_id, source_path, source_size, "
                             "source_mtime_ms, audio_hash, tags_hash, fingerprint, sample_rate, "
                             "channels, frames, loudness_lufs, true_peak_dbtp, track_gain_db, "
                             "preview_start_ms, media_state, media_version, manifest, "
                             "ingested_at_ms) VALUES ('track_t1', '/m/t1.flac', 1, 1, 'a', 't', "
                             "'f', 44100, 2, 441000, -14, -1, 0, 0, 'ready', 1, ?, 1)",
                             {ManifestText(1000)})
                    .status(),
                IsOk());
  }

  int64_t Version() {
    auto v = catalog_->ContentVersion();
    EXPECT_THAT(v.status(), IsOk());
    return v.ok() ? *v : -1;
  }
  void ReEncode(int64_t chunk_bytes) {
    ASSERT_THAT(tdb_->db()
                    .Execute("UPDATE track_media SET media_version = media_version + 1, "
                             "manifest = ? WHERE track_id = 'track_t1'",
                             {ManifestText(chunk_bytes)})
                    .status(),
                IsOk());
  }
  static int64_t ChunkBytes(const ManifestRef& ref) {
    return ref.manifest->Find("160")->chunks.at(0).bytes;
  }

  std::unique_ptr<TestDatabase> tdb_;
  std::unique_ptr<catalog::CatalogRepository> catalog_;
  std::unique_ptr<media::MediaRepository> media_;
  media::MediaStore store_ = *media::MediaStore::Open(::testing::TempDir() + "/media_files_test");
};

TEST_P(MediaFilesTest, AReportedVersionKeepsEntriesUntilItMoves) {
  MediaFiles files(*media_, store_);
  files.Observe(Version());
  SONORA_ASSERT_OK_AND_ASSIGN(ManifestRef first, files.Manifest("track_t1"));
  EXPECT_EQ(first.version, 1);
  EXPECT_EQ(ChunkBytes(first), 1000);

  // Re-encoded behind its back: until a caller reports the new version, the entry stands.
  ReEncode(2000);
  SONORA_ASSERT_OK_AND_ASSIGN(ManifestRef cached, files.Manifest("track_t1"));
  EXPECT_EQ(cached.manifest, first.manifest);
  ASSERT_TRUE(files.CachedManifest("track_t1").has_value());

  // Reported: the next use reads the new version (the memory-only lookup declines first).
  files.Observe(Version());
  EXPECT_FALSE(files.CachedManifest("track_t1").has_value());
  SONORA_ASSERT_OK_AND_ASSIGN(ManifestRef second, files.Manifest("track_t1"));
  EXPECT_EQ(second.version, 2);
  EXPECT_EQ(ChunkBytes(second), 2000);

  // Past the old 2 s bound, with plays still reporting the same version, nothing is re-read.
  std::this_thread::sleep_for(MediaFiles::kRecheck + std::chrono::milliseconds(100));
  files.Observe(Version());
  SONORA_ASSERT_OK_AND_ASSIGN(ManifestRef kept, files.Manifest("track_t1"));
  EXPECT_EQ(kept.manifest, second.manifest);

  // A takedown reported by a play is seen at once.
  ASSERT_THAT(tdb_->db()
                  .Execute("UPDATE track_media SET media_state = 'pending' "
                           "WHERE track_id = 'track_t1'")
                  .status(),
              IsOk());
  files.Observe(Version());
  EXPECT_EQ(files.Manifest("track_t1").status().code(), Code::kNotFound);
  // A version reported late (an older read) does not undo a newer one.
  files.Observe(0);
  EXPECT_EQ(files.Manifest("track_t1").status().code(), Code::kNotFound);
}

TEST_P(MediaFilesTest, WithoutReportsAnEntryIsConfirmedAfterTheRecheck) {
  MediaFiles files(*media_, store_);
  SONORA_ASSERT_OK_AND_ASSIGN(ManifestRef first, files.Manifest("track_t1"));
  ReEncode(3000);
  SONORA_ASSERT_OK_AND_ASSIGN(ManifestRef cached, files.Manifest("track_t1"));
  EXPECT_EQ(cached.manifest, first.manifest) << "within kRecheck the entry is served";
  std::this_thread::sleep_for(MediaFiles::kRecheck + std::chrono::milliseconds(100));
  SONORA_ASSERT_OK_AND_ASSIGN(ManifestRef reread, files.Manifest("track_t1"));
  EXPECT_EQ(reread.version, 2);
  EXPECT_EQ(ChunkBytes(reread), 3000);
}

TEST_P(MediaFilesTest, AFullCacheDropsItsLeastRecentlyUsedManifest) {
  ASSERT_THAT(tdb_->db()
                  .Execute("INSERT INTO tracks (track_id, album_id, title, track_number, "
                           "disc_number, duration_ms, created_at_ms) VALUES ('track_t2', "
                           "'album_b1', 'T2', 2, 1, 10000, 1)")
                  .status(),
              IsOk());
  ASSERT_THAT(tdb_->db()
                  .Execute("INSERT INTO track_media SELECT 'track_t2', '/m/t2.flac', "
                           "source_size, source_mtime_ms, audio_hash, tags_hash, fingerprint, "
                           "sample_rate, channels, frames, loudness_lufs, true_peak_dbtp, "
                           "track_gain_db, preview_start_ms, media_state, media_version, "
                           "manifest, ingested_at_ms FROM track_media WHERE track_id = 'track_t1'")
                  .status(),
              IsOk());
  MediaFiles one(*media_, store_, 1);
  EXPECT_EQ(one.max_manifests(), 1u);
  ASSERT_THAT(one.Manifest("track_t1").status(), IsOk());
  ASSERT_THAT(one.Manifest("track_t2").status(), IsOk());  // track_t1 is dropped
  EXPECT_FALSE(one.CachedManifest("track_t1").has_value());
  EXPECT_TRUE(one.CachedManifest("track_t2").has_value());

  MediaFiles two(*media_, store_, 2);
  ASSERT_THAT(two.Manifest("track_t1").status(), IsOk());
  ASSERT_THAT(two.Manifest("track_t2").status(), IsOk());
  EXPECT_TRUE(two.CachedManifest("track_t1").has_value());
  EXPECT_TRUE(two.CachedManifest("track_t2").has_value());
}

TEST_P(MediaFilesTest, UnknownTracksAndIdsAreNotFound) {
  MediaFiles files(*media_, store_);
  EXPECT_EQ(files.Manifest("track_nope").status().code(), Code::kNotFound);
  EXPECT_EQ(files.Manifest("../etc").status().code(), Code::kNotFound);
  EXPECT_FALSE(files.CachedManifest("track_nope").has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, MediaFilesTest, ::testing::ValuesIn(AllBackends()),
                         BackendParamName());

}  // namespace
}  // namespace sonora::streaming
