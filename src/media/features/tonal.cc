#include "media/features/tonal.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "media/internal/fftw_fft.h"

namespace sonora::media::internal {
namespace {

// Peaks outside this band are ignored: below it bins are too wide for semitones, above it
// partials of low notes crowd the pitch classes of their own harmonics.
constexpr double kChromaLowHz = 60;
constexpr double kChromaHighHz = 2000;
constexpr double kTuningA4Hz = 440;
// A peak counts when it is within 40 dB of the frame's strongest and above -80 dBFS.
constexpr double kPeakRelativeFloor = 0.01;
constexpr double kPeakAbsoluteFloor = 1e-4;

// Krumhansl & Kessler (1982) probe-tone ratings, tonic first.
constexpr Chroma kMajorProfile = {6.35, 2.23, 3.48, 2.33, 4.38, 4.09,
                                  2.52, 5.19, 2.39, 3.66, 2.29, 2.88};
constexpr Chroma kMinorProfile = {6.33, 2.68, 3.52, 5.38, 2.60, 3.53,
                                  2.54, 4.75, 3.98, 2.69, 3.34, 3.17};

// A loop of diatonic chords has the same pitch-class totals whichever chord it starts on (C-G-Am-F
// and Am-F-C-G), so the totals cannot tell a major key from its relative minor. Music states its
// tonic at the start and (less reliably: loops fade out anywhere) at the end, so when the two
// relative keys score within kRelativeMargin (in synthesized loops the relative major leads by up
// to ~0.2, since i-VI-III-VII holds its III's root in three chords of four), the one whose tonic
// triad sounds more in the opening and closing windows (exponential weights, time constant below)
// wins.
constexpr double kBoundaryTimeConstantS = 2.0;
constexpr double kOpeningWeight = 1.0;
constexpr double kClosingWeight = 0.5;
constexpr double kRelativeMargin = 0.25;
// A profile whose strongest pitch class is within 10% of the mean has no tonal centre (noise),
// nor has one whose best profile correlation is under this.
constexpr double kMinPeakToMean = 1.1;
constexpr double kMinKeyCorrelation = 0.4;

double Correlation(const Chroma& x, const Chroma& profile, int shift) {
  double mx = 0, mp = 0;
  for (int i = 0; i < 12; ++i) {
    mx += x[static_cast<size_t>(i)];
    mp += profile[static_cast<size_t>(i)];
  }
  mx /= 12;
  mp /= 12;
  double sxy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < 12; ++i) {
    const double a = x[static_cast<size_t>((i + shift) % 12)] - mx;
    const double b = profile[static_cast<size_t>(i)] - mp;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0;
}

}  // namespace

ChromaFrames ComputeChroma(const AnalysisSignal& signal) {
  ChromaFrames out;
  const int n = 2 * SpectralFftSize(signal.sample_rate);
  const int hop = n / 2;
  out.frame_rate = static_cast<double>(signal.sample_rate) / hop;
  out.first_centre_s = 0.5 * n / signal.sample_rate;
  const int64_t length = static_cast<int64_t>(signal.samples.size());
  if (length < n) return out;
  const int64_t frames = 1 + (length - n) / hop;
  out.frames.reserve(static_cast<size_t>(frames));

  const std::vector<float> window = HannWindow(n);
  double window_sum = 0;
  for (float w : window) window_sum += w;
  const double mag_scale = 2.0 / window_sum;
  const double bin_hz = static_cast<double>(signal.sample_rate) / n;
  const int lo = std::max(1, static_cast<int>(std::ceil(kChromaLowHz / bin_hz)));
  const int hi = std::min(n / 2 - 1, static_cast<int>(kChromaHighHz / bin_hz));
  RealFft fft(n);
  std::vector<double> mag(static_cast<size_t>(hi + 2));
  for (int64_t f = 0; f < frames; ++f) {
    const float* src = signal.samples.data() + f * hop;
    float* in = fft.input();
    for (int i = 0; i < n; ++i) in[i] = src[i] * window[static_cast<size_t>(i)];
    fft.Execute();
    const std::complex<float>* spec = fft.output();
    double frame_max = 0;
    for (int k = lo - 1; k <= hi + 1; ++k) {
      const double re = spec[k].real(), im = spec[k].imag();
      mag[static_cast<size_t>(k)] = std::sqrt(re * re + im * im) * mag_scale;
      if (k >= lo && k <= hi) frame_max = std::max(frame_max, mag[static_cast<size_t>(k)]);
    }
    Chroma chroma{};
    const double floor = std::max(kPeakAbsoluteFloor, kPeakRelativeFloor * frame_max);
    for (int k = lo; k <= hi; ++k) {
      const double m = mag[static_cast<size_t>(k)];
      if (m < floor || m <= mag[static_cast<size_t>(k) - 1] ||
          m < mag[static_cast<size_t>(k) + 1]) {
        continue;
      }
      // The peak's frequency from a parabola through the log magnitudes around it.
      const double a = std::log(mag[static_cast<size_t>(k) - 1] + 1e-12);
      const double b = std::log(m);
      const double c = std::log(mag[static_cast<size_t>(k) + 1] + 1e-12);
      const double denom = a - 2 * b + c;
      const double offset = denom < 0 ? std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) : 0.0;
      const double hz = (k + offset) * bin_hz;
      const double midi = 69 + 12 * std::log2(hz / kTuningA4Hz);
      const int pitch_class = ((static_cast<int>(std::lround(midi)) % 12) + 12) % 12;
      chroma[static_cast<size_t>(pitch_class)] += m;
    }
    out.frames.push_back(chroma);
  }
  return out;
}

