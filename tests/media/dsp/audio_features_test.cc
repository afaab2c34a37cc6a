// AnalyzeFeatures against synthesized audio with known answers (media/synth): tempo, key, mode
// and meter must come out right; the heuristic descriptors must stay in range and order
// sensibly. Formulas: docs/formats/audio-features.md.
#include "media/features/audio_features.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <thread>
#include <vector>

#include "media/synth/synth.h"
#include "support/status_matchers.h"

namespace sonora::media {
namespace {

using ::sonora::testing::StatusIs;

AudioFeatures Analyze(const PcmBuffer& pcm) {
  Result<AudioFeatures> r = AnalyzeFeatures(pcm);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : AudioFeatures{};
}

std::string Describe(const synth::SongSpec& s) {
  return "song bpm=" + std::to_string(s.bpm) + " key=" + std::to_string(s.key) +
         (s.major ? " major" : " minor") + " beats_per_bar=" + std::to_string(s.beats_per_bar) +
         " energy=" + std::to_string(s.energy) + " seed=" + std::to_string(s.seed);
}

void ExpectAllInRange(const AudioFeatures& f, const std::string& what) {
  for (double v : {f.energy, f.danceability, f.valence, f.acousticness, f.instrumentalness,
                   f.speechiness, f.liveness, f.key_confidence}) {
    EXPECT_GE(v, 0.0) << what;
    EXPECT_LE(v, 1.0) << what;
  }
  EXPECT_TRUE(f.tempo_bpm == 0 || (f.tempo_bpm >= 40 && f.tempo_bpm <= 220)) << what;
  EXPECT_GE(f.key, -1) << what;
  EXPECT_LE(f.key, 11) << what;
  EXPECT_GE(f.mode, -1) << what;
  EXPECT_LE(f.mode, 1) << what;
  EXPECT_GE(f.time_signature, 3) << what;
  EXPECT_LE(f.time_signature, 7) << what;
  EXPECT_EQ(f.loudness_lufs, 0) << what << ": loudness belongs to the loudness stage";
  EXPECT_GE(f.spectral_centroid_hz, 0) << what;
  EXPECT_LT(f.spectral_centroid_hz, 12000) << what;
  EXPECT_GE(f.spectral_rolloff_hz, 0) << what;
  EXPECT_LT(f.spectral_rolloff_hz, 12000) << what;
  for (double c : f.mfcc) EXPECT_TRUE(std::isfinite(c)) << what;
  double chroma_max = 0;
  for (double c : f.chroma) {
    EXPECT_GE(c, 0) << what;
    chroma_max = std::max(chroma_max, c);
  }
  EXPECT_TRUE(chroma_max == 0 || std::abs(chroma_max - 1) < 1e-9) << what;
}

TEST(AudioFeaturesTest, FewerThanThreeSecondsIsInvalidArgument) {
  Result<AudioFeatures> r = AnalyzeFeatures(synth::Song({.seconds = 2.9}));
  EXPECT_THAT(r, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(r.status().field(), "pcm");
  EXPECT_THAT(AnalyzeFeatures(PcmBuffer{}), StatusIs(Code::kInvalidArgument));
  PcmBuffer no_rate = synth::Song({.seconds = 4});
  no_rate.sample_rate = 0;
  EXPECT_THAT(AnalyzeFeatures(no_rate), StatusIs(Code::kInvalidArgument));
  EXPECT_TRUE(AnalyzeFeatures(synth::Song({.seconds = 3})).ok());
}

TEST(AudioFeaturesTest, ClickTrackTempo) {
  const AudioFeatures f = Analyze(synth::ClickTrack(120, 30));
  EXPECT_NEAR(f.tempo_bpm, 120, 2);
  EXPECT_FALSE(f.tempo_octave_ambiguous);
}

TEST(AudioFeaturesTest, SongTempo) {
  for (double bpm : {90.0, 100.0, 128.0, 140.0}) {
    for (double energy : {0.3, 0.8}) {
      const synth::SongSpec spec{.bpm = bpm, .key = 7, .seconds = 30, .energy = energy};
      const AudioFeatures f = Analyze(synth::Song(spec));
      EXPECT_NEAR(f.tempo_bpm, bpm, 2) << Describe(spec);
      EXPECT_FALSE(f.tempo_octave_ambiguous) << Describe(spec);
    }
  }
}

TEST(AudioFeaturesTest, TempoAtOtherSampleRatesAndInMono) {
  const AudioFeatures at48k = Analyze(synth::Song({.bpm = 128, .seconds = 20}, 48000));
  EXPECT_NEAR(at48k.tempo_bpm, 128, 2);
  const PcmBuffer stereo = synth::Song({.bpm = 100, .seconds = 20}, 22050);
  PcmBuffer mono{.sample_rate = 22050, .channels = 1, .samples = stereo.Mono()};
  EXPECT_NEAR(Analyze(mono).tempo_bpm, 100, 2);
}

TEST(AudioFeaturesTest, ChordProgressionKey) {
  const AudioFeatures c_major = Analyze(synth::ChordProgression(0, true, 16));
  EXPECT_EQ(c_major.key, 0);
  EXPECT_EQ(c_major.mode, 1);
  EXPECT_GT(c_major.key_confidence, 0.5);
  const AudioFeatures a_minor = Analyze(synth::ChordProgression(9, false, 16));
  EXPECT_EQ(a_minor.key, 9);
  EXPECT_EQ(a_minor.mode, 0);
  EXPECT_GT(a_minor.key_confidence, 0.5);
}

TEST(AudioFeaturesTest, SongKeyAndMode) {
  struct Case {
    int key;
    bool major;
  };
  // D major, F# minor, Bb major, E minor, then the rest of the circle of fifths in both modes.
  constexpr Case kCases[] = {{2, true}, {6, false},  {10, true}, {4, false}, {0, true}, {9, false},
                             {7, true}, {11, false}, {5, true},  {1, false}, {3, true}, {8, false}};
  int n = 0;
  for (const Case& c : kCases) {
    const synth::SongSpec spec{.bpm = 96.0 + 6 * n,
                               .key = c.key,
                               .major = c.major,
                               .seconds = 24,
                               .energy = 0.3 + 0.05 * n,
                               .seed = static_cast<uint64_t>(n + 1)};
    const AudioFeatures f = Analyze(synth::Song(spec));
    EXPECT_EQ(f.key, c.key) << Describe(spec);
    EXPECT_EQ(f.mode, c.major ? 1 : 0) << Describe(spec);
    ++n;
  }
}

TEST(AudioFeaturesTest, TimeSignature) {
  for (int beats_per_bar : {4, 3}) {
    for (double bpm : {100.0, 120.0, 140.0}) {
      for (double energy : {0.3, 0.8}) {
        const synth::SongSpec spec{
            .bpm = bpm, .key = 2, .seconds = 24, .beats_per_bar = beats_per_bar, .energy = energy};
        EXPECT_EQ(Analyze(synth::Song(spec)).time_signature, beats_per_bar) << Describe(spec);
      }
    }
  }
}

TEST(AudioFeaturesTest, SpeechIsSpeechierThanMusic) {
  for (uint64_t seed : {1, 2, 3}) {
    const AudioFeatures speech = Analyze(synth::SpeechLike(30, seed));
    const AudioFeatures song = Analyze(synth::Song({.seconds = 30, .seed = seed}));
    EXPECT_GT(speech.speechiness, 0.5) << "seed " << seed;
    EXPECT_GT(speech.speechiness, song.speechiness) << "seed " << seed;
    EXPECT_LT(song.speechiness, 0.33) << "seed " << seed;
    EXPECT_LT(speech.instrumentalness, song.instrumentalness) << "seed " << seed;
  }
}

TEST(AudioFeaturesTest, EnergyFollowsTheSongSpec) {
  for (double bpm : {90.0, 128.0}) {
    for (uint64_t seed : {1, 2}) {
      const synth::SongSpec calm{.bpm = bpm, .seconds = 20, .energy = 0.2, .seed = seed};
      synth::SongSpec intense = calm;
      intense.energy = 0.9;
      EXPECT_GT(Analyze(synth::Song(intense)).energy, Analyze(synth::Song(calm)).energy)
          << Describe(calm);
    }
  }
}

TEST(AudioFeaturesTest, EveryFeatureIsInRange) {
  struct Case {
    std::string name;
    PcmBuffer pcm;
  };
  PcmBuffer silence{
      .sample_rate = 44100, .channels = 2, .samples = std::vector<float>(44100 * 2 * 5)};
  PcmBuffer broken = synth::Song({.seconds = 6});
  broken.samples[1000] = std::nanf("");
  broken.samples[2000] = 1e30f;
  broken.samples[3000] = -INFINITY;
  const std::vector<Case> cases = {
      {"click", synth::ClickTrack(120, 10)},
      {"chords", synth::ChordProgression(4, false, 10)},
      {"pink noise", synth::PinkNoise(-23, 10)},
      {"speech", synth::SpeechLike(10)},
      {"calm waltz", synth::Song({.bpm = 70, .seconds = 10, .beats_per_bar = 3, .energy = 0})},
      {"intense song", synth::Song({.bpm = 200, .seconds = 10, .energy = 1})},
      {"silence", silence},
      {"non-finite samples", broken},
  };
  for (const Case& c : cases) ExpectAllInRange(Analyze(c.pcm), c.name);

  const AudioFeatures quiet = Analyze(silence);
  EXPECT_EQ(quiet.tempo_bpm, 0);
  EXPECT_EQ(quiet.key, -1);
  EXPECT_EQ(quiet.mode, -1);
  EXPECT_EQ(Analyze(synth::PinkNoise(-23, 10)).key, -1) << "noise has no tonal centre";
}

bool SameFeatures(const AudioFeatures& a, const AudioFeatures& b) {
  return a.tempo_bpm == b.tempo_bpm && a.tempo_octave_ambiguous == b.tempo_octave_ambiguous &&
         a.key == b.key && a.mode == b.mode && a.key_confidence == b.key_confidence &&
         a.time_signature == b.time_signature && a.energy == b.energy &&
         a.danceability == b.danceability && a.valence == b.valence &&
         a.acousticness == b.acousticness && a.instrumentalness == b.instrumentalness &&
         a.speechiness == b.speechiness && a.liveness == b.liveness &&
         a.spectral_centroid_hz == b.spectral_centroid_hz &&
         a.spectral_rolloff_hz == b.spectral_rolloff_hz && a.mfcc == b.mfcc && a.chroma == b.chroma;
}

TEST(AudioFeaturesTest, DeterministicAndThreadSafe) {
  const PcmBuffer song = synth::Song({.bpm = 111, .key = 3, .seconds = 12, .seed = 9});
  const AudioFeatures first = Analyze(song);
  EXPECT_TRUE(SameFeatures(first, Analyze(song)));
  // Several analyses at once (different FFT sizes too: another sample rate) must agree with the
  // single-threaded answer: FFTW planning is serialized inside the adapter.
  const PcmBuffer other = synth::Song({.bpm = 111, .key = 3, .seconds = 12, .seed = 9}, 16000);
  const AudioFeatures other_first = Analyze(other);
  std::vector<AudioFeatures> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = Analyze(i % 2 ? other : song); });
  }
  for (std::thread& t : threads) t.join();
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_TRUE(SameFeatures(results[i], i % 2 ? other_first : first)) << "thread " << i;
  }
}

}  // namespace
}  // namespace sonora::media
