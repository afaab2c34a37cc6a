#include "media/synth/synth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <random>

namespace sonora::media::synth {
namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;
// Songs and chord progressions are peak-normalized to -1 dBFS, speech to -3 dBFS.
constexpr double kMusicPeakDbfs = -1.0;
constexpr double kSpeechPeakDbfs = -3.0;

// Scale steps from the tonic, and the diatonic progressions the header promises: I-V-vi-IV in
// major and i-VI-III-VII in (natural) minor, as scale-degree indices.
constexpr std::array<int, 7> kMajorScale = {0, 2, 4, 5, 7, 9, 11};
constexpr std::array<int, 7> kMinorScale = {0, 2, 3, 5, 7, 8, 10};
constexpr std::array<int, 4> kMajorProgression = {0, 4, 5, 3};
constexpr std::array<int, 4> kMinorProgression = {0, 5, 2, 6};

// Uniform numbers straight from the engine's bits (not std::uniform_real_distribution, whose
// algorithm differs between standard libraries) so a seed means the same audio everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }  // [0, 1)
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  double Signed() { return 2 * Uniform() - 1; }  // [-1, 1)
  bool Chance(double p) { return Uniform() < p; }

 private:
  std::mt19937_64 engine_;
};

double MidiToHz(double midi) { return 440.0 * std::pow(2.0, (midi - 69) / 12); }

int64_t FramesFor(double seconds, int sample_rate) {
  return std::max<int64_t>(0, std::llround(seconds * sample_rate));
}

// Attack-decay-sustain-release, in seconds; the note is held for `hold` and then released.
struct Adsr {
  double attack = 0.01;
  double decay = 0.1;
  double sustain = 0.7;
  double release = 0.1;

  double At(double t, double hold) const {
    auto level = [&](double u) {
      if (u < attack) return u / attack;
      if (u < attack + decay) return 1 - (1 - sustain) * (u - attack) / decay;
      return sustain;
    };
    if (t < 0) return 0;
    if (t < hold) return level(t);
    const double r = 1 - (t - hold) / release;
    return r > 0 ? level(hold) * r : 0;
  }
};

// Adds a harmonic tone (partial k at amplitude 1/k^rolloff) to `out` (mono), starting at
// frame `start` and held for `hold` seconds under `env`. Partials above 0.45 fs are dropped.
// Oscillators are complex phasors rotated per sample: exact enough over a note, and no sin() per
// sample.
void AddTone(std::vector<double>& out, int sample_rate, int64_t start, double hold, double freq,
             double amp, int partials, double rolloff, const Adsr& env, double phase = 0) {
  const int64_t length = FramesFor(hold + env.release, sample_rate);
  const int64_t end = std::min<int64_t>(static_cast<int64_t>(out.size()), start + length);
  for (int k = 1; k <= partials; ++k) {
    const double f = freq * k;
    if (f > 0.45 * sample_rate) break;
    const double a = amp / std::pow(k, rolloff);
    const double w = kTwoPi * f / sample_rate;
    const double c = std::cos(w), s = std::sin(w);
    double x = std::cos(phase * k), y = std::sin(phase * k);
    for (int64_t i = std::max<int64_t>(start, 0); i < end; ++i) {
      const double t = static_cast<double>(i - start) / sample_rate;
      out[static_cast<size_t>(i)] += a * env.At(t, hold) * y;
      const double nx = x * c - y * s;
      y = x * s + y * c;
      x = nx;
    }
  }
}

// Scales `mono` so its peak is `peak_dbfs` and writes it to both channels.
PcmBuffer ToStereo(const std::vector<double>& left, const std::vector<double>& right,
                   int sample_rate, double peak_dbfs) {
  double peak = 0;
  for (double v : left) peak = std::max(peak, std::abs(v));
  for (double v : right) peak = std::max(peak, std::abs(v));
  const double gain = peak > 0 ? std::pow(10.0, peak_dbfs / 20) / peak : 0;
  PcmBuffer pcm;
  pcm.sample_rate = sample_rate;
  pcm.channels = 2;
  pcm.samples.resize(left.size() * 2);
  for (size_t i = 0; i < left.size(); ++i) {
    pcm.samples[2 * i] = static_cast<float>(left[i] * gain);
    pcm.samples[2 * i + 1] = static_cast<float>(right[i] * gain);
  }
  return pcm;
}

