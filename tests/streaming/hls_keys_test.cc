// HLS key derivation (HKDF-SHA-256) and the crypto primitives under it: RFC known answers,
// determinism, separation by track/rendition/period, and the 24 h rotation boundary.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>

#include "core/clock.h"
#include "core/strings.h"
#include "streaming/internal/openssl_crypto.h"
#include "streaming/url_signer.h"

namespace sonora::streaming {
namespace {

constexpr int64_t kDayMillis = 86'400'000;

std::string Bytes(uint8_t first, size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(first + i);
  return s;
}

TEST(HmacSha256Test, KnownAnswers) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(internal::HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Empty key and message.
  EXPECT_EQ(HexEncode(internal::HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HkdfSha256Test, Rfc5869Vectors) {
  const std::string ikm(22, '\x0b');
  // Test case 1.
  EXPECT_EQ(HexEncode(internal::HkdfSha256(ikm, Bytes(0x00, 13), Bytes(0xf0, 10), 42)),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  // Test case 3: no salt, no info.
  EXPECT_EQ(HexEncode(internal::HkdfSha256(ikm, "", "", 42)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(ConstantTimeEqualsTest, Table) {
  struct Case {
    std::string a;
    std::string b;
    bool want;
  };
  const Case cases[] = {
      {"", "", true},
      {"a", "a", true},
      {"a", "b", false},
      {"abc", "abd", false},
      {"abc", "ab", false},
      {"", "a", false},
      {std::string(32, '\0'), std::string(32, '\0'), true},
      {std::string(32, '\0'), std::string(31, '\0') + '\x01', false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(internal::ConstantTimeEquals(c.a, c.b), c.want)
        << HexEncode(c.a) << " vs " << HexEncode(c.b);
  }
}

class HlsKeysTest : public ::testing::Test {
 protected:
  HlsKeysTest() : clock_(FromMillis(19675 * kDayMillis + 12345)), keys_(Bytes(0, 32), clock_) {}
  FakeClock clock_;
  HlsKeys keys_;
};

// Computed independently (Python hmac/hashlib) from docs/formats/signed-urls.md.
TEST_F(HlsKeysTest, GoldenKeyMatchesDocumentedDerivation) {
  EXPECT_EQ(HexEncode(keys_.Key("track_xyz", "hls_160", 19675)),
            "1660e86e5f3ad57dea07e570ef728eeb");
}

TEST_F(HlsKeysTest, DeterministicAnd16Bytes) {
  const HlsKeys again(Bytes(0, 32), clock_);
  const std::string k = keys_.Key("track_1", "hls_160", 7);
  EXPECT_EQ(k.size(), 16u);
  EXPECT_EQ(k, keys_.Key("track_1", "hls_160", 7));
  EXPECT_EQ(k, again.Key("track_1", "hls_160", 7));
}

TEST_F(HlsKeysTest, DifferentPerTrackRenditionPeriodAndMaster) {
  const HlsKeys other_master(Bytes(1, 32), clock_);
  const std::string keys[] = {
      keys_.Key("track_1", "hls_160", 7),
      keys_.Key("track_2", "hls_160", 7),
      keys_.Key("track_1", "hls_96", 7),
      keys_.Key("track_1", "hls_160", 8),
      keys_.Key("track_1", "hls_160", -7),
      other_master.Key("track_1", "hls_160", 7),
      // Delimiter placement: a naive "track|rendition|period" join would collide.
      keys_.Key("a|b", "c", 7),
      keys_.Key("a", "b|c", 7),
      keys_.Key("t", "r|7", 1),
      keys_.Key("t|r", "7", 1),
  };
  const std::set<std::string> distinct(std::begin(keys), std::end(keys));
  EXPECT_EQ(distinct.size(), std::size(keys));
}

TEST_F(HlsKeysTest, PeriodChangesExactlyAtTheDayBoundary) {
  clock_.Set(FromMillis(20000 * kDayMillis - 1));
  EXPECT_EQ(keys_.CurrentPeriod(), 19999);
  clock_.Set(FromMillis(20000 * kDayMillis));
  EXPECT_EQ(keys_.CurrentPeriod(), 20000);
  clock_.Advance(std::chrono::hours(24) - std::chrono::milliseconds(1));
  EXPECT_EQ(keys_.CurrentPeriod(), 20000);
  clock_.Advance(std::chrono::milliseconds(1));
  EXPECT_EQ(keys_.CurrentPeriod(), 20001);
  clock_.Set(FromMillis(0));
  EXPECT_EQ(keys_.CurrentPeriod(), 0);
  // Before the epoch the period floors, so day -1 is a full 24 h too.
  clock_.Set(FromMillis(-1));
  EXPECT_EQ(keys_.CurrentPeriod(), -1);
  clock_.Set(FromMillis(-kDayMillis));
  EXPECT_EQ(keys_.CurrentPeriod(), -1);
  clock_.Set(FromMillis(-kDayMillis - 1));
  EXPECT_EQ(keys_.CurrentPeriod(), -2);
}

TEST_F(HlsKeysTest, KeyRotatesWithThePeriod) {
  clock_.Set(FromMillis(20000 * kDayMillis - 1));
  const std::string before = keys_.Key("track_1", "hls_160", keys_.CurrentPeriod());
  clock_.Advance(std::chrono::milliseconds(1));
  const std::string after = keys_.Key("track_1", "hls_160", keys_.CurrentPeriod());
  EXPECT_NE(before, after);
  EXPECT_EQ(before, keys_.Key("track_1", "hls_160", 19999));
}

// The key of a track's sealed chunks: documented derivation (salt "sonora-track-v1", info
// track and period length-prefixed), one per track and period, never an HLS key.
TEST_F(HlsKeysTest, TrackKeyFollowsTheDocumentedDerivationAndRotatesDaily) {
  const std::string k = keys_.TrackKey("track_xyz", 19675);
  EXPECT_EQ(k, internal::HkdfSha256(Bytes(0, 32), "sonora-track-v1", "9:track_xyz|5:19675", 16));
  EXPECT_EQ(k.size(), 16u);
  EXPECT_EQ(k, HlsKeys(Bytes(0, 32), clock_).TrackKey("track_xyz", 19675));
  EXPECT_NE(k, keys_.TrackKey("track_xyz", 19676));
  EXPECT_NE(k, keys_.TrackKey("track_xy", 19675));
  for (const char* r : {"hls_96", "hls_160", "hls_256"}) EXPECT_NE(k, keys_.Key("track_xyz", r, 19675));
  // The period of a time, as CurrentPeriod computes it for now.
  EXPECT_EQ(HlsKeys::PeriodOf(19675 * kDayMillis + 12345), keys_.CurrentPeriod());
  EXPECT_EQ(HlsKeys::PeriodOf(20000 * kDayMillis - 1), 19999);
  EXPECT_EQ(HlsKeys::PeriodOf(20000 * kDayMillis), 20000);
}

}  // namespace
}  // namespace sonora::streaming
