// SQL for the media pipeline's tables: track_media (or episode_media), audio_features, artwork,
// track_lyrics.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "media/features/audio_features.h"
#include "store/database.h"

namespace sonora::media {

// Which media table a repository reads and writes. Episodes keep their media rows in their own
// table with the same columns (docs/decisions/0015-podcasts.md), so the same code serves both;
// their files live in the same MediaStore, keyed by the episode id.
enum class MediaTable { kTracks, kEpisodes };

struct TrackMediaRow {
  std::string track_id;  // the media id: a track id, or an episode id in MediaTable::kEpisodes
  std::string source_path;
  int64_t source_size = 0;
  int64_t source_mtime_ms = 0;
  std::string audio_hash;
  std::string tags_hash;
  std::string fingerprint;
  int sample_rate = 0;
  int channels = 0;
  int64_t frames = 0;
  double loudness_lufs = 0;
  double true_peak_dbtp = 0;
  double track_gain_db = 0;
  int64_t preview_start_ms = 0;
  std::string media_state;  // "pending" or "ready"
  int media_version = 0;
  std::string manifest;  // JSON text
  int64_t ingested_at_ms = 0;
};

class MediaRepository {
 public:
  explicit MediaRepository(store::Database& db, MediaTable table = MediaTable::kTracks);

  MediaTable table() const { return table_; }

  Result<std::optional<TrackMediaRow>> FindBySourcePath(const std::string& path);
  // A track whose decoded audio has this hash (any path), if any.
  Result<std::optional<TrackMediaRow>> FindByAudioHash(const std::string& audio_hash);
  Result<std::optional<TrackMediaRow>> FindByTrackId(const std::string& track_id);
  // Just the state and version (the hot path of media serving), if the track has media.
  Result<std::optional<std::pair<std::string, int>>> FindStateAndVersion(
      const std::string& track_id);

  Status Upsert(store::Session& s, const TrackMediaRow& row);
  Status SetState(const std::string& track_id, const std::string& state);
  Status UpdateSourceStat(const std::string& track_id, int64_t size, int64_t mtime_ms);
  // The rest are track-only tables, whatever table() is.
  Status UpsertFeatures(store::Session& s, const std::string& track_id, const AudioFeatures& f);
  Result<std::optional<AudioFeatures>> GetFeatures(const std::string& track_id);
  Status InsertArtworkIfMissing(store::Session& s, const std::string& artwork_id, int64_t now_ms);
  Status UpsertLyrics(store::Session& s, const std::string& track_id, const std::string& lrc,
                      int64_t now_ms);
  // Forgets the track's lyrics (its sidecar file is gone); nothing when it has none.
  Status DeleteLyrics(store::Session& s, const std::string& track_id);

 private:
  store::Database& db_;
  MediaTable table_;
  // The statements on the media table, built once for table_.
  std::string find_by_path_sql_, find_by_hash_sql_, find_by_id_sql_, state_sql_, upsert_sql_,
      set_state_sql_, update_stat_sql_;
};

}  // namespace sonora::media