// The triad on scale degree `degree` of `key`: MIDI notes voiced around middle C (the tonic
// lies between F#3 and F4) so every key sits in the same register.
std::array<int, 3> Triad(int key, bool major, int degree) {
  const auto& scale = major ? kMajorScale : kMinorScale;
  const int tonic = 60 + key - (key >= 6 ? 12 : 0);
  std::array<int, 3> notes{};
  for (int i = 0; i < 3; ++i) {
    const int d = degree + 2 * i;
    notes[static_cast<size_t>(i)] = tonic + scale[static_cast<size_t>(d % 7)] + 12 * (d / 7);
  }
  return notes;
}

int NormalizedKey(int key) { return ((key % 12) + 12) % 12; }

// ---- drums: one-shots mixed at grid positions ----

void AddKick(std::vector<double>& out, int sample_rate, int64_t start, double amp) {
  const int64_t length = FramesFor(0.3, sample_rate);
  double phase = 0;
  for (int64_t i = 0; i < length && start + i < static_cast<int64_t>(out.size()); ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    const double f = 48 + 110 * std::exp(-t / 0.035);  // the pitch drop of a kick drum
    phase += kTwoPi * f / sample_rate;
    out[static_cast<size_t>(start + i)] += amp * std::exp(-t / 0.11) * std::sin(phase);
  }
}

void AddSnare(std::vector<double>& out, int sample_rate, int64_t start, double amp, Rng& rng) {
  const int64_t length = FramesFor(0.22, sample_rate);
  double prev = 0;
  for (int64_t i = 0; i < length && start + i < static_cast<int64_t>(out.size()); ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    const double white = rng.Signed();
    const double noise = white - 0.6 * prev;  // tilt the noise up: the snare wires
    prev = white;
    const double body = std::sin(kTwoPi * 185 * t) * std::exp(-t / 0.045);
    out[static_cast<size_t>(start + i)] += amp * (0.55 * noise * std::exp(-t / 0.065) + 0.5 * body);
  }
}

void AddHat(std::vector<double>& out, int sample_rate, int64_t start, double amp, Rng& rng) {
  const int64_t length = FramesFor(0.07, sample_rate);
  double p1 = 0, p2 = 0;
  for (int64_t i = 0; i < length && start + i < static_cast<int64_t>(out.size()); ++i) {
    const double t = static_cast<double>(i) / sample_rate;
    const double white = rng.Signed();
    const double hp = white - 2 * p1 + p2;  // second difference: energy above a few kHz
    p2 = p1;
    p1 = white;
    out[static_cast<size_t>(start + i)] += amp * 0.5 * hp * std::exp(-t / 0.02);
  }
}

// ---- loudness (ITU-R BS.1770-4 / EBU R128), used to calibrate PinkNoise ----

// A direct-form-I biquad.
struct Biquad {
  double b0, b1, b2, a1, a2;
  double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  double Step(double x) {
    const double y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
    return y;
  }
};

// The K-weighting pre-filter (high shelf, +4 dB above ~1.7 kHz) and RLB high-pass (~38 Hz),
// designed for any rate from the analog prototypes the way libebur128 does, so the two agree.
std::array<Biquad, 2> KWeighting(int sample_rate) {
  const double rate = sample_rate;
  double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
  double k = std::tan(std::numbers::pi * f0 / rate);
  const double vh = std::pow(10.0, gain_db / 20);
  const double vb = std::pow(vh, 0.4996667741545416);
  double a0 = 1 + k / q + k * k;
  const Biquad shelf{.b0 = (vh + vb * k / q + k * k) / a0,
                     .b1 = 2 * (k * k - vh) / a0,
                     .b2 = (vh - vb * k / q + k * k) / a0,
                     .a1 = 2 * (k * k - 1) / a0,
                     .a2 = (1 - k / q + k * k) / a0};
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = std::tan(std::numbers::pi * f0 / rate);
  a0 = 1 + k / q + k * k;
  const Biquad highpass{
      .b0 = 1, .b1 = -2, .b2 = 1, .a1 = 2 * (k * k - 1) / a0, .a2 = (1 - k / q + k * k) / a0};
  return {shelf, highpass};
}

