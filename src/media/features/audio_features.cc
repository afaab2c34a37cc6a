#include "media/features/audio_features.h"

#include <algorithm>
#include <cmath>

#include "media/features/analysis_signal.h"
#include "media/features/rhythm.h"
#include "media/features/spectral.h"
#include "media/features/tonal.h"
#include "media/internal/fftw_fft.h"

namespace sonora::media {
namespace {

using internal::Clamp01;

// Shorter input has too few beats and chords to say anything (the header's contract).
constexpr int64_t kMinDurationMs = 3000;
// Frames quieter than this (dBFS), or than 50 dB under the loud frames, are silence: they do not
// count towards the timbre means.
constexpr double kSilenceDb = -60;
constexpr double kSilenceBelowLoudDb = 50;
// A pause (speech) is a frame 30 dB or more under the loud frames.
constexpr double kPauseBelowLoudDb = 30;
// The syllable-rate band of the loudness envelope (Houtgast & Steeneken's speech modulation range
// peaks at ~4 Hz).
constexpr double kSyllableLowHz = 2;
constexpr double kSyllableHighHz = 8;
// A frame whose power above 4 kHz is over this share is unvoiced (fricative, cymbal, noise).
constexpr double kUnvoicedHfRatio = 0.4;
// Pitch steps between consecutive frames (semitones) that count as a glide: more than the
// jitter of a held note, less than a change of note.
constexpr double kGlideMinSemitones = 0.1;
constexpr double kGlideMaxSemitones = 0.9;
// Consecutive frames whose levels differ by more than this are an attack or a decay.
constexpr double kSustainedStepDb = 3;

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

// Root-mean-square level (dB) of the loudness envelope's fluctuation between `lo_hz` and `hi_hz`.
double ModulationDepthDb(const std::vector<double>& envelope_db, double frame_rate, double lo_hz,
                         double hi_hz) {
  const size_t m = envelope_db.size();
  if (m < 16) return 0;
  int n = 16;
  while (static_cast<size_t>(n) < m) n *= 2;
  internal::RealFft fft(n);
  const double mean = Mean(envelope_db);
  float* in = fft.input();
  for (int i = 0; i < n; ++i) {
    in[i] = static_cast<size_t>(i) < m
                ? static_cast<float>(envelope_db[static_cast<size_t>(i)] - mean)
                : 0.0f;
  }
  fft.Execute();
  double band = 0;
  for (int k = 1; k < fft.bins() - 1; ++k) {
    const double hz = k * frame_rate / n;
    if (hz < lo_hz || hz > hi_hz) continue;
    band += std::norm(fft.output()[k]);
  }
  // Parseval: the band's mean square over the m real samples.
  return std::sqrt(2 * band / (static_cast<double>(n) * static_cast<double>(m)));
}

// Smooth plateau: 1 inside [lo, hi], Gaussian fall-off of width `sigma` outside.
double Plateau(double x, double lo, double hi, double sigma) {
  const double d = x < lo ? lo - x : (x > hi ? x - hi : 0);
  return std::exp(-0.5 * (d / sigma) * (d / sigma));
}

}  // namespace

Result<AudioFeatures> AnalyzeFeatures(const PcmBuffer& pcm) {
  if (pcm.sample_rate <= 0 || pcm.channels <= 0) {
    return Status::InvalidArgument("pcm", "sample rate and channel count must be positive");
  }
  if (pcm.duration_ms() < kMinDurationMs) {
    return Status::InvalidArgument("pcm", "at least 3 seconds of audio are needed");
  }
  const internal::AnalysisSignal signal = internal::ToAnalysisRate(pcm.Mono(), pcm.sample_rate);
  const internal::SpectralFrames spectral = internal::ComputeSpectralFrames(signal);
  const internal::ChromaFrames chroma = internal::ComputeChroma(signal);
  if (spectral.flux.empty()) {
    return Status::InvalidArgument("pcm", "too short for analysis at this sample rate");
  }

  AudioFeatures out;
  // 1. Rhythm.
  const internal::TempoEstimate tempo = internal::EstimateTempo(spectral);
  out.tempo_bpm = tempo.bpm;
  out.tempo_octave_ambiguous = tempo.octave_ambiguous;
  out.time_signature = internal::EstimateTimeSignature(tempo, spectral, chroma);

  // 2. Tonality.
  const internal::KeyEstimate key = internal::EstimateKey(chroma);
  out.key = key.key;
  out.mode = key.mode;
  out.key_confidence = key.confidence;
  for (size_t i = 0; i < 12; ++i) out.chroma[i] = key.profile[i];

  // 3. Timbre: means over the frames that are not silence.
  const size_t frames = spectral.flux.size();
  const double loud_db = internal::Quantile(spectral.rms_db, 0.95);
  const double silence_db = std::max(kSilenceDb, loud_db - kSilenceBelowLoudDb);
  std::vector<double> centroid, rolloff, flatness, hf_ratio;
  size_t pauses = 0, unvoiced = 0, active_frames = 0;
  for (size_t f = 0; f < frames; ++f) {
    if (spectral.rms_db[f] < loud_db - kPauseBelowLoudDb) ++pauses;
    if (spectral.rms_db[f] < silence_db) continue;
    ++active_frames;
    centroid.push_back(spectral.centroid_hz[f]);
    rolloff.push_back(spectral.rolloff_hz[f]);
    flatness.push_back(spectral.flatness[f]);
    hf_ratio.push_back(spectral.hf_ratio[f]);
    if (spectral.hf_ratio[f] > kUnvoicedHfRatio) ++unvoiced;
  }
  out.spectral_centroid_hz = Mean(centroid);
  out.spectral_rolloff_hz = Mean(rolloff);
  for (size_t j = 0; j < out.mfcc.size(); ++j) {
    out.mfcc[j] = spectral.mfcc_sum[j] / static_cast<double>(frames);
  }
  const double mean_flatness = Mean(flatness);
  const double mean_hf = Mean(hf_ratio);
  const double mean_flux = Mean(spectral.flux);
  const double onset_term = Clamp01(mean_flux / 1.5);

  // 4. Heuristic descriptors (docs/formats/audio-features.md explains each weight).
  double mean_square = 0;
  for (float s : signal.samples) mean_square += static_cast<double>(s) * s;
  mean_square /= static_cast<double>(std::max<size_t>(1, signal.samples.size()));
  const double rms_db = 10 * std::log10(mean_square + 1e-12);
  const double loud_term = Clamp01((rms_db + 30) / 20);
  const double noise_term = Clamp01(0.5 * mean_flatness / 0.35 + 0.5 * mean_hf / 0.15);
  out.energy = Clamp01(0.35 * loud_term + 0.4 * onset_term + 0.25 * noise_term);

  const double tempo_term = tempo.bpm > 0 ? Plateau(tempo.bpm, 100, 130, 30) : 0;
  const double pulse_term = Clamp01(tempo.pulse_clarity);
  const double regularity_term = Clamp01((tempo.peak_ratio - 1) / 8);
  // The tempo only makes music danceable when there is a pulse to dance to.
  out.danceability =
      Clamp01(0.5 * pulse_term + 0.25 * regularity_term + 0.25 * tempo_term * pulse_term);

  const double mode_term = out.mode < 0 ? 0.5
                                        : out.key_confidence * (out.mode == 1 ? 1.0 : 0.0) +
                                              (1 - out.key_confidence) * 0.5;
  const double pace_term = tempo.bpm > 0 ? Clamp01((tempo.bpm - 60) / 120) : 0.5;
  const double brightness_term = Clamp01((out.spectral_centroid_hz - 800) / 2500);
  out.valence = Clamp01(0.45 * mode_term + 0.3 * pace_term + 0.25 * brightness_term);

  const double percussive_term = Clamp01((mean_flux + Mean(spectral.low_flux)) / 3);
  out.acousticness = Clamp01(1 - (0.3 * Clamp01(mean_flatness / 0.35) +
                                  0.2 * Clamp01(mean_hf / 0.15) + 0.5 * percussive_term));

  // Speech: syllable-rate loudness modulation, pauses, voiced/unvoiced alternation, no steady beat.
  std::vector<double> envelope(spectral.rms_db);
  for (double& v : envelope) v = std::max(v, loud_db - kSilenceBelowLoudDb);
  const double modulation_db =
      ModulationDepthDb(envelope, spectral.frame_rate, kSyllableLowHz, kSyllableHighHz);
  const double modulation_term = Clamp01((modulation_db - 3) / 9);
  // Speech pauses take a tenth to a half of the time; more silence than that is not talk.
  const double pause_share = static_cast<double>(pauses) / static_cast<double>(frames);
  const double pause_term = Clamp01(pause_share / 0.15) * Clamp01((0.7 - pause_share) / 0.2);
  const double unvoiced_share =
      active_frames ? static_cast<double>(unvoiced) / static_cast<double>(active_frames) : 0;
  const double unvoiced_term =
      Clamp01(unvoiced_share / 0.08) * Clamp01((0.5 - unvoiced_share) / 0.2);
  const double beat_term = Clamp01((tempo.pulse_clarity - 0.3) / 0.5);
  out.speechiness = Clamp01((0.4 * modulation_term + 0.3 * pause_term + 0.3 * unvoiced_term) *
                            (1 - 0.8 * beat_term));

  // Voice: pitch that glides (speech intonation, vibrato) rather than holding notes.
  size_t voiced_pairs = 0, glides = 0;
  for (size_t f = 1; f < frames; ++f) {
    const double a = spectral.peak_pitch[f - 1], b = spectral.peak_pitch[f];
    // Only sustained sound: a decaying click or a note's release is not a voice.
    if (a < 0 || b < 0 || spectral.rms_db[f] < loud_db - kPauseBelowLoudDb ||
        std::abs(spectral.rms_db[f] - spectral.rms_db[f - 1]) > kSustainedStepDb) {
      continue;
    }
    ++voiced_pairs;
    const double step = std::abs(b - a);
    if (step > kGlideMinSemitones && step < kGlideMaxSemitones) ++glides;
  }
  const double glide_share =
      voiced_pairs ? static_cast<double>(glides) / static_cast<double>(voiced_pairs) : 0;
  // Noise has no pitch to glide: the glide vote is discounted by spectral flatness.
  const double glide_term = Clamp01((glide_share - 0.1) / 0.25) * Clamp01(1 - mean_flatness / 0.3);
  const double vocal = std::max(out.speechiness, glide_term);
  out.instrumentalness = Clamp01(1 - vocal);

  // Liveness: a noisy floor under the music (audience) and slow decays (room reverberation).
  std::vector<double> quiet_flatness;
  const double quiet_db = internal::Quantile(spectral.rms_db, 0.1);
  for (size_t f = 0; f < frames; ++f) {
    if (spectral.rms_db[f] <= quiet_db && spectral.rms_db[f] >= silence_db) {
      quiet_flatness.push_back(spectral.flatness[f]);
    }
  }
  const double floor_gap_db = internal::Quantile(spectral.rms_db, 0.5) - quiet_db;
  const double floor_term =
      Clamp01(Mean(quiet_flatness) / 0.5) * Clamp01(1 - (floor_gap_db - 6) / 24);
  // Decay: after each strong onset, how far the level falls in the next ~150 ms.
  const double flux_threshold = internal::Quantile(spectral.flux, 0.9);
  const size_t decay_frames =
      std::max<size_t>(3, static_cast<size_t>(std::lround(0.15 * spectral.frame_rate)));
  std::vector<double> drops;
  for (size_t f = 1; f + decay_frames < frames; ++f) {
    if (spectral.flux[f] < flux_threshold || spectral.flux[f] <= spectral.flux[f - 1] ||
        spectral.flux[f] < spectral.flux[f + 1] || spectral.rms_db[f] < silence_db) {
      continue;
    }
    double peak = spectral.rms_db[f];
    for (size_t i = f; i <= f + 2; ++i) peak = std::max(peak, spectral.rms_db[i]);
    drops.push_back(peak - spectral.rms_db[f + decay_frames]);
  }
  const double decay_term = drops.empty() ? 0 : Clamp01(1 - internal::Quantile(drops, 0.5) / 12);
  out.liveness = Clamp01(0.6 * floor_term + 0.25 * decay_term);
  return out;
}

}  // namespace sonora::media
