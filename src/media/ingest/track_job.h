// The state one file accumulates as it moves through the ingest stages. Each stage reads what
// earlier stages filled in and adds its own part. Internal to media/ingest.
#pragma once

#include <optional>
#include <string>

#include "catalog/catalog_repository.h"
#include "catalog/podcast_repository.h"
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
// Podcast episodes get the speech profile only (issue 3: "podcasts/speech at 96 kbps"): Vorbis
// 96 kbps in 10 s chunks and one HLS AAC variant at the same rate. No FLAC, no 160/320, no
// preview, no audio features (docs/decisions/0015-podcasts.md).
inline constexpr int kSpeechKbps = 96;
// The genre tag that marks a master as a podcast episode (the iTunes convention), compared
// case-insensitively (tags are lower-cased by ReadTags).
inline constexpr std::string_view kPodcastGenre = "podcast";

// What stage 2 decided to do with the file.
enum class Plan { kFull, kReencode, kMetadataOnly, kUnchanged, kDuplicate };

struct Deps {
  store::Database& db;
  catalog::CatalogRepository& catalog;
  MediaRepository& media;          // track_media
  MediaRepository& episode_media;  // episode_media
  catalog::PodcastRepository& podcasts;
  const MediaStore& store;
  const Clock& clock;
  const IngestOptions& options;
};

struct TrackJob {
  std::string path;  // canonical
  // A podcast episode rather than a track (decided at stage 2): stages 4, 7 and 8 differ.
  bool episode = false;
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
  std::string track_id;  // or the episode id when `episode`
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
// Stage 8 for an episode (stage_8_podcast.cc): show, episode and episode_media rows.
Status Stage8Episode(TrackJob& job, const Deps& deps);
// The media row stage 8 writes for `job` (a track's or an episode's), before its
// ingested_at_ms: the existing row with the new tags digest and file stat for a metadata
// update, else a new pending row for the encoded media.
TrackMediaRow MediaRowOf(const TrackJob& job, bool metadata_only);

// The media table the job's rows live in.
inline MediaRepository& MediaOf(const TrackJob& job, const Deps& deps) {
  return job.episode ? deps.episode_media : deps.media;
}

}  // namespace sonora::media::ingest