// Integrated loudness in LUFS of `pcm` (channels weighted 1.0, i.e. L/R/C layouts): mean square
// of the K-weighted signal over 400 ms blocks with 75% overlap, gated at -70 LUFS absolute and
// then at 10 LU below the mean of the surviving blocks. -inf for silence.
double IntegratedLoudness(const PcmBuffer& pcm) {
  const int64_t frames = pcm.frames();
  const int64_t step = pcm.sample_rate / 10;  // 100 ms: the block hop
  if (frames < 4 * step || step == 0) return -HUGE_VAL;
  // Sum over channels of the K-weighted square, per 100 ms step.
  std::vector<double> step_energy(static_cast<size_t>(frames / step), 0.0);
  for (int c = 0; c < pcm.channels; ++c) {
    auto filters = KWeighting(pcm.sample_rate);
    for (int64_t i = 0; i < static_cast<int64_t>(step_energy.size()) * step; ++i) {
      const double x = pcm.samples[static_cast<size_t>(i * pcm.channels + c)];
      const double y = filters[1].Step(filters[0].Step(x));
      step_energy[static_cast<size_t>(i / step)] += y * y;
    }
  }
  auto loudness = [](double mean_square) { return -0.691 + 10 * std::log10(mean_square); };
  std::vector<double> blocks;
  for (size_t b = 0; b + 4 <= step_energy.size(); ++b) {
    const double sum =
        step_energy[b] + step_energy[b + 1] + step_energy[b + 2] + step_energy[b + 3];
    blocks.push_back(sum / static_cast<double>(4 * step));
  }
  auto gated_mean = [&](double threshold_lufs) {
    double sum = 0;
    int n = 0;
    for (double z : blocks) {
      if (z > 0 && loudness(z) > threshold_lufs) {
        sum += z;
        ++n;
      }
    }
    return n ? sum / n : 0.0;
  };
  const double ungated = gated_mean(-70);
  if (ungated <= 0) return -HUGE_VAL;
  const double gated = gated_mean(loudness(ungated) - 10);
  return gated > 0 ? loudness(gated) : -HUGE_VAL;
}

}  // namespace

PcmBuffer ClickTrack(double bpm, double seconds, int sample_rate) {
  std::vector<double> out(static_cast<size_t>(FramesFor(seconds, sample_rate)), 0.0);
  const Adsr click{.attack = 0.0005, .decay = 0.02, .sustain = 0.0, .release = 0.001};
  const double beat = 60.0 / bpm;
  for (int k = 0; k * beat < seconds; ++k) {
    const int64_t start = FramesFor(k * beat, sample_rate);
    AddTone(out, sample_rate, start, 0.025, 1000, 0.8, 3, 1.0, click);
  }
  // Clicks are written at a fixed level, not normalized, so they read like a metronome track.
  PcmBuffer pcm;
  pcm.sample_rate = sample_rate;
  pcm.channels = 2;
  pcm.samples.resize(out.size() * 2);
  for (size_t i = 0; i < out.size(); ++i) {
    pcm.samples[2 * i] = pcm.samples[2 * i + 1] = static_cast<float>(std::clamp(out[i], -1.0, 1.0));
  }
  return pcm;
}

PcmBuffer ChordProgression(int key, bool major, double seconds, double seconds_per_chord,
                           int sample_rate) {
  key = NormalizedKey(key);
  std::vector<double> out(static_cast<size_t>(FramesFor(seconds, sample_rate)), 0.0);
  const Adsr env{.attack = 0.02, .decay = 0.2, .sustain = 0.8, .release = 0.08};
  const auto& progression = major ? kMajorProgression : kMinorProgression;
  for (int i = 0; i * seconds_per_chord < seconds; ++i) {
    const int degree = progression[static_cast<size_t>(i % 4)];
    const int64_t start = FramesFor(i * seconds_per_chord, sample_rate);
    const double hold =
        std::max(0.0, std::min(seconds_per_chord, seconds - i * seconds_per_chord) - env.release);
    for (int note : Triad(key, major, degree)) {
      AddTone(out, sample_rate, start, hold, MidiToHz(note), 0.2, 6, 1.0, env);
    }
    // The root an octave below: chords are heard from their bass.
    const int root = Triad(key, major, degree)[0] - 12;
    AddTone(out, sample_rate, start, hold, MidiToHz(root), 0.2, 6, 1.0, env);
  }
  return ToStereo(out, out, sample_rate, kMusicPeakDbfs);
}