KeyEstimate EstimateKey(const ChromaFrames& chroma) {
  KeyEstimate est;
  if (chroma.frames.empty()) return est;
  Chroma total{}, opening{}, closing{};
  const size_t count = chroma.frames.size();
  // The opening and closing are timed from the first and last frame with pitched content, so
  // silence or a count-in before the music does not use up the window.
  size_t first = count, last = 0;
  for (size_t f = 0; f < count; ++f) {
    double s = 0;
    for (double v : chroma.frames[f]) s += v;
    if (s > 0) {
      first = std::min(first, f);
      last = f;
    }
  }
  if (first == count) return est;
  for (size_t f = first; f <= last; ++f) {
    const double from_start = static_cast<double>(f - first) / chroma.frame_rate;
    const double to_end = static_cast<double>(last - f) / chroma.frame_rate;
    const double w_open = std::exp(-from_start / kBoundaryTimeConstantS);
    const double w_close = std::exp(-to_end / kBoundaryTimeConstantS);
    for (size_t i = 0; i < 12; ++i) {
      total[i] += chroma.frames[f][i];
      opening[i] += w_open * chroma.frames[f][i];
      closing[i] += w_close * chroma.frames[f][i];
    }
  }
  const double peak = *std::max_element(total.begin(), total.end());
  double mean = 0;
  for (double v : total) mean += v / 12;
  for (size_t i = 0; i < 12; ++i) est.profile[i] = total[i] / peak;
  if (peak <= 0 || peak < kMinPeakToMean * mean) return est;

  // Correlate with all 24 rotated profiles; index = mode * 12 + key (mode 1 major, 0 minor).
  std::array<double, 24> score{};
  int best = 0;
  for (int mode = 0; mode <= 1; ++mode) {
    for (int key = 0; key < 12; ++key) {
      const int i = mode * 12 + key;
      score[static_cast<size_t>(i)] =
          Correlation(total, mode == 1 ? kMajorProfile : kMinorProfile, key);
      if (score[static_cast<size_t>(i)] > score[static_cast<size_t>(best)]) best = i;
    }
  }
  if (score[static_cast<size_t>(best)] < kMinKeyCorrelation) return est;
  est.mode = best / 12;
  est.key = best % 12;
  // The relative key: a minor third down from a major tonic, up from a minor one.
  const int relative_mode = 1 - est.mode;
  const int relative_key = est.mode == 1 ? (est.key + 9) % 12 : (est.key + 3) % 12;
  const double relative_score = score[static_cast<size_t>(relative_mode * 12 + relative_key)];
  if (score[static_cast<size_t>(best)] - relative_score < kRelativeMargin) {
    auto triad = [&](int key, int mode) {
      const int third = mode == 1 ? 4 : 3;
      double s = 0;
      for (int step : {0, third, 7}) {
        const size_t pc = static_cast<size_t>((key + step) % 12);
        s += kOpeningWeight * opening[pc] + kClosingWeight * closing[pc];
      }
      return s;
    };
    if (triad(relative_key, relative_mode) > triad(est.key, est.mode)) {
      est.key = relative_key;
      est.mode = relative_mode;
    }
  }
  const double best_score = score[static_cast<size_t>(est.mode * 12 + est.key)];
  est.confidence = Clamp01(best_score);
  return est;
}

}  // namespace sonora::media::internal
