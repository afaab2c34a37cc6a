// Private to media/features: chroma and key. A second STFT (twice the spectral pass's frame,
// ~186 ms at 22.05 kHz, for semitone resolution; hop ~93 ms) maps spectral peaks between 60 Hz
// and 2 kHz to pitch classes; the averaged profile is matched against the Krumhansl-Kessler key
// profiles. Formulas: docs/formats/audio-features.md.
#pragma once

#include <array>
#include <vector>

#include "media/features/analysis_signal.h"

namespace sonora::media::internal {

using Chroma = std::array<double, 12>;  // pitch class 0 = C

struct ChromaFrames {
  double frame_rate = 0;       // frames per second
  double first_centre_s = 0;   // time of frame 0's centre
  std::vector<Chroma> frames;  // unnormalized peak magnitudes per pitch class
};

ChromaFrames ComputeChroma(const AnalysisSignal& signal);

struct KeyEstimate {
  int key = -1;   // pitch class, -1 when there is no tonal centre
  int mode = -1;  // 1 major, 0 minor, -1 unknown
  double confidence = 0;
  Chroma profile{};  // mean chroma, normalized to max 1 (all zero when there is no pitch)
};

KeyEstimate EstimateKey(const ChromaFrames& chroma);

}  // namespace sonora::media::internal