PcmBuffer PinkNoise(double lufs, double seconds, uint64_t seed, int sample_rate) {
  Rng rng(seed);
  std::vector<double> out(static_cast<size_t>(FramesFor(seconds, sample_rate)));
  // Paul Kellet's "refined" pink filter: six leaky integrators whose sum is within 0.05 dB of
  // -3 dB/octave from 9 Hz up to the Nyquist frequency at 44.1 kHz.
  double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
  for (double& v : out) {
    const double white = rng.Signed();
    b0 = 0.99886 * b0 + white * 0.0555179;
    b1 = 0.99332 * b1 + white * 0.0750759;
    b2 = 0.96900 * b2 + white * 0.1538520;
    b3 = 0.86650 * b3 + white * 0.3104856;
    b4 = 0.55000 * b4 + white * 0.5329522;
    b5 = -0.7616 * b5 - white * 0.0168980;
    v = b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362;
    b6 = white * 0.115926;
  }
  PcmBuffer pcm = ToStereo(out, out, sample_rate, -20);
  // Gating is relative (and the absolute gate is far below), so loudness scales exactly with
  // gain: one measurement and one correction land on the target.
  const double measured = IntegratedLoudness(pcm);
  if (std::isfinite(measured)) {
    const float gain = static_cast<float>(std::pow(10.0, (lufs - measured) / 20));
    for (float& s : pcm.samples) s = std::clamp(s * gain, -1.0f, 1.0f);
  }
  return pcm;
}

