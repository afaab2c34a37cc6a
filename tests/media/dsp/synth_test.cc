// Synthesized fixtures: determinism, shape, peak level, and PinkNoise's loudness measured by
// libebur128 (the loudness stage's library), independently of synth.cc's own BS.1770 code.
#include "media/synth/synth.h"

#include <ebur128.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace sonora::media::synth {
namespace {

double PeakDbfs(const PcmBuffer& pcm) {
  float peak = 0;
  for (float s : pcm.samples) peak = std::max(peak, std::abs(s));
  return 20 * std::log10(peak);
}

double IntegratedLufs(const PcmBuffer& pcm) {
  std::unique_ptr<ebur128_state, void (*)(ebur128_state*)> state(
      ebur128_init(static_cast<unsigned>(pcm.channels), static_cast<unsigned long>(pcm.sample_rate),
                   EBUR128_MODE_I),
      [](ebur128_state* s) { ebur128_destroy(&s); });
  EXPECT_EQ(
      ebur128_add_frames_float(state.get(), pcm.samples.data(), static_cast<size_t>(pcm.frames())),
      EBUR128_SUCCESS);
  double lufs = 0;
  EXPECT_EQ(ebur128_loudness_global(state.get(), &lufs), EBUR128_SUCCESS);
  return lufs;
}

TEST(SynthTest, ShapeFollowsTheRequest) {
  const PcmBuffer song = Song({.seconds = 2.5}, 48000);
  EXPECT_EQ(song.sample_rate, 48000);
  EXPECT_EQ(song.channels, 2);
  EXPECT_EQ(song.frames(), 120000);
  EXPECT_EQ(ClickTrack(120, 1.0).frames(), kPipelineSampleRate);
  EXPECT_EQ(ChordProgression(0, true, 1.5).frames(), kPipelineSampleRate * 3 / 2);
  EXPECT_EQ(SpeechLike(2.0, 1, 22050).frames(), 44100);
  EXPECT_EQ(PinkNoise(-23, 0.5).frames(), kPipelineSampleRate / 2);
}

TEST(SynthTest, SameSeedSameAudioOtherSeedOtherAudio) {
  const SongSpec spec{.bpm = 97, .key = 5, .major = false, .seconds = 4, .energy = 0.8, .seed = 7};
  EXPECT_EQ(Song(spec).samples, Song(spec).samples);
  SongSpec other = spec;
  other.seed = 8;
  EXPECT_NE(Song(spec).samples, Song(other).samples);
  EXPECT_EQ(SpeechLike(3, 4).samples, SpeechLike(3, 4).samples);
  EXPECT_NE(SpeechLike(3, 4).samples, SpeechLike(3, 5).samples);
  EXPECT_EQ(PinkNoise(-20, 2, 3).samples, PinkNoise(-20, 2, 3).samples);
  EXPECT_NE(PinkNoise(-20, 2, 3).samples, PinkNoise(-20, 2, 4).samples);
}

TEST(SynthTest, MusicIsPeakNormalizedToMinusOneDbfs) {
  EXPECT_NEAR(PeakDbfs(Song({.seconds = 6, .energy = 0.2})), -1.0, 0.01);
  EXPECT_NEAR(PeakDbfs(Song({.seconds = 6, .beats_per_bar = 3, .energy = 0.95})), -1.0, 0.01);
  EXPECT_NEAR(PeakDbfs(ChordProgression(9, false, 6)), -1.0, 0.01);
}

TEST(SynthTest, PinkNoiseHitsTheRequestedLoudness) {
  struct Case {
    double lufs;
    int sample_rate;
    uint64_t seed;
  };
  constexpr Case kCases[] = {
      {-23, 44100, 1}, {-23, 48000, 2}, {-23, 22050, 3}, {-14, 44100, 4}, {-31, 48000, 5}};
  for (const Case& c : kCases) {
    const PcmBuffer noise = PinkNoise(c.lufs, 10, c.seed, c.sample_rate);
    EXPECT_NEAR(IntegratedLufs(noise), c.lufs, 0.5)
        << "target " << c.lufs << " LUFS at " << c.sample_rate << " Hz, seed " << c.seed;
    EXPECT_LT(PeakDbfs(noise), 0.0);
  }
}

TEST(SynthTest, ClickTrackClicksOnTheBeat) {
  const PcmBuffer clicks = ClickTrack(120, 4);
  const std::vector<float> mono = clicks.Mono();
  // Energy in the first 20 ms after each beat, and in the 20 ms half-way between beats.
  const int window = kPipelineSampleRate / 50;
  for (int beat = 0; beat < 8; ++beat) {
    double on = 0, off = 0;
    const int start = beat * kPipelineSampleRate / 2;
    for (int i = 0; i < window; ++i) {
      on += mono[static_cast<size_t>(start + i)] * mono[static_cast<size_t>(start + i)];
      const size_t mid = static_cast<size_t>(start + kPipelineSampleRate / 4 + i);
      off += mono[mid] * mono[mid];
    }
    EXPECT_GT(on, 1.0) << "beat " << beat;
    EXPECT_EQ(off, 0.0) << "beat " << beat;
  }
}

TEST(SynthTest, SpeechLikeAlternatesSyllablesAndPauses) {
  const PcmBuffer speech = SpeechLike(20);
  for (int64_t f = 0; f < speech.frames(); ++f) {
    ASSERT_EQ(speech.samples[static_cast<size_t>(2 * f)],
              speech.samples[static_cast<size_t>(2 * f + 1)]);
  }
  // 10 ms windows that are near-silent: pauses between syllables and phrases.
  const std::vector<float> mono = speech.Mono();
  const size_t window = kPipelineSampleRate / 100;
  size_t silent = 0, windows = 0;
  for (size_t w = 0; w + window <= mono.size(); w += window, ++windows) {
    double sum = 0;
    for (size_t i = w; i < w + window; ++i) sum += mono[i] * mono[i];
    if (10 * std::log10(sum / window + 1e-20) < -50) ++silent;
  }
  const double share = static_cast<double>(silent) / static_cast<double>(windows);
  EXPECT_GT(share, 0.1);
  EXPECT_LT(share, 0.6);
}

}  // namespace
}  // namespace sonora::media::synth
