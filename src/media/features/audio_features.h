// Audio features computed from decoded PCM (seed 000 §8, seed 004 AudioFeatureAnalyzer):
// the inputs of content-based recommendation. Formulas: docs/formats/audio-features.md.
#pragma once

#include <array>
#include <vector>

#include "core/result.h"
#include "media/pcm.h"

namespace sonora::media {

struct AudioFeatures {
  double tempo_bpm = 0;        // beats per minute, 40..220
  bool tempo_octave_ambiguous = false;  // true when half/double tempo scored nearly as well
  int key = -1;                // pitch class 0 = C .. 11 = B; -1 when no tonal centre
  int mode = -1;               // 1 major, 0 minor, -1 unknown
  double key_confidence = 0;   // 0..1
  int time_signature = 4;      // beats per bar, 3..7
  double loudness_lufs = 0;    // filled by the loudness stage, not by Analyze
  double energy = 0;           // 0..1
  double danceability = 0;     // 0..1
  double valence = 0;          // 0..1
  double acousticness = 0;     // 0..1
  double instrumentalness = 0; // 0..1
  double speechiness = 0;      // 0..1
  double liveness = 0;         // 0..1
  double spectral_centroid_hz = 0;
  double spectral_rolloff_hz = 0;  // 85% energy point
  std::array<double, 13> mfcc{};   // means over frames
  std::array<double, 12> chroma{}; // mean pitch-class profile, normalized to max 1
};

// Analyzes a whole track. Deterministic for the same input. Blocks; thread-safe (no shared
// state beyond FFTW plans, which the implementation creates under its own lock).
// Errors: kInvalidArgument ("pcm") for fewer than 3 seconds of audio.
Result<AudioFeatures> AnalyzeFeatures(const PcmBuffer& pcm);

}  // namespace sonora::media