PcmBuffer Song(const SongSpec& spec, int sample_rate) {
  Rng rng(spec.seed);
  const int key = NormalizedKey(spec.key);
  const int beats_per_bar = std::clamp(spec.beats_per_bar, 2, 7);
  const double energy = std::clamp(spec.energy, 0.0, 1.0);
  const double beat = 60.0 / std::clamp(spec.bpm, 20.0, 400.0);
  const double bar = beat * beats_per_bar;
  std::vector<double> left(static_cast<size_t>(FramesFor(spec.seconds, sample_rate)), 0.0);
  std::vector<double> right = left;
  std::vector<double> center = left;
  std::vector<double> hats = left;

  const int bars = static_cast<int>(std::ceil(spec.seconds / bar));
  const auto& progression = spec.major ? kMajorProgression : kMinorProgression;
  const auto& scale = spec.major ? kMajorScale : kMinorScale;
  const double drum_gain = 0.35 + 0.65 * energy;
  const Adsr pad{.attack = 0.08, .decay = 0.3, .sustain = 0.65, .release = 0.35};
  const Adsr bass{.attack = 0.008, .decay = 0.12, .sustain = 0.7, .release = 0.06};

  for (int b = 0; b < bars; ++b) {
    // The last bar resolves to the tonic, as songs end.
    const int degree = b == bars - 1 && b > 0 ? 0 : progression[static_cast<size_t>(b % 4)];
    const double bar_start = b * bar;
    const int64_t bar_frame = FramesFor(bar_start, sample_rate);

    // 1. Pads: the triad held for the bar, harmonic tones with a soft rolloff.
    for (int note : Triad(key, spec.major, degree)) {
      AddTone(center, sample_rate, bar_frame, bar - 0.05, MidiToHz(note), 0.09, 5, 1.3, pad,
              rng.Uniform(0, kTwoPi));
    }
    // 2. Bass on the chord root (octave 2): beats 1 and 3 in 4/4, beat 1 in a waltz; every other
    // beat in other meters.
    const int root = 36 + (key + scale[static_cast<size_t>(degree)]) % 12;
    const int bass_step = beats_per_bar == 3 ? 3 : 2;
    for (int i = 0; i < beats_per_bar; i += bass_step) {
      const double hold = std::min(bass_step, beats_per_bar - i) * beat * 0.85;
      AddTone(center, sample_rate, FramesFor(bar_start + i * beat, sample_rate), hold,
              MidiToHz(root), 0.22, 4, 1.0, bass);
    }
    // 3. Drums on the beat grid.
    for (int i = 0; i < beats_per_bar; ++i) {
      const double t = bar_start + i * beat;
      if (t >= spec.seconds) break;
      const int64_t at = FramesFor(t, sample_rate);
      const double velocity = 0.9 + 0.1 * rng.Uniform();
      bool kick, snare;
      double snare_level = 0.6;
      if (beats_per_bar == 3) {
        // Waltz: one strong downbeat, two light backbeats.
        kick = i == 0;
        snare = i != 0;
        snare_level = 0.4;
      } else if (beats_per_bar == 4) {
        kick = i % 2 == 0 || energy > 0.6;
        snare = i % 2 == 1;
      } else {
        kick = i == 0 || (i % 2 == 0 && i + 1 < beats_per_bar);
        snare = !kick;
      }
      // The downbeat is the loudest hit of the bar.
      const double accent = i == 0 ? 1.0 : 0.8;
      if (kick) AddKick(center, sample_rate, at, 0.9 * drum_gain * velocity * accent);
      if (snare) AddSnare(center, sample_rate, at, snare_level * drum_gain * velocity, rng);
      // Hats on eighths: on-beat eighths almost always, off-beats by energy, sixteenths only in
      // the most energetic songs. Panned slightly right.
      for (int e = 0; e < 2; ++e) {
        const double p = e == 0 ? 0.6 + 0.4 * energy : energy;
        const bool play = rng.Chance(p);
        const double level = (e == 0 ? 0.3 : 0.22) * drum_gain;
        if (play) AddHat(hats, sample_rate, FramesFor(t + e * beat / 2, sample_rate), level, rng);
        if (energy > 0.8 && rng.Chance((energy - 0.8) * 3)) {
          AddHat(hats, sample_rate, FramesFor(t + (2 * e + 1) * beat / 4, sample_rate),
                 0.15 * drum_gain, rng);
        }
      }
    }
  }
  // Energetic songs are mastered hot: a tanh saturator whose drive grows with energy raises the
  // level and density the way a limiter would.
  double peak = 0;
  for (size_t i = 0; i < center.size(); ++i) {
    left[i] += center[i] + 0.75 * hats[i];
    right[i] += center[i] + hats[i];
    peak = std::max({peak, std::abs(left[i]), std::abs(right[i])});
  }
  if (peak > 0) {
    const double drive = 1 + 3 * energy;
    for (auto* channel : {&left, &right}) {
      for (double& v : *channel) v = std::tanh(drive * v / peak);
    }
  }
  return ToStereo(left, right, sample_rate, kMusicPeakDbfs);
}

