// Audio-feature vectors for content-based candidates (cold-start tracks with no plays): one
// vector per analysed track, read from the audio_features table that media ingest fills
// (src/store/migrations/20261123180000_create_media.sql), standardized so that no feature
// dominates by its unit, ready for a cosine VectorIndex (vector_index.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/database.h"

namespace sonora::recommend {

// Per track, in this order: tempo, loudness, energy, danceability, valence, acousticness,
// instrumentalness, speechiness, liveness, spectral centroid, spectral rolloff, mode, then the
// key on the circle of pitch classes (sin, cos: C and B are neighbours), then 13 MFCCs and 12
// chroma values.
inline constexpr int kAudioFeatureDim = 11 + 1 + 2 + 13 + 12;

struct AudioFeatureVectors {
  std::vector<std::string> track_ids;  // row r is track_ids[r]
  std::vector<float> values;           // track_ids.size() * kAudioFeatureDim, row-major
  int64_t skipped = 0;                 // rows whose mfcc or chroma text was unreadable
};

// Reads every analysed track and standardizes each dimension over the catalog (z-score:
// subtract the mean, divide by the standard deviation; a constant dimension becomes 0). Rows
// whose mfcc/chroma lists do not hold 13/12 finite numbers are skipped and counted. Ordered by
// track id. Blocks on the database; reads the whole table (batch jobs, not request paths).
// Errors: those of store::Database::Query.
Result<AudioFeatureVectors> LoadAudioFeatureVectors(store::Database& db);

}  // namespace sonora::recommend
