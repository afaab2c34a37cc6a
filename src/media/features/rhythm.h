// Private to media/features: tempo, beat grid and time signature from the onset strength of the
// spectral pass. Formulas: docs/formats/audio-features.md.
#pragma once

#include <vector>

#include "media/features/spectral.h"
#include "media/features/tonal.h"

namespace sonora::media::internal {

// Tempo search range (the header's 40..220 BPM) and the perceptual prior's centre.
inline constexpr double kMinBpm = 40;
inline constexpr double kMaxBpm = 220;

struct TempoEstimate {
  double bpm = 0;  // 0 when there is no onset at all
  bool octave_ambiguous = false;
  double pulse_clarity = 0;   // 0..1: normalized onset autocorrelation over the beat comb
  double peak_ratio = 0;      // winning comb score over the mean score of the search range
  std::vector<double> beats;  // beat positions, in (fractional) spectral frames
};

TempoEstimate EstimateTempo(const SpectralFrames& spectral);

// 3 or 4 beats per bar from how onsets and harmony changes repeat across beats; 4 when unsure
// or when there are too few beats.
int EstimateTimeSignature(const TempoEstimate& tempo, const SpectralFrames& spectral,
                          const ChromaFrames& chroma);

}  // namespace sonora::media::internal
