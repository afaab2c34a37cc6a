// The state one file accumulates as it moves through the ingest stages. Each stage reads what
// earlier stages filled in and adds its own part. Internal to media/ingest.
#pragma once

#include <optional>
#include <string>

#include "catalog/catalog_repository.h"
#include "core/clock.h"
#include "media/features/audio_features.h"
#include "media/ingest/ingest.h"
#include "media/loudness.h"
#include "media/manifest.h"
#include "media/media_repository.h"
#include "media/media_store.h"
#include "media/tags.h"

namespace sonora::media::ingest {

inline constexpr int kVorbisQualities[] = {96, 160, 320};  // seed 000 §6
inline constexpr int kHlsQualities[] = {96, 160, 256};     // AAC-LC rendition set
inline constexpr int kPreviewKbps = 160;
inline constexpr int64_t kPreviewMs = 30'000;  // the 30-second preview
inline constexpr int64_t kMinTrackMs = 1'000;   // shorter decoded audio is refused

// What stage 2 decided to do with the file.
enum class Plan { kFull, kReencode, kMetadataOnly, kUnchanged, kDuplicate };

struct Deps {
  store::Database& db;
  catalog::CatalogRepository& catalog;
  MediaRepository& media;
  const MediaStore& store;
  const Clock& clock;
  const IngestOptions& options;
};

struct TrackJob {
  std::string path;  // canonical
  int64_t size = 0;
  int64_t mtime_ms = 0;

  // Stage 1: probe.
  ProbeInfo probe;
  TrackTags tags;
  std::optional<std::string> cover_bytes;
  std::optional<std::string> lrc;

  // Stage 2: identity.
  PcmBuffer pcm;
  std::string audio_hash, tags_hash, fingerprint;
  std::optional<TrackMediaRow> existing;  // the row for this path, if any
  Plan plan = Plan::kFull;
  std::string duplicate_of;               // track id, for Plan::kDuplicate

  // Stage 3: loudness.
  Loudness loudness;

  // Stages 4-5: renditions in staging, and their manifest.
  std::string staging_dir;
  Manifest manifest;
  int64_t preview_start_ms = 0;

  // Stage 6: artwork.
  std::optional<std::string> artwork_id;

  // Stage 7: features.
  AudioFeatures features;

  // Stage 8: the catalog.
  std::string track_id;
  int media_version = 1;
};

Status Stage1Probe(TrackJob& job, const Deps& deps);
Status Stage2Identity(TrackJob& job, const Deps& deps);
Status Stage3Loudness(TrackJob& job, const Deps& deps);
Status Stage4Transcode(TrackJob& job, const Deps& deps);
Status Stage5Segment(TrackJob& job, const Deps& deps);
Status Stage6Artwork(TrackJob& job, const Deps& deps);
Status Stage7Features(TrackJob& job, const Deps& deps);
Status Stage8Catalog(TrackJob& job, const Deps& deps);

}  // namespace sonora::media::ingest
