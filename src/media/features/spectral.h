// Private to media/features: the STFT pass for onsets and timbre (frame ~93 ms at 22.05 kHz,
// hop a quarter of it, ~23 ms). One pass computes every per-frame series the rhythm analysis and
// the heuristics need, plus MFCC sums, so the spectrogram itself is never stored.
// Formulas: docs/formats/audio-features.md.
#pragma once

#include <array>
#include <vector>

#include "media/features/analysis_signal.h"

namespace sonora::media::internal {

inline constexpr int kMelBands = 40;
inline constexpr int kMfccCount = 13;

struct SpectralFrames {
  double frame_rate = 0;  // frames per second (sample_rate / hop)
  int fft_size = 0;
  int hop = 0;
  // One entry per frame:
  std::vector<double> flux;  // spectral flux of log mel energies (dB per band), the onset strength
  std::vector<double> low_flux;  // the same over the bands below 160 Hz (kick, bass)
  std::vector<double> rms_db;    // frame RMS in dBFS (floor -120)
  std::vector<double> centroid_hz;
  std::vector<double> rolloff_hz;  // 85% of the spectral magnitude lies below
  std::vector<double> flatness;    // Wiener entropy of mel band densities, 0 tonal .. 1 white
  std::vector<double> hf_ratio;    // power above 4 kHz over total power
  std::vector<double> peak_pitch;  // MIDI pitch of the strongest 80-1000 Hz peak; -1 when none
  std::array<double, kMfccCount> mfcc_sum{};  // summed over all frames
};

// Runs the pass over `signal`. Frames that would run past the end are not analyzed; a signal
// shorter than one frame gives empty series.
SpectralFrames ComputeSpectralFrames(const AnalysisSignal& signal);

}  // namespace sonora::media::internal
