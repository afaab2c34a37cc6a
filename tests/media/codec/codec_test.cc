// media/codec.h against real FFmpeg: fixtures are written into a TempDir with the ffmpeg CLI (tests
// only; src/ never shells out), results are checked with our own decoder and with ffmpeg/ffprobe.
#include "media/codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::media {
namespace {

using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;
using ::sonora::testing::TempDir;

constexpr int kRate = kPipelineSampleRate;
constexpr int64_t kChunkFrames = 10 * kRate;
constexpr int64_t kAacFrame = 1024;

// --- Signals -----------------------------------------------------------------------------------

PcmBuffer Sine(double hz, double seconds, float amplitude = 0.5f) {
  PcmBuffer pcm;
  const auto frames = static_cast<int64_t>(seconds * kRate);
  pcm.samples.resize(static_cast<size_t>(frames) * 2);
  for (int64_t i = 0; i < frames; ++i) {
    const float v =
        amplitude * static_cast<float>(std::sin(2 * M_PI * hz * static_cast<double>(i) / kRate));
    pcm.samples[static_cast<size_t>(2 * i)] = v;
    pcm.samples[static_cast<size_t>(2 * i + 1)] = v;
  }
  return pcm;
}

// Independent pink-ish noise per channel plus a few tones: dense enough that Vorbis and AAC spend
// their nominal bit rates (a pure tone would undershoot them by far).
PcmBuffer RichSignal(double seconds, uint32_t seed = 7) {
  PcmBuffer pcm;
  const auto frames = static_cast<int64_t>(seconds * kRate);
  pcm.samples.resize(static_cast<size_t>(frames) * 2);
  std::mt19937 rng(seed);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  for (int c = 0; c < 2; ++c) {
    // Paul Kellet's economy pink filter.
    float b0 = 0, b1 = 0, b2 = 0;
    for (int64_t i = 0; i < frames; ++i) {
      const float w = noise(rng);
      b0 = 0.99765f * b0 + w * 0.0990460f;
      b1 = 0.96300f * b1 + w * 0.2965164f;
      b2 = 0.57000f * b2 + w * 1.0526913f;
      const float pink = (b0 + b1 + b2 + w * 0.1848f) * 0.05f;
      const double t = static_cast<double>(i) / kRate;
      const double tones = 0.08 * std::sin(2 * M_PI * (220.0 + 110 * c) * t) +
                           0.05 * std::sin(2 * M_PI * 1234.5 * t) +
                           0.03 * std::sin(2 * M_PI * 5000.0 * t);
      pcm.samples[static_cast<size_t>(2 * i + c)] =
          std::clamp(pink + static_cast<float>(tones), -1.0f, 1.0f);
    }
  }
  return pcm;
}

// Sign changes per second / 2 on one channel, ignoring 200 ms at each end.
double ZeroCrossingHz(const PcmBuffer& pcm, int channel) {
  const int64_t skip = kRate / 5;
  const int64_t end = pcm.frames() - skip;
  int64_t crossings = 0;
  auto at = [&](int64_t f) { return pcm.samples[static_cast<size_t>(f * pcm.channels + channel)]; };
  for (int64_t f = skip + 1; f < end; ++f) {
    if ((at(f - 1) < 0) != (at(f) < 0)) ++crossings;
  }
  const double seconds = static_cast<double>(end - skip - 1) / pcm.sample_rate;
  return static_cast<double>(crossings) / 2.0 / seconds;
}

float Quantize16(float x) {
  const long q = std::clamp(std::lrintf(x * 32768.0f), -32768L, 32767L);
  return static_cast<float>(q) / 32768.0f;
}

// --- Files and the CLI -------------------------------------------------------------------------

int64_t SizeOf(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

bool Exists(const std::string& path) { return SizeOf(path) >= 0; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

int Shell(const std::string& cmd) { return std::system((cmd + " </dev/null").c_str()); }

std::string Capture(const std::string& cmd) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), &pclose);
  std::string out;
  if (!pipe) return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), pipe.get())) > 0) out.append(buf, n);
  return out;
}

const std::string kFfmpeg = "ffmpeg -nostdin -hide_banner -v error -y";

// "key=value" lines of ffprobe for the first audio or video stream.
std::string Probe(const std::string& path, const std::string& entries) {
  return Capture("ffprobe -v error -show_entries stream=" + entries + " -of default=nw=1 '" + path +
                 "' 2>&1");
}

// Sample frames the ffmpeg CLI decodes from `path` (at the file's own rate), -1 on failure.
int64_t CliDecodedFrames(const std::string& path, const std::string& scratch) {
  if (Shell(kFfmpeg + " -i '" + path + "' -f s16le -ac 2 '" + scratch + "'") != 0) return -1;
  return SizeOf(scratch) / 4;
}

class CodecTest : public ::testing::Test {
 protected:
  std::string Path(const std::string& name) const { return dir_.path() + "/" + name; }

