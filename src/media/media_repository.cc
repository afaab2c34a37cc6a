#include "media/media_repository.h"

#include <charconv>

#include "core/strings.h"

namespace sonora::media {

namespace {

// Every column but the key, which is track_id or episode_id by table.
constexpr std::string_view kColumnsAfterKey =
    "source_path, source_size, source_mtime_ms, audio_hash, tags_hash, fingerprint, "
    "sample_rate, channels, frames, loudness_lufs, true_peak_dbtp, track_gain_db, "
    "preview_start_ms, media_state, media_version, manifest, ingested_at_ms";

TrackMediaRow FromRow(const store::Row& r) {
  TrackMediaRow m;
  m.track_id = r.GetString(0);
  m.source_path = r.GetString(1);
  m.source_size = r.GetInt(2);
  m.source_mtime_ms = r.GetInt(3);
  m.audio_hash = r.GetString(4);
  m.tags_hash = r.GetString(5);
  m.fingerprint = r.GetString(6);
  m.sample_rate = static_cast<int>(r.GetInt(7));
  m.channels = static_cast<int>(r.GetInt(8));
  m.frames = r.GetInt(9);
  m.loudness_lufs = r.GetDouble(10);
  m.true_peak_dbtp = r.GetDouble(11);
  m.track_gain_db = r.GetDouble(12);
  m.preview_start_ms = r.GetInt(13);
  m.media_state = r.GetString(14);
  m.media_version = static_cast<int>(r.GetInt(15));
  m.manifest = r.GetString(16);
  m.ingested_at_ms = r.GetInt(17);
  return m;
}

template <size_t N>
std::string JoinNumbers(const std::array<double, N>& a) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i) out += ",";
    out += FormatDouble(a[i]);
  }
  return out;
}

template <size_t N>
void SplitNumbers(const std::string& s, std::array<double, N>& a) {
  auto parts = Split(s, ',', true);
  for (size_t i = 0; i < N && i < parts.size(); ++i) {
    std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), a[i]);
  }
}

}  // namespace

MediaRepository::MediaRepository(store::Database& db, MediaTable table) : db_(db), table_(table) {
  const std::string name = table == MediaTable::kTracks ? "track_media" : "episode_media";
  const std::string key = table == MediaTable::kTracks ? "track_id" : "episode_id";
  const std::string select =
      "SELECT " + key + ", " + std::string(kColumnsAfterKey) + " FROM " + name + " ";
  find_by_path_sql_ = select + "WHERE source_path = ?";
  find_by_hash_sql_ = select + "WHERE audio_hash = ? ORDER BY ingested_at_ms LIMIT 1";
  find_by_id_sql_ = select + "WHERE " + key + " = ?";
  state_sql_ = "SELECT media_state, media_version FROM " + name + " WHERE " + key + " = ?";
  upsert_sql_ =
      "INSERT INTO " + name + " (" + key + ", " + std::string(kColumnsAfterKey) +
      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT (" + key + ") DO UPDATE SET source_path = excluded.source_path, "
      "source_size = excluded.source_size, source_mtime_ms = excluded.source_mtime_ms, "
      "audio_hash = excluded.audio_hash, tags_hash = excluded.tags_hash, "
      "fingerprint = excluded.fingerprint, sample_rate = excluded.sample_rate, "
      "channels = excluded.channels, frames = excluded.frames, "
      "loudness_lufs = excluded.loudness_lufs, true_peak_dbtp = excluded.true_peak_dbtp, "
      "track_gain_db = excluded.track_gain_db, "
      "preview_start_ms = excluded.preview_start_ms, media_state = excluded.media_state, "
      "media_version = excluded.media_version, manifest = excluded.manifest, "
      "ingested_at_ms = excluded.ingested_at_ms";
  set_state_sql_ = "UPDATE " + name + " SET media_state = ? WHERE " + key + " = ?";
  update_stat_sql_ =
      "UPDATE " + name + " SET source_size = ?, source_mtime_ms = ? WHERE " + key + " = ?";
}

Result<std::optional<TrackMediaRow>> MediaRepository::FindBySourcePath(const std::string& path) {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(find_by_path_sql_, {path}));
  if (res.rows.empty()) return std::optional<TrackMediaRow>();
  return std::optional<TrackMediaRow>(FromRow(res.rows[0]));
}

Result<std::optional<TrackMediaRow>> MediaRepository::FindByAudioHash(const std::string& hash) {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(find_by_hash_sql_, {hash}));
  if (res.rows.empty()) return std::optional<TrackMediaRow>();
  return std::optional<TrackMediaRow>(FromRow(res.rows[0]));
}

Result<std::optional<TrackMediaRow>> MediaRepository::FindByTrackId(const std::string& id) {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(find_by_id_sql_, {id}));
  if (res.rows.empty()) return std::optional<TrackMediaRow>();
  return std::optional<TrackMediaRow>(FromRow(res.rows[0]));
}

Result<std::optional<std::pair<std::string, int>>> MediaRepository::FindStateAndVersion(
    const std::string& track_id) {
  SONORA_ASSIGN_OR_RETURN(auto res, db_.Query(state_sql_, {track_id}));
  if (res.rows.empty()) return std::optional<std::pair<std::string, int>>();
  return std::optional<std::pair<std::string, int>>(
      std::make_pair(res.rows[0].GetString(0), static_cast<int>(res.rows[0].GetInt(1))));
}

