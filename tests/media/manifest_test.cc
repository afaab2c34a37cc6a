// ParseManifest reads back what ManifestToJson writes, skips members it does not know, and
// rejects malformed or mistyped manifests.
#include "media/manifest.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "support/status_matchers.h"

namespace sonora::media {
namespace {

using ::sonora::testing::IsOk;

Manifest Sample() {
  Manifest m;
  m.sample_rate = 44100;
  m.channels = 2;
  m.frames = 1411200;
  m.duration_ms = 32000;
  m.chunk_frames = 441000;
  for (int kbps : {96, 160}) {
    Rendition r{std::to_string(kbps), "vorbis", "ogg", kbps, {}};
    for (int i = 0; i < 4; ++i) {
      r.chunks.push_back({"chunk_" + std::to_string(i) + ".ogg", int64_t{i} * 441000,
                          i < 3 ? 441000 : 88200, 80000 + i * kbps});
    }
    m.renditions.push_back(std::move(r));
  }
  m.renditions.push_back({"lossless", "flac", "flac", 0, {{"track.flac", 0, 1411200, 3000000}}});
  return m;
}

void ExpectSame(const Manifest& a, const Manifest& b) {
  EXPECT_EQ(a.sample_rate, b.sample_rate);
  EXPECT_EQ(a.channels, b.channels);
  EXPECT_EQ(a.frames, b.frames);
  EXPECT_EQ(a.duration_ms, b.duration_ms);
  EXPECT_EQ(a.chunk_frames, b.chunk_frames);
  ASSERT_EQ(a.renditions.size(), b.renditions.size());
  for (size_t i = 0; i < a.renditions.size(); ++i) {
    const Rendition& x = a.renditions[i];
    const Rendition& y = b.renditions[i];
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.codec, y.codec);
    EXPECT_EQ(x.container, y.container);
    EXPECT_EQ(x.kbps, y.kbps);
    ASSERT_EQ(x.chunks.size(), y.chunks.size());
    for (size_t k = 0; k < x.chunks.size(); ++k) {
      EXPECT_EQ(x.chunks[k].file_name, y.chunks[k].file_name);
      EXPECT_EQ(x.chunks[k].start_frame, y.chunks[k].start_frame);
      EXPECT_EQ(x.chunks[k].frames, y.chunks[k].frames);
      EXPECT_EQ(x.chunks[k].bytes, y.chunks[k].bytes);
    }
  }
}

TEST(ManifestTest, ParseManifestReadsWhatManifestToJsonWrites) {
  const std::string text = DumpJson(ManifestToJson(Sample()));
  auto direct = ParseManifest(text);
  ASSERT_THAT(direct.status(), IsOk());
  ExpectSame(*direct, Sample());
  EXPECT_EQ(direct->Find("160")->chunks[3].bytes, 80000 + 3 * 160);
}

TEST(ManifestTest, UnknownMembersAnywhereAreSkipped) {
  Json j = ManifestToJson(Sample());
  j["future"] = {{"nested", {1, 2, {{"frames", "not ours"}}}}, {"x", nullptr}};
  j["renditions"][0]["loudness"] = -14.2;
  j["renditions"][0]["chunks"][0]["checksum"] = {{"sha256", "ab"}};
  j["renditions"][1]["tags"] = {"a", "b"};
  auto direct = ParseManifest(DumpJson(j));
  ASSERT_THAT(direct.status(), IsOk());
  ExpectSame(*direct, Sample());
}

TEST(ManifestTest, BadManifestsAreRejected) {
  Json wrong_type = ManifestToJson(Sample());
  wrong_type["renditions"][0]["chunks"][1]["bytes"] = "many";
  Json wrong_version = ManifestToJson(Sample());
  wrong_version["version"] = 2;
  Json no_version = ManifestToJson(Sample());
  no_version.erase("version");
  Json chunks_object = ManifestToJson(Sample());
  chunks_object["renditions"][0]["chunks"] = {{"a", 1}};
  for (const Json& bad :
       {wrong_type, wrong_version, no_version, chunks_object, Json::array({1, 2}), Json(5)}) {
    const std::string text = DumpJson(bad);
    EXPECT_EQ(ParseManifest(text).status().code(), Code::kInternal) << text;
  }
  for (const char* text : {"", "{", "{\"version\":1,", "[1,2", "{\"version\":1}x",
                           "{\"version\":18446744073709551615}"}) {
    EXPECT_EQ(ParseManifest(text).status().code(), Code::kInternal) << text;
  }
}

}  // namespace
}  // namespace sonora::media