  // A 440 Hz stereo sine written by the CLI with `codec_args`.
  std::string MakeSine(const std::string& name, double seconds, const std::string& codec_args,
                       const std::string& extra_input = "") {
    const std::string path = Path(name);
    const std::string cmd =
        kFfmpeg +
        " -f lavfi -i sine=frequency=440:sample_rate=44100:duration=" + std::to_string(seconds) +
        extra_input + " " + codec_args + " '" + path + "'";
    EXPECT_EQ(Shell(cmd), 0) << cmd;
    return path;
  }

  TempDir dir_;
};

// --- Decoding ----------------------------------------------------------------------------------

struct FormatCase {
  const char* name;
  const char* file;
  const char* args;  // ffmpeg output options
  const char* container;
  const char* codec;
  int channels;
};

constexpr FormatCase kFormats[] = {
    {"wav16", "a.wav", "-ac 2 -c:a pcm_s16le", "wav", "pcm_s16le", 2},
    {"wav_mono_48k", "m.wav", "-ac 1 -ar 48000 -c:a pcm_s16le", "wav", "pcm_s16le", 1},
    {"flac", "a.flac", "-ac 2 -c:a flac", "flac", "flac", 2},
    {"mp3", "a.mp3", "-ac 2 -c:a libmp3lame -b:a 192k", "mp3", "mp3", 2},
    {"vorbis", "a.ogg", "-ac 2 -c:a libvorbis -b:a 160k", "ogg", "vorbis", 2},
    {"opus", "a.opus", "-ac 2 -c:a libopus -b:a 128k", "ogg", "opus", 2},
    {"m4a_aac", "a.m4a", "-ac 2 -c:a aac -b:a 160k", "mov,mp4,m4a,3gp,3g2,mj2", "aac", 2},
    {"aiff", "a.aiff", "-ac 2 -c:a pcm_s16be", "aiff", "pcm_s16be", 2},
};

TEST_F(CodecTest, DecodesEveryAcceptedFormatTo44kStereo) {
  constexpr double kSeconds = 3.0;
  for (const FormatCase& c : kFormats) {
    SCOPED_TRACE(c.name);
    const std::string path = MakeSine(c.file, kSeconds, c.args);

    auto info = ProbeFile(path);
    ASSERT_THAT(info, IsOk());
    EXPECT_EQ(info->container, c.container);
    EXPECT_EQ(info->codec, c.codec);
    EXPECT_EQ(info->channels, c.channels);
    EXPECT_NEAR(static_cast<double>(info->duration_ms), kSeconds * 1000, 50);
    EXPECT_FALSE(info->has_embedded_cover);

    auto pcm = DecodeFile(path);
    ASSERT_THAT(pcm, IsOk());
    EXPECT_EQ(pcm->sample_rate, kRate);
    EXPECT_EQ(pcm->channels, 2);
    EXPECT_NEAR(static_cast<double>(pcm->duration_ms()), kSeconds * 1000, 50);
    for (int ch = 0; ch < 2; ++ch) EXPECT_NEAR(ZeroCrossingHz(*pcm, ch), 440.0, 440.0 * 0.02);
    if (c.channels == 1) {
      // Mono is duplicated at full level, not attenuated by a pan law.
      float peak = 0;
      for (int64_t f = 0; f < pcm->frames(); ++f) {
        ASSERT_EQ(pcm->samples[static_cast<size_t>(2 * f)],
                  pcm->samples[static_cast<size_t>(2 * f + 1)]);
        peak = std::max(peak, std::abs(pcm->samples[static_cast<size_t>(2 * f)]));
      }
      EXPECT_GT(peak, 0.1f);  // lavfi sine's amplitude is 1/8
    }
  }
}

TEST_F(CodecTest, DecodesInParallel) {
  const std::string flac = MakeSine("p.flac", 5, "-ac 2 -c:a flac");
  const std::string mp3 = MakeSine("p.mp3", 5, "-ac 2 -c:a libmp3lame");
  std::vector<int64_t> frames(8, 0);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < frames.size(); ++i) {
    threads.emplace_back([&, i] {
      auto pcm = DecodeFile(i % 2 ? flac : mp3);
      frames[i] = pcm.ok() ? pcm->frames() : -1;
    });
  }
  for (auto& t : threads) t.join();
  for (int64_t f : frames) EXPECT_EQ(f, 5 * kRate);
}

// --- Hostile and broken input ------------------------------------------------------------------

