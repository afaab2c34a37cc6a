#include "recommend/audio_features.h"

#include <charconv>
#include <cmath>
#include <numbers>
#include <string_view>

namespace sonora::recommend {

namespace {

constexpr int kMfcc = 13;
constexpr int kChroma = 12;

// Parses exactly `count` comma-separated finite numbers into `out`.
bool ParseList(std::string_view text, int count, std::vector<float>& out) {
  int parsed = 0;
  size_t i = 0;
  while (i <= text.size()) {
    size_t comma = text.find(',', i);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view field = text.substr(i, comma - i);
    while (!field.empty() && field.front() == ' ') field.remove_prefix(1);
    while (!field.empty() && field.back() == ' ') field.remove_suffix(1);
    double v = 0;
    auto [p, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
    if (ec != std::errc() || p != field.data() + field.size() || !std::isfinite(v)) return false;
    if (++parsed > count) return false;
    out.push_back(static_cast<float>(v));
    i = comma + 1;
  }
  return parsed == count;
}

}  // namespace

Result<AudioFeatureVectors> LoadAudioFeatureVectors(store::Database& db) {
  SONORA_ASSIGN_OR_RETURN(
      auto rows,
      db.Query("SELECT track_id, tempo, loudness, energy, danceability, valence, acousticness,"
               " instrumentalness, speechiness, liveness, spectral_centroid, spectral_rolloff,"
               " mode, musical_key, mfcc, chroma FROM audio_features ORDER BY track_id"));
  AudioFeatureVectors out;
  std::vector<float> row;
  for (const auto& r : rows.rows) {
    row.clear();
    for (size_t c = 1; c <= 12; ++c) row.push_back(static_cast<float>(r.GetDouble(c)));
    const double angle = 2 * std::numbers::pi * static_cast<double>(r.GetInt(13)) / 12.0;
    row.push_back(static_cast<float>(std::sin(angle)));
    row.push_back(static_cast<float>(std::cos(angle)));
    bool ok = true;
    for (float v : row) ok = ok && std::isfinite(v);
    if (!ok || !ParseList(r.GetString(14), kMfcc, row) ||
        !ParseList(r.GetString(15), kChroma, row)) {
      ++out.skipped;
      continue;
    }
    out.track_ids.push_back(r.GetString(0));
    out.values.insert(out.values.end(), row.begin(), row.end());
  }
  const size_t n = out.track_ids.size();
  for (int d = 0; d < kAudioFeatureDim; ++d) {
    double sum = 0, sq = 0;
    for (size_t t = 0; t < n; ++t) sum += out.values[t * kAudioFeatureDim + d];
    const double mean = n > 0 ? sum / static_cast<double>(n) : 0;
    for (size_t t = 0; t < n; ++t) {
      const double x = out.values[t * kAudioFeatureDim + d] - mean;
      sq += x * x;
    }
    const double sd = n > 0 ? std::sqrt(sq / static_cast<double>(n)) : 0;
    for (size_t t = 0; t < n; ++t) {
      float& v = out.values[t * kAudioFeatureDim + d];
      v = sd > 1e-12 ? static_cast<float>((v - mean) / sd) : 0.0f;
    }
  }
  return out;
}

}  // namespace sonora::recommend