PcmBuffer SpeechLike(double seconds, uint64_t seed, int sample_rate) {
  Rng rng(seed);
  const int64_t total = FramesFor(seconds, sample_rate);
  std::vector<double> out(static_cast<size_t>(total), 0.0);
  const double fs = sample_rate;

  // Vowel formant targets (F1, F2, F3 in Hz; Peterson & Barney averages) and bandwidths.
  constexpr std::array<std::array<double, 3>, 5> kVowels = {{
      {730, 1090, 2440},  // a
      {530, 1840, 2480},  // e
      {270, 2290, 3010},  // i
      {570, 840, 2410},   // o
      {300, 870, 2240},   // u
  }};
  constexpr std::array<double, 3> kBandwidths = {80, 100, 140};
  const double speaker_f0 = rng.Uniform(100, 220);

  // Two-pole resonators, coefficients refreshed every kUpdate samples as formants glide.
  struct Resonator {
    double a1 = 0, a2 = 0, gain = 0, y1 = 0, y2 = 0;
    void Tune(double freq, double bandwidth, double rate) {
      const double r = std::exp(-std::numbers::pi * bandwidth / rate);
      a1 = -2 * r * std::cos(kTwoPi * freq / rate);
      a2 = r * r;
      gain = 1 - r;
    }
    double Step(double x) {
      const double y = gain * x - a1 * y1 - a2 * y2;
      y2 = y1;
      y1 = y;
      return y;
    }
  };
  constexpr int kUpdate = 32;
  std::array<Resonator, 3> formants;
  std::array<Resonator, 1> fricative_band;
  std::array<double, 3> current = kVowels[0];

  int64_t pos = FramesFor(rng.Uniform(0.05, 0.3), sample_rate);
  double glottal_phase = 0;
  double prev_pulse = 0;
  int phrase_syllable = 0;
  while (pos < total) {
    // A syllable: 150-300 ms, its own pitch movement around the speaker's declining phrase pitch,
    // vowel targets every ~150 ms, sometimes led by a fricative burst.
    const double length = rng.Uniform(0.15, 0.30);
    const double declination = 1.0 - 0.025 * phrase_syllable;
    const double f0_start = speaker_f0 * declination * rng.Uniform(0.92, 1.12);
    const double f0_end = f0_start * rng.Uniform(0.8, 1.15);
    const int64_t syllable_frames = FramesFor(length, sample_rate);
    const bool fricative = rng.Chance(0.3);
    const int64_t fricative_frames = fricative ? FramesFor(rng.Uniform(0.04, 0.1), sample_rate) : 0;
    const double fricative_centre = std::min(rng.Uniform(3500, 6500), 0.4 * fs);
    fricative_band[0].Tune(fricative_centre, 2500, fs);
    std::array<double, 3> target = kVowels[static_cast<size_t>(rng.Uniform() * 5) % 5];
    const int64_t vowel_change = FramesFor(rng.Uniform(0.12, 0.18), sample_rate);

    for (int64_t i = 0; i < fricative_frames && pos + i < total; ++i) {
      const double t = static_cast<double>(i) / static_cast<double>(fricative_frames);
      const double env = std::sin(std::numbers::pi * t);
      out[static_cast<size_t>(pos + i)] += 0.5 * env * fricative_band[0].Step(rng.Signed());
    }
    pos += fricative_frames;

    for (int64_t i = 0; i < syllable_frames && pos + i < total; ++i) {
      if (i == vowel_change) target = kVowels[static_cast<size_t>(rng.Uniform() * 5) % 5];
      if (i % kUpdate == 0) {
        // Formants move toward their target with a ~30 ms time constant (coarticulation).
        const double alpha = 1 - std::exp(-kUpdate / (0.03 * fs));
        for (size_t f = 0; f < 3; ++f) {
          current[f] += alpha * (target[f] - current[f]);
          formants[f].Tune(current[f], kBandwidths[f], fs);
        }
      }
      const double u = static_cast<double>(i) / static_cast<double>(syllable_frames);
      const double f0 = f0_start + (f0_end - f0_start) * u;
      // Rosenberg glottal pulse: opening 40% of the period, closing 16%, closed the rest;
      // differentiated for lip radiation.
      glottal_phase += f0 / fs;
      glottal_phase -= std::floor(glottal_phase);
      double pulse = 0;
      if (glottal_phase < 0.4) {
        pulse = 0.5 * (1 - std::cos(std::numbers::pi * glottal_phase / 0.4));
      } else if (glottal_phase < 0.56) {
        pulse = std::cos(std::numbers::pi * (glottal_phase - 0.4) / 0.32);
      }
      const double source = pulse - prev_pulse;
      prev_pulse = pulse;
      const double voiced = formants[0].Step(source) * 1.0 + formants[1].Step(source) * 0.6 +
                            formants[2].Step(source) * 0.3;
      // Syllable envelope: quick rise, long fall.
      const double env = u < 0.15 ? u / 0.15 : 1 - 0.7 * (u - 0.15) / 0.85;
      out[static_cast<size_t>(pos + i)] += 40 * env * voiced;
    }
    pos += syllable_frames;

    // Pauses: short between syllables of a word, long between phrases.
    const bool phrase_end = rng.Chance(0.25);
    pos += FramesFor(phrase_end ? rng.Uniform(0.2, 0.5) : rng.Uniform(0.05, 0.12), sample_rate);
    phrase_syllable = phrase_end ? 0 : phrase_syllable + 1;
  }
  return ToStereo(out, out, sample_rate, kSpeechPeakDbfs);
}

}  // namespace sonora::media::synth
