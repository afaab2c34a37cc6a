// The media worker (media/parse_worker.h, SECURITY.md §7) through the real `sonora` binary: it
// answers exactly what the in-process parsers answer, a worker that crashes is a bad file, a
// worker that stalls is killed at its deadline, artwork is scaled out of process, and a
// missing binary is an error rather than a silent in-process fallback.
#include "media/parse_worker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "media/codec.h"
#include "media/synth/synth.h"
#include "media/tags.h"
#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::media {
namespace {

using ::testing::HasSubstr;
using testing::IsOk;

class ParseWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    master_ = dir_.path() + "/song.flac";
    synth::SongSpec spec{.bpm = 100, .key = 5, .major = false, .seconds = 4, .seed = 3};
    ASSERT_THAT(WriteAudioFile(synth::Song(spec), master_), IsOk());
    TrackTags tags;
    tags.title = "Über Song";
    tags.artists = {"One", "Two"};
    tags.album = "Album";
    tags.genres = {"jazz"};
    tags.date = "2021-02-03";
    tags.track_number = 7;
    ASSERT_THAT(WriteTags(master_, tags), IsOk());
    worker_.binary = SONORA_BINARY;
  }
  void TearDown() override { ::unsetenv("SONORA_MEDIA_WORKER_FAULT"); }

  testing::TempDir dir_;
  std::string master_;
  WorkerOptions worker_;
};

TEST_F(ParseWorkerTest, AnswersWhatTheInProcessParsersAnswer) {
  auto isolated = ParseMaster(master_, {}, worker_);
  auto local = ParseMaster(master_, {}, WorkerOptions{});
  ASSERT_THAT(isolated, IsOk());
  ASSERT_THAT(local, IsOk());
  EXPECT_EQ(isolated->probe.codec, "flac");
  EXPECT_EQ(isolated->probe.codec, local->probe.codec);
  EXPECT_EQ(isolated->probe.container, local->probe.container);
  EXPECT_EQ(isolated->probe.sample_rate, local->probe.sample_rate);
  EXPECT_EQ(isolated->probe.channels, local->probe.channels);
  EXPECT_EQ(isolated->probe.duration_ms, local->probe.duration_ms);
  ASSERT_TRUE(isolated->tags.has_value());
  EXPECT_EQ(isolated->tags->title, "Über Song");
  EXPECT_EQ(isolated->tags->artists, (std::vector<std::string>{"One", "Two"}));
  EXPECT_EQ(isolated->tags->genres, local->tags->genres);
  EXPECT_EQ(isolated->tags->track_number, 7);
  EXPECT_EQ(isolated->tags->date, local->tags->date);

  auto pcm = DecodeMaster(master_, {}, worker_);
  auto pcm_local = DecodeMaster(master_, {}, WorkerOptions{});
  ASSERT_THAT(pcm, IsOk());
  ASSERT_THAT(pcm_local, IsOk());
  EXPECT_EQ(pcm->sample_rate, pcm_local->sample_rate);
  EXPECT_EQ(pcm->channels, pcm_local->channels);
  EXPECT_EQ(pcm->frames(), pcm_local->frames());
  EXPECT_TRUE(pcm->samples == pcm_local->samples) << "the PCM crosses the pipe bit for bit";
}

TEST_F(ParseWorkerTest, ErrorsComeBackAsTheParsersReportThem) {
  const std::string text = dir_.path() + "/notes.mp3";
  std::ofstream(text) << "not audio at all\n";
  auto r = ParseMaster(text, {}, worker_);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument) << r.status().ToString();
  EXPECT_EQ(r.status().code(), ParseMaster(text, {}, WorkerOptions{}).status().code());
  EXPECT_EQ(ParseMaster(dir_.path() + "/absent.flac", {}, worker_).status().code(),
            Code::kNotFound);
  // The duration cap is passed on: a 4 s file is over a 1 s cap.
  DecodeLimits tight;
  tight.max_duration_ms = 1000;
  EXPECT_EQ(DecodeMaster(master_, tight, worker_).status().code(), Code::kInvalidArgument);
}

TEST_F(ParseWorkerTest, AWorkerThatCrashesIsABadFile) {
  ::setenv("SONORA_MEDIA_WORKER_FAULT", "crash", 1);
  auto r = DecodeMaster(master_, {}, worker_);
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "file");
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("died"));
}

TEST_F(ParseWorkerTest, AWorkerThatStallsIsKilledAtItsDeadline) {
  ::setenv("SONORA_MEDIA_WORKER_FAULT", "hang", 1);
  DecodeLimits limits;
  limits.max_decode_time = std::chrono::milliseconds(500);
  worker_.grace = std::chrono::milliseconds(500);
  const auto start = std::chrono::steady_clock::now();
  auto r = ParseMaster(master_, limits, worker_);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status().code(), Code::kDeadlineExceeded) << r.status().ToString();
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(10)) << "killed, not waited for";
}

TEST_F(ParseWorkerTest, ArtworkIsScaledOutOfProcess) {
  const std::string jpg = dir_.path() + "/source.jpg";
  ASSERT_EQ(std::system(("ffmpeg -nostdin -loglevel error -f lavfi -i testsrc=size=200x120 "
                         "-frames:v 1 '" +
                         jpg + "'")
                            .c_str()),
            0);
  std::ifstream in(jpg, std::ios::binary);
  const std::string image((std::istreambuf_iterator<char>(in)), {});
  const std::string out = dir_.path() + "/cover_64.jpg";
  ASSERT_THAT(ScaleArtworkIsolated(image, 64, out, worker_), IsOk());
  auto probe = ProbeFile(out);
  EXPECT_FALSE(probe.ok()) << "a JPEG is not audio";
  ASSERT_TRUE(std::filesystem::exists(out));
  EXPECT_GT(std::filesystem::file_size(out), 100u);

  const std::string bad = dir_.path() + "/bad_64.jpg";
  EXPECT_EQ(ScaleArtworkIsolated("definitely not an image", 64, bad, worker_).code(),
            Code::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(bad));
  EXPECT_EQ(ScaleArtworkIsolated(std::string(size_t{70} << 20, 'x'), 64, bad, worker_).code(),
            Code::kInvalidArgument)
      << "over 64 MiB is refused before a worker starts";
}

TEST_F(ParseWorkerTest, AMissingBinaryIsAnErrorNotAnInProcessFallback) {
  worker_.binary = dir_.path() + "/no-such-sonora";
  auto r = ParseMaster(master_, {}, worker_);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace sonora::media
