#include "media/features/rhythm.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <numbers>

namespace sonora::media::internal {
namespace {

// Log-normal tempo prior (Moelants & McKinney 2004: preferred tempo near 120 BPM), one octave wide.
constexpr double kPriorCentreBpm = 120;
constexpr double kPriorOctaves = 1.0;
// The comb sums the autocorrelation at this many multiples of the beat period.
constexpr int kCombPeriods = 4;
constexpr double kCoarseStepBpm = 0.5;
// A half or double candidate within this fraction of the winner makes the tempo ambiguous.
constexpr double kAmbiguityRatio = 0.9;
// The Fourier refinement searches this fraction either side of the comb's winner.
constexpr double kRefineSpan = 0.03;
constexpr int kRefineHarmonics = 4;
// Onsets are compared with the mean of this window around them (seconds).
constexpr double kDetrendWindowS = 1.0;
// Meter needs this many beats to say anything.
constexpr size_t kMinBeatsForMeter = 16;
// Without a clear beat (the winning tempo under twice the average score: noise, speech) there
// is no bar either.
constexpr double kMinPeakRatioForMeter = 2;
// 3/4 must beat 4/4 by this much (sum of three correlations) to be reported.
constexpr double kTripleMargin = 0.3;

double Prior(double bpm) {
  const double octaves = std::log2(bpm / kPriorCentreBpm) / kPriorOctaves;
  return std::exp(-0.5 * octaves * octaves);
}

// Linear interpolation into `v` at fractional index `x`; 0 outside.
double At(const std::vector<double>& v, double x) {
  if (x < 0) return 0;
  const size_t i = static_cast<size_t>(x);
  if (i + 1 >= v.size()) return i < v.size() ? v[i] : 0;
  const double frac = x - static_cast<double>(i);
  return v[i] * (1 - frac) + v[i + 1] * frac;
}

// The onset envelope made ready for periodicity analysis: smoothed over ~3 frames so that
// autocorrelation peaks are wider than the tempo grid, minus its local mean, half-wave rectified.
std::vector<double> Detrend(const std::vector<double>& onset, double frame_rate) {
  const size_t n = onset.size();
  std::vector<double> smooth(n, 0.0);
  constexpr std::array<double, 5> kKernel = {0.06, 0.24, 0.4, 0.24, 0.06};
  for (size_t i = 0; i < n; ++i) {
    for (int k = -2; k <= 2; ++k) {
      const int64_t j = static_cast<int64_t>(i) + k;
      if (j >= 0 && j < static_cast<int64_t>(n))
        smooth[i] += kKernel[static_cast<size_t>(k + 2)] * onset[static_cast<size_t>(j)];
    }
  }
  std::vector<double> prefix(n + 1, 0.0);
  for (size_t i = 0; i < n; ++i) prefix[i + 1] = prefix[i] + smooth[i];
  const int64_t half = std::max<int64_t>(1, std::llround(kDetrendWindowS * frame_rate / 2));
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t lo = std::max<int64_t>(0, static_cast<int64_t>(i) - half);
    const int64_t hi =
        std::min<int64_t>(static_cast<int64_t>(n), static_cast<int64_t>(i) + half + 1);
    const double mean = (prefix[static_cast<size_t>(hi)] - prefix[static_cast<size_t>(lo)]) /
                        static_cast<double>(hi - lo);
    out[i] = std::max(0.0, smooth[i] - mean);
  }
  return out;
}

// Strength of the periodicity at `bpm` and its first harmonics, from the onset envelope's
// Fourier transform at exactly those frequencies (Peeters 2007's Fourier tempogram, summed over
// the whole track): finer than the autocorrelation's whole-frame lags.
double FourierSalience(const std::vector<double>& e, double frame_rate, double bpm) {
  double total = 0;
  for (int h = 1; h <= kRefineHarmonics; ++h) {
    const double w = 2 * std::numbers::pi * h * bpm / 60 / frame_rate;
    const std::complex<double> step(std::cos(w), -std::sin(w));
    std::complex<double> z(1, 0), acc(0, 0);
    for (size_t i = 0; i < e.size(); ++i) {
      acc += e[i] * z;
      z *= step;
      if ((i & 1023) == 1023) z /= std::abs(z);  // keep the phasor on the unit circle
    }
    total += std::abs(acc);
  }
  return total;
}

}  // namespace