TEST_F(CodecTest, RejectsFilesThatAreNotAcceptedAudio) {
  const std::string png = Path("cover.png");
  ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i testsrc=size=64x64 -frames:v 1 '" + png + "'"), 0);
  const std::string mp3 = MakeSine("ok.mp3", 2, "-ac 2 -c:a libmp3lame");

  std::mt19937 rng(42);
  std::string random(65536, '\0');
  for (char& ch : random) ch = static_cast<char>(rng());

  struct BadCase {
    const char* name;
    std::string file;
    std::string bytes;  // written unless empty and `keep` is set
    bool keep = false;  // the file was made by the CLI above
  };
  std::vector<BadCase> cases = {
      {"zero_length", "empty.wav", "", false},
      {"random_bytes", "random.mp3", random, false},
      {"png_renamed_mp3", "image.mp3", ReadAll(png), false},
      {"text", "notes.mp3", "These are not the droids you are looking for.\n", false},
      {"playlist", "list.m3u8",
       "#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:10,\nfile://" + mp3 +
           "\n#EXT-X-ENDLIST\n",
       false},
      {"concat_script", "list.ffconcat", "ffconcat version 1.0\nfile '" + mp3 + "'\n", false},
  };
  // Containers FFmpeg reads but we do not accept.
  ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i testsrc=size=64x64:duration=1 -c:v mpeg4 '" +
                  Path("video.mp4") + "'"),
            0);
  cases.push_back({"video_without_audio", "video.mp4", "", true});
  ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i sine=duration=1 -c:a flac '" + Path("audio.mkv") + "'"),
            0);
  cases.push_back({"matroska", "audio.mkv", "", true});
  ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i sine=duration=1 -c:a pcm_s16be -f au '" +
                  Path("audio.au") + "'"),
            0);
  cases.push_back({"au", "audio.au", "", true});

  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string path = Path(c.file);
    if (!c.keep) WriteAll(path, c.bytes);
    auto probe = ProbeFile(path);
    EXPECT_THAT(probe, StatusIs(Code::kInvalidArgument));
    EXPECT_EQ(probe.status().field(), "file");
    auto pcm = DecodeFile(path);
    EXPECT_THAT(pcm, StatusIs(Code::kInvalidArgument));
    EXPECT_EQ(pcm.status().field(), "file");
    EXPECT_THAT(ExtractEmbeddedCover(path), StatusIs(Code::kInvalidArgument));
  }
}

TEST_F(CodecTest, MissingFileAndDirectory) {
  EXPECT_THAT(DecodeFile(Path("absent.flac")), StatusIs(Code::kNotFound));
  EXPECT_THAT(ProbeFile(Path("absent.flac")), StatusIs(Code::kNotFound));
  EXPECT_THAT(DecodeFile(dir_.path()), StatusIs(Code::kInvalidArgument));
}

TEST_F(CodecTest, EnforcesLimits) {
  const std::string flac = MakeSine("long.flac", 60, "-ac 2 -c:a flac");
  {
    DecodeLimits limits;
    limits.max_decode_time = std::chrono::milliseconds(1);
    EXPECT_THAT(DecodeFile(flac, limits), StatusIs(Code::kDeadlineExceeded));
  }
  {
    DecodeLimits limits;
    limits.max_duration_ms = 10'000;
    EXPECT_THAT(DecodeFile(flac, limits), StatusIs(Code::kInvalidArgument));
  }
  {
    DecodeLimits limits;
    limits.max_file_bytes = SizeOf(flac) - 1;
    EXPECT_THAT(ProbeFile(flac, limits), StatusIs(Code::kInvalidArgument));
    EXPECT_THAT(DecodeFile(flac, limits), StatusIs(Code::kInvalidArgument));
    limits.max_file_bytes = SizeOf(flac);
    EXPECT_THAT(ProbeFile(flac, limits), IsOk());
  }
}

