#include "media/features/analysis_signal.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sonora::media::internal {
namespace {

// Rates at or above this are halved before analysis.
constexpr int kMaxAnalysisRate = 32000;
// Half-band FIR length (odd); Blackman-windowed sinc, cutoff at a quarter of the input rate.
constexpr int kHalfBandTaps = 31;
constexpr float kMaxSample = 2.0f;

std::vector<float> HalfBandKernel() {
  std::vector<float> h(kHalfBandTaps);
  const int m = kHalfBandTaps / 2;
  double sum = 0;
  for (int i = 0; i < kHalfBandTaps; ++i) {
    const double n = i - m;
    const double sinc = n == 0 ? 0.5 : std::sin(std::numbers::pi * n / 2) / (std::numbers::pi * n);
    const double w = 0.42 - 0.5 * std::cos(2 * std::numbers::pi * i / (kHalfBandTaps - 1)) +
                     0.08 * std::cos(4 * std::numbers::pi * i / (kHalfBandTaps - 1));
    h[static_cast<size_t>(i)] = static_cast<float>(sinc * w);
    sum += sinc * w;
  }
  for (float& v : h) v = static_cast<float>(v / sum);
  return h;
}

std::vector<float> Halve(const std::vector<float>& x) {
  static const std::vector<float> kernel = HalfBandKernel();
  const int64_t n = static_cast<int64_t>(x.size());
  const int m = kHalfBandTaps / 2;
  std::vector<float> out(static_cast<size_t>(n / 2));
  for (int64_t o = 0; o < static_cast<int64_t>(out.size()); ++o) {
    const int64_t centre = 2 * o;
    float acc = 0;
    if (centre - m >= 0 && centre + m < n) {
      const float* src = x.data() + (centre - m);
      // Every other tap of a half-band filter is zero except the centre one.
      for (int t = 0; t < kHalfBandTaps; ++t) acc += kernel[static_cast<size_t>(t)] * src[t];
    } else {
      for (int t = 0; t < kHalfBandTaps; ++t) {
        const int64_t i = centre - m + t;
        if (i >= 0 && i < n) acc += kernel[static_cast<size_t>(t)] * x[static_cast<size_t>(i)];
      }
    }
    out[static_cast<size_t>(o)] = acc;
  }
  return out;
}

}  // namespace

AnalysisSignal ToAnalysisRate(std::vector<float> mono, int sample_rate) {
  // Hostile or broken input: NaN and infinities become silence, and nothing may exceed full
  // scale by more than a decoder's inter-sample overs.
  for (float& v : mono) v = std::isfinite(v) ? std::clamp(v, -kMaxSample, kMaxSample) : 0.0f;
  AnalysisSignal signal{std::move(mono), sample_rate};
  while (signal.sample_rate >= kMaxAnalysisRate) {
    signal.samples = Halve(signal.samples);
    signal.sample_rate /= 2;
  }
  return signal;
}

int SpectralFftSize(int sample_rate) {
  const double target = 0.08 * sample_rate;
  int n = 256;
  while (n * 2 <= target * std::numbers::sqrt2) n *= 2;
  return n;
}

std::vector<float> HannWindow(int n) {
  std::vector<float> w(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    w[static_cast<size_t>(i)] =
        static_cast<float>(0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / n));
  }
  return w;
}

double Quantile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const size_t k = std::min(values.size() - 1,
                            static_cast<size_t>(std::clamp(p, 0.0, 1.0) * (values.size() - 1)));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

double LagCorrelation(const std::vector<double>& x, size_t lag) {
  if (x.size() < lag + 3) return 0;
  const size_t n = x.size() - lag;
  double ma = 0, mb = 0;
  for (size_t i = 0; i < n; ++i) {
    ma += x[i];
    mb += x[i + lag];
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    const double a = x[i] - ma, b = x[i + lag] - mb;
    sab += a * b;
    saa += a * a;
    sbb += b * b;
  }
  if (saa <= 1e-12 || sbb <= 1e-12) return 0;
  return sab / std::sqrt(saa * sbb);
}

double Clamp01(double v) { return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : 0.0; }

}  // namespace sonora::media::internal
