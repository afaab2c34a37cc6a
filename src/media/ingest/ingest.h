// `sonora ingest`: turns masters into catalog tracks with renditions, loudness, features and
// artwork. The stages, in the order they run, are drawn in src/media/README.md. Each file is
// processed end to end by one worker; `jobs` workers run in parallel.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "catalog/catalog_repository.h"
#include "catalog/podcast_repository.h"
#include "core/clock.h"
#include "core/json.h"
#include "media/codec.h"
#include "media/media_repository.h"
#include "media/media_store.h"
#include "media/parse_worker.h"
#include "store/database.h"

namespace sonora::media {

inline constexpr int64_t kMaxIngestDurationMs = 60 * 60 * 1000;

struct IngestOptions {
  int jobs = 2;               // parallel workers
  // Per-file caps. Ingest decodes a whole track into memory (about 21 MB per stereo minute), so
  // its duration cap is one hour rather than the codec's default.
  DecodeLimits limits{.max_duration_ms = kMaxIngestDurationMs};
  // Where the untrusted parsing runs (parse_worker.h): `sonora ingest` and `sonora demo` set
  // the binary to themselves; empty parses in-process.
  WorkerOptions worker;
  bool force = false;         // re-encode even when the audio is unchanged
  bool progress = true;       // draw a progress bar on stderr
  // Every file is a podcast episode (`sonora ingest --podcast`). Otherwise a file is one when
  // its genre tag is "Podcast" (any case). A path already ingested keeps its kind either way.
  bool podcast = false;
  // Called once per file as it finishes (from worker threads, serialized).
  std::function<void(const struct FileResult&)> on_file;
};

enum class Outcome {
  kIngested,         // new track, renditions written
  kReencoded,        // same path, new audio: renditions replaced, track id kept
  kMetadataUpdated,  // same audio, new tags: catalog updated, no re-encode
  kUnchanged,        // nothing to do
  kDuplicate,        // the same audio is already in the catalog from another path
  kFailed,           // skipped with a message; nothing written
};
std::string_view OutcomeName(Outcome o);

struct FileResult {
  std::string path;
  Outcome outcome = Outcome::kFailed;
  std::string track_id;  // empty for failures and episodes
  std::string episode_id;  // set instead of track_id for podcast episodes
  std::string message;   // why it failed, or what it duplicates
  int64_t audio_ms = 0;  // decoded duration (0 when not decoded)
};

struct IngestSummary {
  int64_t files = 0;
  int64_t ingested = 0, reencoded = 0, metadata_updated = 0, unchanged = 0, duplicates = 0,
          failed = 0;
  int64_t episodes = 0;  // files (of any outcome but failed) that are podcast episodes
  double seconds = 0;
  double audio_seconds = 0;  // audio decoded and processed
  std::vector<FileResult> results;
};
Json SummaryJson(const IngestSummary& s);

class Ingester {
 public:
  Ingester(store::Database& db, catalog::CatalogRepository& catalog, MediaRepository& media,
           const MediaStore& store, const Clock& clock);

  // Expands `paths` (files are taken as given; folders are walked for audio extensions, hidden
  // entries and directory symlinks skipped) and ingests every file. Never fails as a whole: each
  // file's problem is its own FileResult.
  IngestSummary Run(const std::vector<std::string>& paths, const IngestOptions& options);

  // One file, end to end (used by Run and by tests).
  FileResult IngestFile(const std::string& path, const IngestOptions& options);

 private:
  store::Database& db_;
  catalog::CatalogRepository& catalog_;
  MediaRepository& media_;
  const MediaStore& store_;
  const Clock& clock_;
  // Podcast episodes: their catalog rows and their media table (same database).
  catalog::PodcastRepository podcasts_;
  MediaRepository episode_media_;
};

// Audio file extensions a folder walk picks up.
bool HasAudioExtension(const std::string& path);

}  // namespace sonora::media