// Documented choice (ffmpeg_codec.cc): a truncated file decodes to the audio it still holds.
TEST_F(CodecTest, TruncatedFlacDecodesItsPrefix) {
  const std::string flac = MakeSine("whole.flac", 20, "-ac 2 -c:a flac");
  const std::string bytes = ReadAll(flac);
  const std::string cut = Path("cut.flac");
  WriteAll(cut, bytes.substr(0, bytes.size() * 3 / 10));
  auto pcm = DecodeFile(cut);
  ASSERT_THAT(pcm, IsOk());
  EXPECT_GT(pcm->duration_ms(), 4'000);
  EXPECT_LT(pcm->duration_ms(), 8'000);
  EXPECT_NEAR(ZeroCrossingHz(*pcm, 0), 440.0, 440.0 * 0.02);
}

TEST_F(CodecTest, CorruptFramesAreToleratedUpToFivePercent) {
  // RichSignal so FLAC frames are large and a corrupted byte lands in audio data (CRC-16 fails).
  const std::string flac = Path("rich.flac");
  ASSERT_THAT(WriteAudioFile(RichSignal(30), flac), IsOk());
  const std::string bytes = ReadAll(flac);
  const size_t size = bytes.size();
  {
    std::string damaged = bytes;  // one small scratch in the middle
    for (size_t i = size / 2; i < size / 2 + 16; ++i)
      damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
    WriteAll(Path("scratch.flac"), damaged);
    auto pcm = DecodeFile(Path("scratch.flac"));
    ASSERT_THAT(pcm, IsOk());
    EXPECT_NEAR(static_cast<double>(pcm->duration_ms()), 30'000, 500);
  }
  {
    std::string damaged = bytes;  // a byte every 4 KiB through the middle half
    for (size_t i = size / 4; i < size * 3 / 4; i += 4096)
      damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
    WriteAll(Path("shredded.flac"), damaged);
    auto pcm = DecodeFile(Path("shredded.flac"));
    EXPECT_THAT(pcm, StatusIs(Code::kInvalidArgument));
    EXPECT_THAT(std::string(pcm.status().message()), ::testing::HasSubstr("corrupt"));
  }
}

TEST_F(CodecTest, RefusesTagBombsBeforeFfmpegAllocates) {
  const std::string mp3 =
      ReadAll(MakeSine("plain.mp3", 2, "-ac 2 -c:a libmp3lame -id3v2_version 0 -write_xing 0"));
  // An ID3v2 tag header claiming ~256 MB in front of a small file.
  std::string id3 = std::string("ID3\x03\x00\x00", 6) + std::string("\x7f\x7f\x7f\x7f", 4);
  WriteAll(Path("bomb.mp3"), id3 + mp3);
  {
    auto r = DecodeFile(Path("bomb.mp3"));
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument));
    EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("claims"));
  }
  // The same behind an honest empty tag: FFmpeg reads consecutive tags, so do we.
  WriteAll(Path("bomb2.mp3"), std::string("ID3\x03\x00\x00\x00\x00\x00\x00", 10) + id3 + mp3);
  {
    auto r = DecodeFile(Path("bomb2.mp3"));
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument));
    EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("claims"));
  }
  WriteAll(Path("honest.mp3"), std::string("ID3\x03\x00\x00\x00\x00\x00\x00", 10) + mp3);
  EXPECT_THAT(DecodeFile(Path("honest.mp3")), IsOk());

  // A FLAC PICTURE block whose data length claims 400 MB.
  const std::string flac = ReadAll(MakeSine("plain.flac", 2, "-ac 2 -c:a flac"));
  ASSERT_EQ(flac.substr(0, 4), "fLaC");
  std::string picture;
  auto be32 = [&](uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) picture.push_back(static_cast<char>((v >> s) & 0xFF));
  };
  be32(3);  // front cover
  be32(9);
  picture += "image/png";
  be32(0);  // description
  be32(1);  // width, height, depth, colours
  be32(1);
  be32(24);
  be32(0);
  be32(400u << 20);  // data length
  picture += "tiny";
  // Insert after STREAMINFO (4 + 4 + 34 bytes), clearing STREAMINFO's last-block flag.
  std::string bomb = flac.substr(0, 42);
  bomb[4] = static_cast<char>(bomb[4] & 0x7F);
  std::string header = {static_cast<char>(0x06), 0, 0, static_cast<char>(picture.size())};
  bomb += header + picture + flac.substr(42);
  WriteAll(Path("bomb.flac"), bomb);
  {
    auto r = DecodeFile(Path("bomb.flac"));
    EXPECT_THAT(r, StatusIs(Code::kInvalidArgument));
    EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("claims"));
  }
}

// --- Covers ------------------------------------------------------------------------------------

TEST_F(CodecTest, ExtractsEmbeddedCover) {
  const std::string png = Path("cover.png");
  ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i testsrc=size=200x200 -frames:v 1 '" + png + "'"), 0);
  const std::string jpg = Path("cover.jpg");
  ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i testsrc=size=200x200 -frames:v 1 '" + jpg + "'"), 0);
  struct Case {
    const char* file;
    const char* audio_args;
    const std::string* picture;
  };
  // ID3v2 APIC, a FLAC PICTURE block (which our tag-bomb scan reads), an MP4 covr atom.
  for (const Case& c :
       {Case{"cover.mp3", "-c:a libmp3lame -id3v2_version 3", &png},
        Case{"cover.flac", "-c:a flac", &png}, Case{"cover.m4a", "-c:a aac", &jpg}}) {
    SCOPED_TRACE(c.file);
    const std::string with = Path(c.file);
    ASSERT_EQ(
        Shell(kFfmpeg + " -f lavfi -i sine=duration=2 -i '" + *c.picture + "' -map 0 -map 1 " +
              c.audio_args + " -c:v copy -disposition:v attached_pic '" + with + "'"),
        0);
    auto info = ProbeFile(with);
    ASSERT_THAT(info, IsOk());
    EXPECT_TRUE(info->has_embedded_cover);
    auto cover = ExtractEmbeddedCover(with);
    ASSERT_THAT(cover, IsOk());
    ASSERT_TRUE(cover->has_value());
    EXPECT_EQ(**cover, ReadAll(*c.picture));
    auto pcm = DecodeFile(with);  // the picture stream does not disturb decoding
    ASSERT_THAT(pcm, IsOk());
    EXPECT_NEAR(static_cast<double>(pcm->duration_ms()), 2000, 50);
  }

  const std::string without = MakeSine("no_cover.mp3", 2, "-ac 2 -c:a libmp3lame");
  auto none = ExtractEmbeddedCover(without);
  ASSERT_THAT(none, IsOk());
  EXPECT_FALSE(none->has_value());
}

TEST_F(CodecTest, IgnoresCoversOverSixteenMebibytes) {
  // Random pixels do not compress: ~17.3 MB of PNG.
  const std::string png = Path("huge.png");
  ASSERT_EQ(Shell(kFfmpeg +
                  " -f rawvideo -pix_fmt rgb24 -video_size 2400x2400 -i /dev/urandom "
                  "-frames:v 1 '" +
                  png + "'"),
            0);
  ASSERT_GT(SizeOf(png), int64_t{16} << 20);
  const std::string mp3 = Path("huge_cover.mp3");
  ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i sine=duration=1 -i '" + png +
                  "' -map 0 -map 1 -c:a libmp3lame -c:v copy -disposition:v attached_pic "
                  "-id3v2_version 3 '" +
                  mp3 + "'"),
            0);
  auto cover = ExtractEmbeddedCover(mp3);
  ASSERT_THAT(cover, IsOk());
  EXPECT_FALSE(cover->has_value());
}

