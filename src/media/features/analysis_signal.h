// Private to media/features: the analysis signal (mono, at about 22 kHz) and small numeric
// helpers shared by the spectral, tonal and rhythm passes. Formulas:
// docs/formats/audio-features.md.
#pragma once

#include <cstddef>
#include <vector>

namespace sonora::media::internal {

struct AnalysisSignal {
  std::vector<float> samples;  // mono; non-finite input replaced by 0, the rest clamped to +-2
  int sample_rate = 0;
};

// Halves the rate (half-band low-pass, then every other sample) while it is 32 kHz or more:
// 44.1 kHz becomes 22.05 kHz, 48 kHz becomes 24 kHz. Nothing the features use lies above 11 kHz.
AnalysisSignal ToAnalysisRate(std::vector<float> mono, int sample_rate);

// The STFT size for the timbre/onset pass at `sample_rate`: the power of two nearest 80 ms
// (2048 at 22.05 kHz). The hop is a quarter of it (~23 ms).
int SpectralFftSize(int sample_rate);

// Periodic Hann window of `n` points.
std::vector<float> HannWindow(int n);

// The p-quantile (0..1) of `values` by nearest rank; 0 for an empty vector.
double Quantile(std::vector<double> values, double p);

// Pearson correlation of x[i] and x[i + lag] over the overlap; 0 when either side is constant.
double LagCorrelation(const std::vector<double>& x, size_t lag);

double Clamp01(double v);

}  // namespace sonora::media::internal
