// The small analyses ingest relies on: EBU R128 loudness on a calibrated signal, track gain,
// audio identity hashes and fingerprints, artist-credit splitting, name keys, tag round trips.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "media/codec.h"
#include "media/fingerprint.h"
#include "media/loudness.h"
#include "media/synth/synth.h"
#include "media/tags.h"
#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::media {
namespace {

using testing::StatusIs;

TEST(LoudnessTest, PinkNoiseAtMinus23LufsMeasuresWithinHalfAnLu) {
  for (double target : {-23.0, -14.0, -30.0}) {
    auto l = MeasureLoudness(synth::PinkNoise(target, 20));
    ASSERT_TRUE(l.ok()) << l.status().ToString();
    EXPECT_NEAR(l->integrated_lufs, target, 0.5) << target;
    EXPECT_LT(l->true_peak_dbtp, 0);
  }
}

TEST(LoudnessTest, GainReachesMinus14UnlessThePeakWouldPassMinus1) {
  auto quiet = MeasureLoudness(synth::PinkNoise(-23, 20));
  ASSERT_TRUE(quiet.ok());
  // Pink noise peaks high: the gain is limited by the true peak, never more than to -14.
  EXPECT_LE(quiet->track_gain_db, -14.0 - quiet->integrated_lufs + 1e-9);
  EXPECT_LE(quiet->true_peak_dbtp + quiet->track_gain_db, -1.0 + 1e-9);
  auto loud = MeasureLoudness(synth::PinkNoise(-8, 20));
  ASSERT_TRUE(loud.ok());
  EXPECT_NEAR(loud->track_gain_db, -14.0 - loud->integrated_lufs, 1e-9) << "turned down to -14";
}

TEST(LoudnessTest, SilenceHasNoGatedLoudness) {
  PcmBuffer silence;
  silence.samples.assign(44100 * 2 * 5, 0.0f);
  EXPECT_THAT(MeasureLoudness(silence), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(MeasureLoudness(PcmBuffer{}), StatusIs(Code::kInvalidArgument));
}

TEST(IdentityTest, AudioHashFollowsTheAudioNotTheContainer) {
  PcmBuffer a = synth::ClickTrack(120, 5);
  PcmBuffer b = a;
  EXPECT_EQ(AudioHash(a), AudioHash(b));
  b.samples[1000] += 0.01f;
  EXPECT_NE(AudioHash(a), AudioHash(b));
  // Through a lossless file and back: the same 16-bit audio, the same hash.
  testing::TempDir dir;
  ASSERT_TRUE(WriteAudioFile(a, dir.path() + "/a.flac").ok());
  auto decoded = DecodeFile(dir.path() + "/a.flac");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(AudioHash(*decoded), AudioHash(a));
}

TEST(IdentityTest, FingerprintIsStableAndDiffersBetweenSongs) {
  PcmBuffer one = synth::Song({.bpm = 100, .key = 0, .seconds = 20, .seed = 1});
  PcmBuffer two = synth::Song({.bpm = 140, .key = 7, .major = false, .seconds = 20, .seed = 2});
  auto f1 = Fingerprint(one), f1b = Fingerprint(one), f2 = Fingerprint(two);
  ASSERT_TRUE(f1.ok() && f1b.ok() && f2.ok());
  EXPECT_FALSE(f1->empty());
  EXPECT_EQ(*f1, *f1b);
  EXPECT_NE(*f1, *f2);
}

TEST(TagsTest, ArtistCreditsSplitIntoNames) {
  struct Case {
    const char* credit;
    std::vector<std::string> names;
  } cases[] = {
      {"Solo", {"Solo"}},
      {"A feat. B", {"A", "B"}},
      {"A ft. B & C", {"A", "B", "C"}},
      {"A; B;C", {"A", "B", "C"}},
      {"AC/DC", {"AC", "DC"}},  // a known cost of splitting on '/', as most taggers do
      {"A featuring B / A", {"A", "B"}},
      {"  ", {}},
  };
  for (const auto& c : cases) EXPECT_EQ(SplitArtists(c.credit), c.names) << c.credit;
}

TEST(TagsTest, WrittenTagsReadBack) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/t.flac";
  ASSERT_TRUE(WriteAudioFile(synth::ClickTrack(100, 2), path).ok());
  TrackTags in;
  in.title = "Título – ünïcode";
  in.artists = {"One", "Two"};
  in.album = "Album";
  in.album_artist = "One";
  in.track_number = 7;
  in.disc_number = 2;
  in.date = "2021-03-04";
  in.genres = {"jazz", "soul"};
  in.isrc = "USABC2100001";
  in.explicit_content = true;
  ASSERT_TRUE(WriteTags(path, in).ok());
  auto out = ReadTags(path);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->title, in.title);
  EXPECT_EQ(out->artists, in.artists);
  EXPECT_EQ(out->album, "Album");
  EXPECT_EQ(out->album_artist, "One");
  EXPECT_EQ(out->track_number, 7);
  EXPECT_EQ(out->disc_number, 2);
  EXPECT_EQ(out->date, "2021-03-04");
  EXPECT_EQ(out->genres, in.genres);
  EXPECT_EQ(out->isrc, "USABC2100001");
  EXPECT_TRUE(out->explicit_content);
}

TEST(NameKeyTest, FoldsCaseSpacingAndPunctuation) {
  EXPECT_EQ(catalog::NameKey("The  Beatles!"), "the beatles");
  EXPECT_EQ(catalog::NameKey("  AC/DC "), "ac dc");
  EXPECT_EQ(catalog::NameKey("Beyoncé"), "beyoncé");
  EXPECT_EQ(catalog::NameKey("..."), "");
  EXPECT_EQ(catalog::NameKey("Night Signals"), catalog::NameKey("night   signals"));
}

}  // namespace
}  // namespace sonora::media