// --- Vorbis chunks -----------------------------------------------------------------------------

TEST_F(CodecTest, VorbisChunksAreExactIndependentAndAtRate) {
  const PcmBuffer pcm = RichSignal(25.5);
  const int64_t total = pcm.frames();
  for (int kbps : {96, 160, 320}) {
    SCOPED_TRACE(kbps);
    const std::string out = Path("vorbis_" + std::to_string(kbps));
    auto chunks = EncodeVorbisChunks(pcm, kbps, out);
    ASSERT_THAT(chunks, IsOk());
    ASSERT_EQ(chunks->size(), 3u);  // ceil(25.5 / 10)
    int64_t sum = 0;
    for (size_t n = 0; n < chunks->size(); ++n) {
      const ChunkInfo& c = (*chunks)[n];
      SCOPED_TRACE(c.file_name);
      EXPECT_EQ(c.file_name, "chunk_" + std::to_string(n) + ".ogg");
      EXPECT_EQ(c.start_frame, static_cast<int64_t>(n) * kChunkFrames);
      EXPECT_EQ(c.frames, std::min(kChunkFrames, total - c.start_frame));
      const std::string path = out + "/" + c.file_name;
      EXPECT_EQ(c.bytes, SizeOf(path));
      sum += c.frames;

      // Decodes alone, to exactly its frames, with our decoder and with the CLI.
      auto decoded = DecodeFile(path);
      ASSERT_THAT(decoded, IsOk());
      EXPECT_EQ(decoded->frames(), c.frames);
      EXPECT_EQ(CliDecodedFrames(path, Path("scratch.raw")), c.frames);
      EXPECT_THAT(Probe(path, "codec_name,sample_rate,channels,duration_ts"),
                  ::testing::AllOf(
                      ::testing::HasSubstr("codec_name=vorbis"),
                      ::testing::HasSubstr("sample_rate=44100"), ::testing::HasSubstr("channels=2"),
                      ::testing::HasSubstr("duration_ts=" + std::to_string(c.frames))));

      if (c.frames == kChunkFrames) {  // full chunks: measured bit rate within 10% of nominal
        const double kbps_measured = static_cast<double>(c.bytes) * 8 / 10.0 / 1000;
        EXPECT_NEAR(kbps_measured, kbps, kbps * 0.10);
        std::printf("[ vorbis   ] %d kbps nominal: chunk %zu measured %.1f kbps\n", kbps, n,
                    kbps_measured);
      }
    }
    EXPECT_EQ(sum, total);
  }
}

TEST_F(CodecTest, ShortVorbisChunksDecodeExactly) {
  // The last chunk of a track can be any length; a one-page Ogg stream is FFmpeg's hard case.
  for (int64_t frames :
       {int64_t{1}, int64_t{2}, int64_t{64}, int64_t{1000}, int64_t{4410}, int64_t{44100}}) {
    SCOPED_TRACE(frames);
    PcmBuffer pcm = RichSignal(1.0, 3);
    pcm.samples.resize(static_cast<size_t>(frames) * 2);
    const std::string out = Path("short_" + std::to_string(frames));
    auto chunks = EncodeVorbisChunks(pcm, 160, out);
    ASSERT_THAT(chunks, IsOk());
    ASSERT_EQ(chunks->size(), 1u);
    const std::string path = out + "/chunk_0.ogg";
    auto decoded = DecodeFile(path);
    ASSERT_THAT(decoded, IsOk());
    EXPECT_EQ(decoded->frames(), frames);
    EXPECT_EQ(CliDecodedFrames(path, Path("scratch.raw")), frames);
  }
}

TEST_F(CodecTest, VorbisChunksSumToTheTrackAcrossBoundaries) {
  PcmBuffer pcm = Sine(440, 20.0);
  pcm.samples.resize(static_cast<size_t>(2 * kChunkFrames + 1) * 2);  // a 1-frame last chunk
  auto chunks = EncodeVorbisChunks(pcm, 96, Path("edge"));
  ASSERT_THAT(chunks, IsOk());
  ASSERT_EQ(chunks->size(), 3u);
  EXPECT_EQ(chunks->back().frames, 1);
  int64_t decoded_total = 0;
  for (const ChunkInfo& c : *chunks) {
    auto pcm_chunk = DecodeFile(Path("edge/" + c.file_name));
    ASSERT_THAT(pcm_chunk, IsOk());
    decoded_total += pcm_chunk->frames();
  }
  EXPECT_EQ(decoded_total, pcm.frames());
}

