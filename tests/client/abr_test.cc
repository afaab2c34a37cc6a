// Quality choice (seed 000 §7 "Adaptive Quality"): a table of measured throughputs against the
// free and premium offers, the 50% margin at its exact edge, the cap, and the helpers.
#include "client/abr.h"

#include <gtest/gtest.h>

#include "client/http_transport.h"

namespace sonora::client {
namespace {

std::vector<RenditionOffer> Premium() {
  return {{"320kbps", 320, 0}, {"96kbps", 96, 0}, {"160kbps", 160, 0}};  // any order
}
std::vector<RenditionOffer> Free() { return {{"96kbps", 96, 0}, {"160kbps", 160, 0}}; }

std::string Pick(const std::vector<RenditionOffer>& offers, std::optional<double> kbps,
                 int cap = 0) {
  const int i = ChooseQuality({.offers = offers, .measured_kbps = kbps, .max_nominal_kbps = cap});
  return i < 0 ? "none" : offers[i].key;
}

TEST(AbrTest, ThroughputToQualityForFreeAndPremium) {
  struct Case {
    std::optional<double> measured_kbps;
    const char* premium;
    const char* free;
  } cases[] = {
      {std::nullopt, "96kbps", "96kbps"},  // nothing measured yet: start low
      {50, "96kbps", "96kbps"},            // nothing fits: the lowest, never nothing
      {191.9, "96kbps", "96kbps"},
      {192, "96kbps", "96kbps"},  // 192 * 0.5 = 96
      {319.9, "96kbps", "96kbps"},
      {320, "160kbps", "160kbps"},  // 320 * 0.5 = 160 exactly
      {400, "160kbps", "160kbps"},  // the 400 kbit/s shaped run: 200 < 320
      {639.9, "160kbps", "160kbps"},
      {640, "320kbps", "160kbps"},   // 640 * 0.5 = 320 exactly; free is capped at 160
      {2000, "320kbps", "160kbps"},  // the 2 Mbit/s shaped run
      {1e7, "320kbps", "160kbps"},   // loopback
  };
  for (const auto& c : cases) {
    const std::string label = c.measured_kbps ? std::to_string(*c.measured_kbps) : "none";
    EXPECT_EQ(Pick(Premium(), c.measured_kbps), c.premium) << label;
    EXPECT_EQ(Pick(Free(), c.measured_kbps), c.free) << label;
  }
}

TEST(AbrTest, MarginIsExactlyHalf) {
  EXPECT_DOUBLE_EQ(kSafetyMargin, 0.5);
  EXPECT_DOUBLE_EQ(SafeKbps(1000), 500);
  EXPECT_EQ(Pick(Premium(), 640), "320kbps");
  EXPECT_EQ(Pick(Premium(), 639.999), "160kbps");
}

TEST(AbrTest, ActualBitrateFromTheManifestDecides) {
  // A 320 kbps rendition that really averages 250 kbps fits in 500 kbps of throughput.
  std::vector<RenditionOffer> offers = {
      {"96kbps", 96, 80}, {"160kbps", 160, 130}, {"320kbps", 320, 250}};
  EXPECT_EQ(Pick(offers, 500), "320kbps");
  EXPECT_EQ(Pick(offers, 499), "160kbps");
  EXPECT_EQ(Pick(offers, 260), "160kbps");
  EXPECT_EQ(Pick(offers, 259), "96kbps");
  // 10 s of 44.1 kHz in 400,000 bytes is 320 kbps.
  EXPECT_DOUBLE_EQ(MeasuredKbps(400'000, 441'000, 44100), 320);
  EXPECT_EQ(MeasuredKbps(1, 0, 44100), 0);
}

TEST(AbrTest, UserCapAndEmptyOffers) {
  EXPECT_EQ(Pick(Premium(), 1e6, 160), "160kbps");
  EXPECT_EQ(Pick(Premium(), 1e6, 96), "96kbps");
  EXPECT_EQ(Pick({}, 1e6), "none");
}

TEST(AbrTest, ThroughputAverageAndParsing) {
  EXPECT_DOUBLE_EQ(UpdateThroughput(std::nullopt, 800), 800);
  EXPECT_DOUBLE_EQ(UpdateThroughput(800, 400), 400) << "a drop counts at once";
  EXPECT_DOUBLE_EQ(UpdateThroughput(400, 800),
                   400 * (1 - kThroughputEwmaAlpha) + 800 * kThroughputEwmaAlpha)
      << "a rise is averaged in";
  EXPECT_EQ(ParseKbpsKey("160kbps"), 160);
  EXPECT_EQ(ParseKbpsKey("lossless"), std::nullopt);
  EXPECT_EQ(ParseKbpsKey("kbps"), std::nullopt);
  EXPECT_EQ(ParseKbpsKey("x96kbps"), std::nullopt);
  EXPECT_EQ(ParseQualityCap(""), 0);
  EXPECT_EQ(ParseQualityCap("high"), 320);
  EXPECT_EQ(ParseQualityCap("low"), 96);
  EXPECT_EQ(ParseQualityCap("loud"), std::nullopt);
}

TEST(AbrTest, ServerUrl) {
  auto a = ParseServerUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8080);
  auto b = ParseServerUrl("http://localhost/");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port, 80);
  for (const char* bad : {"https://x:1", "127.0.0.1:80", "http://x:0", "http://x:99999",
                          "http://x:8/path", "http://"}) {
    EXPECT_FALSE(ParseServerUrl(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace sonora::client
