#include "media/features/spectral.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "media/internal/fftw_fft.h"

namespace sonora::media::internal {
namespace {

// Mel filterbank range; the upper edge is capped at 11025 Hz so the bands (and so the MFCCs)
// mean the same thing at 22.05 and 24 kHz.
constexpr double kMelMaxHz = 11025;
// Bands whose centre is below this carry kick drum and bass: the low flux.
constexpr double kLowBandHz = 160;
// Log floor for the flux (dBFS per band): fluctuations in near-silence are not onsets.
constexpr double kFluxFloorDb = -80;
// Power above this is "high frequency" (cymbals, fricatives, noise).
constexpr double kHighFrequencyHz = 4000;
constexpr double kRolloffFraction = 0.85;
// The strongest peak in this band stands for the frame's pitch (glide measure).
constexpr double kPitchLowHz = 80;
constexpr double kPitchHighHz = 1000;

double HzToMel(double hz) { return 2595 * std::log10(1 + hz / 700); }
double MelToHz(double mel) { return 700 * (std::pow(10.0, mel / 2595) - 1); }

// Triangular filters, HTK style (peak 1), on FFT bins; each band keeps its first bin and weights.
struct MelBand {
  int first_bin = 0;
  std::vector<float> weights;
  double weight_sum = 0;  // for per-Hz density (flatness)
  double centre_hz = 0;
};

std::vector<MelBand> MelFilterbank(int fft_size, int sample_rate) {
  const double top = std::min(kMelMaxHz, sample_rate / 2.0);
  const double mel_top = HzToMel(top);
  std::vector<double> edges(kMelBands + 2);
  for (int i = 0; i < kMelBands + 2; ++i)
    edges[static_cast<size_t>(i)] = MelToHz(mel_top * i / (kMelBands + 1));
  const double bin_hz = static_cast<double>(sample_rate) / fft_size;
  std::vector<MelBand> bands(kMelBands);
  for (int b = 0; b < kMelBands; ++b) {
    const double lo = edges[static_cast<size_t>(b)], mid = edges[static_cast<size_t>(b) + 1],
                 hi = edges[static_cast<size_t>(b) + 2];
    MelBand& band = bands[static_cast<size_t>(b)];
    band.centre_hz = mid;
    band.first_bin = static_cast<int>(std::ceil(lo / bin_hz));
    for (int k = band.first_bin; k * bin_hz < hi && k <= fft_size / 2; ++k) {
      const double f = k * bin_hz;
      const double w = f <= mid ? (f - lo) / (mid - lo) : (hi - f) / (hi - mid);
      band.weights.push_back(static_cast<float>(std::max(0.0, w)));
      band.weight_sum += std::max(0.0, w);
    }
    // Low bands narrower than a bin still get the nearest bin, so none is empty.
    if (band.weight_sum <= 0) {
      band.first_bin = static_cast<int>(std::lround(mid / bin_hz));
      band.weights.assign(1, 1.0f);
      band.weight_sum = 1;
    }
  }
  return bands;
}

}  // namespace

SpectralFrames ComputeSpectralFrames(const AnalysisSignal& signal) {
  SpectralFrames out;
  const int n = SpectralFftSize(signal.sample_rate);
  const int hop = n / 4;
  out.fft_size = n;
  out.hop = hop;
  out.frame_rate = static_cast<double>(signal.sample_rate) / hop;
  const int64_t length = static_cast<int64_t>(signal.samples.size());
  if (length < n) return out;
  const int64_t frames = 1 + (length - n) / hop;

  const std::vector<float> window = HannWindow(n);
  double window_sum = 0;
  for (float w : window) window_sum += w;
  // Scales |X| so that a full-scale sine reads 1 (0 dBFS) in its bin.
  const double mag_scale = 2.0 / window_sum;
  const std::vector<MelBand> bands = MelFilterbank(n, signal.sample_rate);
  const int bins = n / 2 + 1;
  const double bin_hz = static_cast<double>(signal.sample_rate) / n;
  const int hf_bin = static_cast<int>(std::ceil(kHighFrequencyHz / bin_hz));
  const int pitch_lo = static_cast<int>(std::ceil(kPitchLowHz / bin_hz));
  const int pitch_hi = std::min(bins - 2, static_cast<int>(kPitchHighHz / bin_hz));
  int low_bands = 0;
  while (low_bands < kMelBands && bands[static_cast<size_t>(low_bands)].centre_hz < kLowBandHz)
    ++low_bands;

  // DCT-II (orthonormal) basis for the MFCCs.
  std::array<std::array<double, kMelBands>, kMfccCount> dct{};
  for (int j = 0; j < kMfccCount; ++j) {
    const double norm = std::sqrt((j == 0 ? 1.0 : 2.0) / kMelBands);
    for (int b = 0; b < kMelBands; ++b) {
      dct[static_cast<size_t>(j)][static_cast<size_t>(b)] =
          norm * std::cos(std::numbers::pi * j * (b + 0.5) / kMelBands);
    }
  }

  for (auto* series : {&out.flux, &out.low_flux, &out.rms_db, &out.centroid_hz, &out.rolloff_hz,
                       &out.flatness, &out.hf_ratio, &out.peak_pitch}) {
    series->reserve(static_cast<size_t>(frames));
  }
  RealFft fft(n);
  std::vector<double> power(static_cast<size_t>(bins));
  std::vector<double> magnitude(static_cast<size_t>(bins));
  std::array<double, kMelBands> mel_db{}, prev_mel_db{};
  prev_mel_db.fill(kFluxFloorDb);
  for (int64_t f = 0; f < frames; ++f) {
    const float* src = signal.samples.data() + f * hop;
    float* in = fft.input();
    double sum_sq = 0;
    for (int i = 0; i < n; ++i) {
      sum_sq += static_cast<double>(src[i]) * src[i];
      in[i] = src[i] * window[static_cast<size_t>(i)];
    }
    fft.Execute();
    const std::complex<float>* spec = fft.output();
    double total_power = 0, hf_power = 0, weighted_hz = 0, mag_sum = 0;
    for (int k = 0; k < bins; ++k) {
      const double re = spec[k].real(), im = spec[k].imag();
      const double m = std::sqrt(re * re + im * im) * mag_scale;
      magnitude[static_cast<size_t>(k)] = m;
      power[static_cast<size_t>(k)] = m * m;
      if (k == 0) continue;  // DC says nothing about timbre
      total_power += m * m;
      if (k >= hf_bin) hf_power += m * m;
      weighted_hz += m * k * bin_hz;
      mag_sum += m;
    }

    // Mel energies: flux, flatness and MFCC all start here.
    double flux = 0, low_flux = 0, log_density_sum = 0, density_sum = 0;
    std::array<double, kMelBands> mel_ln{};
    for (int b = 0; b < kMelBands; ++b) {
      const MelBand& band = bands[static_cast<size_t>(b)];
      double e = 0;
      for (size_t i = 0; i < band.weights.size(); ++i) {
        const size_t k = static_cast<size_t>(band.first_bin) + i;
        if (k < power.size()) e += band.weights[i] * power[k];
      }
      mel_ln[static_cast<size_t>(b)] = std::log(e + 1e-10);
      const double db = std::max(kFluxFloorDb, 10 * std::log10(e + 1e-12));
      mel_db[static_cast<size_t>(b)] = db;
      const double rise = std::max(0.0, db - prev_mel_db[static_cast<size_t>(b)]);
      flux += rise;
      if (b < low_bands) low_flux += rise;
      const double density = e / band.weight_sum + 1e-12;
      log_density_sum += std::log(density);
      density_sum += density;
    }
    prev_mel_db = mel_db;
    out.flux.push_back(f == 0 ? 0 : flux / kMelBands);
    out.low_flux.push_back(f == 0 || low_bands == 0 ? 0 : low_flux / low_bands);
    out.flatness.push_back(std::exp(log_density_sum / kMelBands) / (density_sum / kMelBands));
    for (int j = 0; j < kMfccCount; ++j) {
      double c = 0;
      for (int b = 0; b < kMelBands; ++b) {
        c += dct[static_cast<size_t>(j)][static_cast<size_t>(b)] * mel_ln[static_cast<size_t>(b)];
      }
      out.mfcc_sum[static_cast<size_t>(j)] += c;
    }

    out.rms_db.push_back(std::max(-120.0, 10 * std::log10(sum_sq / n + 1e-13)));
    out.centroid_hz.push_back(mag_sum > 0 ? weighted_hz / mag_sum : 0);
    out.hf_ratio.push_back(total_power > 0 ? hf_power / total_power : 0);
    double rolloff = 0;
    if (mag_sum > 0) {
      double acc = 0;
      for (int k = 1; k < bins; ++k) {
        acc += magnitude[static_cast<size_t>(k)];
        if (acc >= kRolloffFraction * mag_sum) {
          rolloff = k * bin_hz;
          break;
        }
      }
    }
    out.rolloff_hz.push_back(rolloff);

    // The strongest local peak in 80-1000 Hz, refined by a parabola through the log magnitudes.
    int best = -1;
    for (int k = std::max(pitch_lo, 1); k <= pitch_hi; ++k) {
      const double m = magnitude[static_cast<size_t>(k)];
      if (m > magnitude[static_cast<size_t>(k) - 1] && m >= magnitude[static_cast<size_t>(k) + 1] &&
          (best < 0 || m > magnitude[static_cast<size_t>(best)])) {
        best = k;
      }
    }
    double pitch = -1;
    if (best > 0 && magnitude[static_cast<size_t>(best)] > 1e-4) {
      const double a = std::log(magnitude[static_cast<size_t>(best) - 1] + 1e-12);
      const double b = std::log(magnitude[static_cast<size_t>(best)] + 1e-12);
      const double c = std::log(magnitude[static_cast<size_t>(best) + 1] + 1e-12);
      const double denom = a - 2 * b + c;
      const double offset = denom < 0 ? std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) : 0.0;
      pitch = 69 + 12 * std::log2((best + offset) * bin_hz / 440);
    }
    out.peak_pitch.push_back(pitch);
  }
  return out;
}

}  // namespace sonora::media::internal