TEST_F(CodecTest, EncodersRejectBadArguments) {
  const PcmBuffer pcm = Sine(440, 1.0);
  EXPECT_THAT(EncodeVorbisChunks(pcm, 0, Path("x")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(EncodeVorbisChunks(PcmBuffer{}, 160, Path("x")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(EncodeHlsAac(pcm, 5000, Path("h")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(EncodeHlsAac(pcm, 96, Path("100%")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(EncodeFlac(PcmBuffer{}, Path("x.flac")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(EncodeClip(pcm, -1, 10, 96, Path("c.ogg")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(EncodeClip(pcm, 0, pcm.frames() + 1, 96, Path("c.ogg")),
              StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(EncodeClip(pcm, 0, 0, 96, Path("c.ogg")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(WriteAudioFile(pcm, Path("x.mp3")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(WriteAudioFile(pcm, Path("no_extension")), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(EncodeFlac(pcm, Path("missing_dir/x.flac")), StatusIs(Code::kInvalidArgument));
}

// --- FLAC and WAV ------------------------------------------------------------------------------

TEST_F(CodecTest, FlacAndWavRoundTripBitExactAt16Bits) {
  PcmBuffer pcm = RichSignal(4.0);
  pcm.samples[0] = 1.0f;  // full scale clips to 32767, as the writer documents
  pcm.samples[1] = -1.0f;
  struct Case {
    const char* file;
    const char* container;
    const char* codec;
  };
  for (const Case& c : {Case{"rt.flac", "flac", "flac"}, Case{"rt.wav", "wav", "pcm_s16le"},
                        Case{"RT.FLAC", "flac", "flac"}}) {
    SCOPED_TRACE(c.file);
    const std::string path = Path(c.file);
    ASSERT_THAT(WriteAudioFile(pcm, path), IsOk());
    auto info = ProbeFile(path);
    ASSERT_THAT(info, IsOk());
    EXPECT_EQ(info->container, c.container);
    EXPECT_EQ(info->codec, c.codec);
    auto decoded = DecodeFile(path);
    ASSERT_THAT(decoded, IsOk());
    ASSERT_EQ(decoded->frames(), pcm.frames());
    size_t mismatches = 0;
    for (size_t i = 0; i < pcm.samples.size(); ++i) {
      if (decoded->samples[i] != Quantize16(pcm.samples[i])) ++mismatches;
    }
    EXPECT_EQ(mismatches, 0u);
  }
  auto bytes = EncodeFlac(pcm, Path("direct.flac"));
  ASSERT_THAT(bytes, IsOk());
  EXPECT_EQ(*bytes, SizeOf(Path("direct.flac")));
  EXPECT_THAT(Probe(Path("direct.flac"), "codec_name,sample_fmt,bits_per_raw_sample"),
              ::testing::AllOf(::testing::HasSubstr("codec_name=flac"),
                               ::testing::HasSubstr("sample_fmt=s16"),
                               ::testing::HasSubstr("bits_per_raw_sample=16")));
}

// --- HLS ---------------------------------------------------------------------------------------

TEST_F(CodecTest, HlsAacSegmentsPlayThroughAPlaylist) {
  const PcmBuffer pcm = RichSignal(25.0);
  const int64_t total = pcm.frames();
  for (int kbps : {96, 160, 256}) {
    SCOPED_TRACE(kbps);
    const std::string out = Path("hls_" + std::to_string(kbps));
    auto segments = EncodeHlsAac(pcm, kbps, out);
    ASSERT_THAT(segments, IsOk());
    ASSERT_EQ(segments->size(), 3u);
    EXPECT_TRUE(Exists(out + "/init.mp4"));
    EXPECT_FALSE(Exists(out + "/ffmpeg.m3u8"));

    std::ostringstream playlist;
    playlist << "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:11\n#EXT-X-PLAYLIST-TYPE:VOD\n"
             << "#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MAP:URI=\"init.mp4\"\n";
    int64_t sum = 0;
    int64_t bytes = 0;
    for (size_t n = 0; n < segments->size(); ++n) {
      const ChunkInfo& s = (*segments)[n];
      EXPECT_EQ(s.file_name, "segment_" + std::to_string(n) + ".m4s");
      EXPECT_EQ(s.start_frame, sum);
      if (n > 0) {  // the first AAC packet at or after n * 10 s of the AAC timeline
        const int64_t boundary = static_cast<int64_t>(n) * kChunkFrames;
        EXPECT_EQ(s.start_frame, (boundary + kAacFrame - 1) / kAacFrame * kAacFrame);
      }
      EXPECT_EQ(s.bytes, SizeOf(out + "/" + s.file_name));
      sum += s.frames;
      bytes += s.bytes;
      char extinf[64];
      std::snprintf(extinf, sizeof(extinf), "#EXTINF:%.6f,\n",
                    static_cast<double>(s.frames) / kRate);
      playlist << extinf << s.file_name << "\n";
    }
    playlist << "#EXT-X-ENDLIST\n";
    EXPECT_EQ(sum, total + kAacFrame);  // the track plus the encoder's priming
    WriteAll(out + "/playlist.m3u8", playlist.str());

    const std::string raw = Path("hls.raw");
    const std::string cmd =
        kFfmpeg + " -i '" + out + "/playlist.m3u8' -f s16le -ac 2 '" + raw + "'";
    ASSERT_EQ(Shell(cmd), 0) << cmd;
    const int64_t decoded = SizeOf(raw) / 4;
    EXPECT_LE(std::llabs(decoded - total), 2 * kAacFrame) << decoded << " vs " << total;
    EXPECT_THAT(Probe(out + "/playlist.m3u8", "codec_name,profile,sample_rate,channels"),
                ::testing::AllOf(
                    ::testing::HasSubstr("codec_name=aac"), ::testing::HasSubstr("profile=LC"),
                    ::testing::HasSubstr("sample_rate=44100"), ::testing::HasSubstr("channels=2")));
    const double measured =
        static_cast<double>(bytes) * 8 / (static_cast<double>(total) / kRate) / 1000;
    std::printf("[ hls      ] %d kbps nominal: measured %.1f kbps (segments only)\n", kbps,
                measured);
    EXPECT_NEAR(measured, kbps, kbps * 0.15);
  }
}

TEST_F(CodecTest, HlsAacLastSegmentCanBeOnePacket) {
  // 881700 frames + 1024 priming = 882724: the packet at 882688 starts past 2 x 441000 and
  // becomes a third segment of 36 samples.
  PcmBuffer pcm = Sine(440, 20.0);
  pcm.samples.resize(881700 * 2);
  auto segments = EncodeHlsAac(pcm, 96, Path("hls_tail"));
  ASSERT_THAT(segments, IsOk());
  ASSERT_EQ(segments->size(), 3u);
  EXPECT_EQ((*segments)[2].start_frame, 882688);
  EXPECT_EQ((*segments)[2].frames, 36);
}

// --- Preview clip ------------------------------------------------------------------------------

TEST_F(CodecTest, ClipIsExactWithFades) {
  const PcmBuffer pcm = RichSignal(12.0);
  const int64_t start = 2 * kRate;
  const int64_t frames = 5 * kRate;
  auto bytes = EncodeClip(pcm, start, frames, 96, Path("preview.ogg"));
  ASSERT_THAT(bytes, IsOk());
  EXPECT_EQ(*bytes, SizeOf(Path("preview.ogg")));
  auto decoded = DecodeFile(Path("preview.ogg"));
  ASSERT_THAT(decoded, IsOk());
  ASSERT_EQ(decoded->frames(), frames);
  auto rms = [&](int64_t from, int64_t n) {
    double sum = 0;
    for (int64_t i = from * 2; i < (from + n) * 2; ++i) {
      sum += static_cast<double>(decoded->samples[static_cast<size_t>(i)]) *
             decoded->samples[static_cast<size_t>(i)];
    }
    return std::sqrt(sum / static_cast<double>(2 * n));
  };
  const int64_t ms10 = kRate / 100;
  const double middle = rms(frames / 2, ms10);
  EXPECT_LT(rms(0, ms10), middle * 0.1);              // fading in
  EXPECT_LT(rms(frames - ms10, ms10), middle * 0.1);  // fading out
  EXPECT_GT(rms(kRate + ms10, ms10), middle * 0.5);   // full level after 1 s
}

// --- Artwork -----------------------------------------------------------------------------------

TEST_F(CodecTest, ScalesArtworkToSquareJpeg) {
  struct Case {
    const char* file;
    const char* size;
    const char* pix_fmt;
    int out;
  };
  for (const Case& c :
       {Case{"art.png", "320x240", "rgb24", 64}, Case{"art.jpg", "640x360", "yuvj420p", 300},
        Case{"tall.png", "200x500", "rgba", 640}, Case{"pal.png", "101x99", "pal8", 64},
        Case{"gray.jpg", "333x222", "gray", 300}, Case{"deep.png", "64x80", "rgb48be", 32}}) {
    SCOPED_TRACE(c.file);
    const std::string src = Path(c.file);
    ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i testsrc=size=" + std::string(c.size) +
                    " -frames:v 1 -pix_fmt " + c.pix_fmt + " '" + src + "'"),
              0);
    const std::string out = Path(std::string("out_") + c.file + ".jpg");
    ASSERT_THAT(ScaleArtwork(ReadAll(src), c.out, out), IsOk());
    const std::string w = "width=" + std::to_string(c.out);
    const std::string h = "height=" + std::to_string(c.out);
    EXPECT_THAT(Probe(out, "codec_name,width,height"),
                ::testing::AllOf(::testing::HasSubstr("codec_name=mjpeg"), ::testing::HasSubstr(w),
                                 ::testing::HasSubstr(h)));
  }
}

TEST_F(CodecTest, RejectsBadArtwork) {
  const std::string out = Path("bad.jpg");
  EXPECT_THAT(ScaleArtwork("", 64, out), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(ScaleArtwork("GIF89a not supported", 64, out), StatusIs(Code::kInvalidArgument));
  // A PNG whose IHDR claims 10000 x 10000 (100 megapixels): refused before decoding.
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\x27\x10\0\0\x27\x10\x08\x02\0\0\0\0\0\0\0",
                  33);
  auto big = ScaleArtwork(png, 64, out);
  EXPECT_THAT(big, StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(big.field(), "image");
  // A JPEG whose SOF0 claims 9000 x 9000.
  std::string jpeg(
      "\xFF\xD8\xFF\xC0\x00\x11\x08\x23\x28\x23\x28\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 21);
  EXPECT_THAT(ScaleArtwork(jpeg, 64, out), StatusIs(Code::kInvalidArgument));
  // Truncated real JPEG.
  const std::string src = Path("t.jpg");
  ASSERT_EQ(Shell(kFfmpeg + " -f lavfi -i testsrc=size=320x240 -frames:v 1 '" + src + "'"), 0);
  EXPECT_THAT(ScaleArtwork(ReadAll(src).substr(0, 100), 64, out), StatusIs(Code::kInvalidArgument));
  EXPECT_THAT(ScaleArtwork(ReadAll(src), 0, out), StatusIs(Code::kInvalidArgument));
}

// --- Speed (opt-in: SONORA_CODEC_BENCH=1) -------------------------------------------------------

TEST_F(CodecTest, FullRenditionSetSpeed) {
  if (std::getenv("SONORA_CODEC_BENCH") == nullptr) GTEST_SKIP() << "set SONORA_CODEC_BENCH=1";
  const PcmBuffer pcm = RichSignal(60.0);
  using Clock = std::chrono::steady_clock;
  // CPU seconds (user + system) of this process or of finished children: the per-core cost,
  // steadier than wall time on a shared machine.
  auto cpu = [](int who) {
    rusage u{};
    getrusage(who, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  const double cpu0 = cpu(RUSAGE_SELF);
  const auto t0 = Clock::now();
  for (int kbps : {96, 160, 320}) {
    ASSERT_THAT(EncodeVorbisChunks(pcm, kbps, Path("b_v" + std::to_string(kbps))), IsOk());
  }
  const auto t1 = Clock::now();
  ASSERT_THAT(EncodeFlac(pcm, Path("b.flac")), IsOk());
  const auto t2 = Clock::now();
  for (int kbps : {96, 160, 256}) {
    ASSERT_THAT(EncodeHlsAac(pcm, kbps, Path("b_h" + std::to_string(kbps))), IsOk());
  }
  const auto t3 = Clock::now();
  const double ours_cpu = cpu(RUSAGE_SELF) - cpu0;
  auto secs = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const double ours = secs(t3 - t0);

  // The CLI doing the same work from a WAV of the same PCM (whole files, no chunking).
  const std::string wav = Path("b.wav");
  ASSERT_THAT(WriteAudioFile(pcm, wav), IsOk());
  auto cli_hls = [&](const std::string& coder_args) {
    for (int kbps : {96, 160, 256}) {
      const std::string d = Path("cli_h" + std::to_string(kbps));
      ASSERT_EQ(Shell("mkdir -p '" + d + "' && " + kFfmpeg + " -threads 1 -i '" + wav +
                      "' -c:a aac " + coder_args + " -b:a " + std::to_string(kbps) +
                      "k -f hls -hls_time 10 -hls_segment_type fmp4 -hls_playlist_type vod '" + d +
                      "/p.m3u8'"),
                0);
    }
  };
  const double child0 = cpu(RUSAGE_CHILDREN);
  const auto c0 = Clock::now();
  for (int kbps : {96, 160, 320}) {
    ASSERT_EQ(
        Shell(kFfmpeg + " -threads 1 -i '" + wav + "' -c:a libvorbis -b:a " + std::to_string(kbps) +
              "k '" + Path("cli_v" + std::to_string(kbps) + ".ogg") + "'"),
        0);
  }
  const auto c1 = Clock::now();
  ASSERT_EQ(Shell(kFfmpeg + " -threads 1 -i '" + wav + "' -c:a flac -sample_fmt s16 '" +
                  Path("cli.flac") + "'"),
            0);
  const auto c2 = Clock::now();
  cli_hls("");
  const auto c3 = Clock::now();
  const double cli_cpu = cpu(RUSAGE_CHILDREN) - child0;
  cli_hls("-aac_coder fast");
  const auto c4 = Clock::now();
  const double cli = secs(c3 - c0);
  std::printf(
      "[ speed    ] ours: vorbis x3 %.2fs, flac %.2fs, hls x3 %.2fs: full set %.2fs = %.1fx "
      "realtime on one core (%.1fx per rendition)\n",
      secs(t1 - t0), secs(t2 - t1), secs(t3 - t2), ours, 60.0 / ours, 7 * 60.0 / ours);
  std::printf(
      "[ speed    ] ffmpeg CLI: vorbis x3 %.2fs, flac %.2fs, hls x3 %.2fs (default aac coder; "
      "%.2fs with -aac_coder fast): full set %.2fs; ours is %.2fx the CLI's speed\n",
      secs(c1 - c0), secs(c2 - c1), secs(c3 - c2), secs(c4 - c3), cli, cli / ours);
  std::printf(
      "[ speed    ] CPU time: ours %.2fs = %.1fx realtime per core for the full set; CLI %.2fs; "
      "ours is %.2fx the CLI's speed\n",
      ours_cpu, 60.0 / ours_cpu, cli_cpu, cli_cpu / ours_cpu);
}

}  // namespace
}  // namespace sonora::media