TempoEstimate EstimateTempo(const SpectralFrames& spectral) {
  TempoEstimate est;
  const double fr = spectral.frame_rate;
  const std::vector<double> e = Detrend(spectral.flux, fr);
  const size_t n = e.size();
  const size_t max_lag = std::min<size_t>(
      n > 0 ? n - 1 : 0, static_cast<size_t>(std::ceil(60 * fr / kMinBpm * kCombPeriods)) + 2);
  if (n < 8 || max_lag < 8) return est;

  // 1. Autocorrelation (unbiased), normalized by lag 0.
  std::vector<double> r(max_lag + 1, 0.0);
  for (size_t lag = 0; lag <= max_lag; ++lag) {
    double s = 0;
    for (size_t i = 0; i + lag < n; ++i) s += e[i] * e[i + lag];
    r[lag] = s / static_cast<double>(n - lag);
  }
  if (r[0] <= 0) return est;
  for (size_t lag = 1; lag <= max_lag; ++lag) r[lag] /= r[0];
  r[0] = 1;

  // 2. Comb over multiples of each candidate period, weighted by the prior.
  struct Candidate {
    double bpm, comb, score;
  };
  std::vector<Candidate> grid;
  const int grid_size = static_cast<int>(std::lround((kMaxBpm - kMinBpm) / kCoarseStepBpm)) + 1;
  for (int g = 0; g < grid_size; ++g) {
    const double bpm = kMinBpm + g * kCoarseStepBpm;
    const double period = 60 * fr / bpm;
    double comb = 0;
    int used = 0;
    for (int k = 1; k <= kCombPeriods && k * period < static_cast<double>(max_lag); ++k) {
      comb += At(r, k * period);
      ++used;
    }
    comb = used ? std::max(0.0, comb / used) : 0;
    grid.push_back({bpm, comb, comb * Prior(bpm)});
  }
  const auto best =
      std::max_element(grid.begin(), grid.end(),
                       [](const Candidate& a, const Candidate& b) { return a.score < b.score; });
  if (best->score <= 0) return est;
  double mean_score = 0;
  for (const Candidate& c : grid) mean_score += c.score / static_cast<double>(grid.size());
  est.pulse_clarity = Clamp01(best->comb);
  est.peak_ratio = mean_score > 0 ? best->score / mean_score : 0;

  // 3. Octave check: the best candidate near half and near double the winner.
  auto best_near = [&](double bpm) {
    double s = 0;
    for (const Candidate& c : grid) {
      if (std::abs(c.bpm / bpm - 1) <= 0.03) s = std::max(s, c.score);
    }
    return s;
  };
  est.octave_ambiguous =
      std::max(best_near(best->bpm / 2), best_near(best->bpm * 2)) >= kAmbiguityRatio * best->score;

  // 4. Refine: coarse-to-fine search of the Fourier salience around the winner.
  struct Pass {
    double step, span;
  };
  double centre = best->bpm;
  for (const Pass pass : {Pass{0.1, kRefineSpan * best->bpm}, Pass{0.01, 0.1}}) {
    const int steps = static_cast<int>(std::lround(pass.span / pass.step));
    double top = -1, arg = centre;
    for (int i = -steps; i <= steps; ++i) {
      const double bpm = centre + i * pass.step;
      const double s = FourierSalience(e, fr, bpm);
      if (s > top) {
        top = s;
        arg = bpm;
      }
    }
    centre = arg;
  }
  est.bpm = std::clamp(centre, kMinBpm, kMaxBpm);

  // 5. Beat grid: the phase whose comb of beats collects the most onset strength.
  const double period = 60 * fr / est.bpm;
  double best_phase = 0, best_sum = -1;
  for (double phase = 0; phase < period; phase += 0.25) {
    double s = 0;
    for (double x = phase; x < static_cast<double>(n); x += period) s += At(e, x);
    if (s > best_sum) {
      best_sum = s;
      best_phase = phase;
    }
  }
  for (double x = best_phase; x < static_cast<double>(n); x += period) est.beats.push_back(x);
  return est;
}

int EstimateTimeSignature(const TempoEstimate& tempo, const SpectralFrames& spectral,
                          const ChromaFrames& chroma) {
  if (tempo.beats.size() < kMinBeatsForMeter || tempo.peak_ratio < kMinPeakRatioForMeter) return 4;
  const double period = 60 * spectral.frame_rate / tempo.bpm;
  const double spectral_offset_s = 0.5 * spectral.fft_size / (spectral.frame_rate * spectral.hop);
  auto beat_seconds = [&](double frame) { return frame / spectral.frame_rate + spectral_offset_s; };

  // Per beat: the strongest onset near it (all bands and the kick/bass bands), and how much the
  // harmony changed from the previous beat.
  std::vector<double> accent, low_accent, harmony_change;
  Chroma previous{};
  bool have_previous = false;
  for (size_t k = 0; k + 1 < tempo.beats.size(); ++k) {
    const double b = tempo.beats[k];
    const int64_t lo = std::max<int64_t>(0, std::llround(b - period / 4));
    const int64_t hi = std::min<int64_t>(static_cast<int64_t>(spectral.flux.size()) - 1,
                                         std::llround(b + period / 4));
    double a = 0, low = 0;
    for (int64_t i = lo; i <= hi; ++i) {
      a = std::max(a, spectral.flux[static_cast<size_t>(i)]);
      low = std::max(low, spectral.low_flux[static_cast<size_t>(i)]);
    }
    Chroma c{};
    const double t0 = beat_seconds(b), t1 = beat_seconds(tempo.beats[k + 1]);
    for (size_t f = 0; f < chroma.frames.size(); ++f) {
      const double t = chroma.first_centre_s + static_cast<double>(f) / chroma.frame_rate;
      if (t < t0 || t >= t1) continue;
      for (size_t i = 0; i < 12; ++i) c[i] += chroma.frames[f][i];
    }
    double change = 0;
    if (have_previous) {
      double dot = 0, na = 0, nb = 0;
      for (size_t i = 0; i < 12; ++i) {
        dot += c[i] * previous[i];
        na += c[i] * c[i];
        nb += previous[i] * previous[i];
      }
      change = na > 0 && nb > 0 ? 1 - dot / std::sqrt(na * nb) : 0;
    }
    previous = c;
    have_previous = true;
    accent.push_back(a);
    low_accent.push_back(low);
    harmony_change.push_back(change);
  }
  auto score = [&](size_t lag) {
    return LagCorrelation(accent, lag) + LagCorrelation(low_accent, lag) +
           LagCorrelation(harmony_change, lag);
  };
  return score(3) > score(4) + kTripleMargin ? 3 : 4;
}

}  // namespace sonora::media::internal