Status MediaRepository::Upsert(store::Session& s, const TrackMediaRow& m) {
  return s
      .Query(upsert_sql_,
             {m.track_id, m.source_path, m.source_size, m.source_mtime_ms, m.audio_hash,
              m.tags_hash, m.fingerprint, m.sample_rate, m.channels, m.frames, m.loudness_lufs,
              m.true_peak_dbtp, m.track_gain_db, m.preview_start_ms, m.media_state,
              m.media_version, m.manifest, m.ingested_at_ms})
      .status();
}

Status MediaRepository::SetState(const std::string& track_id, const std::string& state) {
  return db_.Execute(set_state_sql_, {state, track_id}).status();
}

Status MediaRepository::UpdateSourceStat(const std::string& track_id, int64_t size,
                                         int64_t mtime_ms) {
  return db_.Execute(update_stat_sql_, {size, mtime_ms, track_id}).status();
}

Status MediaRepository::UpsertFeatures(store::Session& s, const std::string& track_id,
                                       const AudioFeatures& f) {
  return s
      .Query(
          "INSERT INTO audio_features (track_id, tempo, tempo_ambiguous, musical_key, mode, "
          "key_confidence, time_signature, loudness, energy, danceability, valence, "
          "acousticness, instrumentalness, speechiness, liveness, spectral_centroid, "
          "spectral_rolloff, mfcc, chroma) VALUES "
          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (track_id) DO UPDATE SET tempo = excluded.tempo, "
          "tempo_ambiguous = excluded.tempo_ambiguous, musical_key = excluded.musical_key, "
          "mode = excluded.mode, key_confidence = excluded.key_confidence, "
          "time_signature = excluded.time_signature, loudness = excluded.loudness, "
          "energy = excluded.energy, danceability = excluded.danceability, "
          "valence = excluded.valence, acousticness = excluded.acousticness, "
          "instrumentalness = excluded.instrumentalness, speechiness = excluded.speechiness, "
          "liveness = excluded.liveness, spectral_centroid = excluded.spectral_centroid, "
          "spectral_rolloff = excluded.spectral_rolloff, mfcc = excluded.mfcc, "
          "chroma = excluded.chroma",
          {track_id, f.tempo_bpm, f.tempo_octave_ambiguous ? 1 : 0, f.key, f.mode, f.key_confidence,
           f.time_signature, f.loudness_lufs, f.energy, f.danceability, f.valence, f.acousticness,
           f.instrumentalness, f.speechiness, f.liveness, f.spectral_centroid_hz,
           f.spectral_rolloff_hz, JoinNumbers(f.mfcc), JoinNumbers(f.chroma)})
      .status();
}

Result<std::optional<AudioFeatures>> MediaRepository::GetFeatures(const std::string& track_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res,
      db_.Query("SELECT tempo, tempo_ambiguous, musical_key, mode, key_confidence, "
                "time_signature, loudness, energy, danceability, valence, acousticness, "
                "instrumentalness, speechiness, liveness, spectral_centroid, spectral_rolloff, "
                "mfcc, chroma FROM audio_features WHERE track_id = ?",
                {track_id}));
  if (res.rows.empty()) return std::optional<AudioFeatures>();
  const auto& r = res.rows[0];
  AudioFeatures f;
  f.tempo_bpm = r.GetDouble(0);
  f.tempo_octave_ambiguous = r.GetBool(1);
  f.key = static_cast<int>(r.GetInt(2));
  f.mode = static_cast<int>(r.GetInt(3));
  f.key_confidence = r.GetDouble(4);
  f.time_signature = static_cast<int>(r.GetInt(5));
  f.loudness_lufs = r.GetDouble(6);
  f.energy = r.GetDouble(7);
  f.danceability = r.GetDouble(8);
  f.valence = r.GetDouble(9);
  f.acousticness = r.GetDouble(10);
  f.instrumentalness = r.GetDouble(11);
  f.speechiness = r.GetDouble(12);
  f.liveness = r.GetDouble(13);
  f.spectral_centroid_hz = r.GetDouble(14);
  f.spectral_rolloff_hz = r.GetDouble(15);
  SplitNumbers(r.GetString(16), f.mfcc);
  SplitNumbers(r.GetString(17), f.chroma);
  return std::optional<AudioFeatures>(f);
}

Status MediaRepository::InsertArtworkIfMissing(store::Session& s, const std::string& artwork_id,
                                               int64_t now_ms) {
  return s
      .Query(
          "INSERT INTO artwork (artwork_id, created_at_ms) VALUES (?, ?) "
          "ON CONFLICT (artwork_id) DO NOTHING",
          {artwork_id, now_ms})
      .status();
}

Status MediaRepository::UpsertLyrics(store::Session& s, const std::string& track_id,
                                     const std::string& lrc, int64_t now_ms) {
  return s
      .Query(
          "INSERT INTO track_lyrics (track_id, lrc, updated_at_ms) VALUES (?, ?, ?) "
          "ON CONFLICT (track_id) DO UPDATE SET lrc = excluded.lrc, "
          "updated_at_ms = excluded.updated_at_ms",
          {track_id, lrc, now_ms})
      .status();
}

Status MediaRepository::DeleteLyrics(store::Session& s, const std::string& track_id) {
  return s.Query("DELETE FROM track_lyrics WHERE track_id = ?", {track_id}).status();
}

}  // namespace sonora::media
