// Signed media tokens (SECURITY.md §2, docs/formats/signed-urls.md): round trip, every tamper,
// expiry boundary, key rotation, malformed input and canonicalization.
#include "streaming/url_signer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/strings.h"
#include "support/status_matchers.h"

namespace sonora::streaming {
namespace {

using ::sonora::testing::IsOk;
using ::sonora::testing::StatusIs;

constexpr int64_t kStartSeconds = 1'700'000'000;
constexpr int64_t kTtlSeconds = std::chrono::seconds(kSignedUrlTtl).count();

// Matches a Result<MediaGrant> that failed with kPermissionDenied and the given reason.
MATCHER_P(DeniedWith, reason, "is denied with reason " + std::string(reason)) {
  if (arg.ok()) {
    *result_listener << "which verified";
    return false;
  }
  *result_listener << "whose status is " << arg.status().ToString() << " reason "
                   << arg.status().reason();
  return arg.status().code() == Code::kPermissionDenied && arg.status().reason() == reason;
}

std::string Secret(char seed) {
  std::string s(32, '\0');
  for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(seed + static_cast<char>(i));
  return s;
}

std::vector<std::string> Fields(const std::string& token) { return Split(token, '.'); }

std::string WithField(const std::string& token, size_t index, const std::string& value) {
  std::vector<std::string> fields = Fields(token);
  fields.at(index) = value;
  return Join(fields, ".");
}

// Token field indexes (docs/formats/signed-urls.md).
enum Field : size_t { kVersion = 0, kKid, kExpiry, kUser, kDevice, kMac };

class UrlSignerTest : public ::testing::Test {
 protected:
  UrlSignerTest()
      : clock_(FromMillis(kStartSeconds * 1000)),
        signer_({{"k2", Secret(0)}, {"k1", Secret(100)}}, clock_) {}

  MediaGrant Grant() const {
    MediaGrant g;
    g.user_id = "user_abc";
    g.track_id = "track_xyz";
    g.rendition = "160";
    g.device_id = "dev_1";
    g.expires_at_s = kStartSeconds + kTtlSeconds;
    return g;
  }

  FakeClock clock_;
  UrlSigner signer_;
};

void ExpectSameGrant(const MediaGrant& got, const MediaGrant& want) {
  EXPECT_EQ(got.user_id, want.user_id);
  EXPECT_EQ(got.track_id, want.track_id);
  EXPECT_EQ(got.rendition, want.rendition);
  EXPECT_EQ(got.device_id, want.device_id);
  EXPECT_EQ(got.expires_at_s, want.expires_at_s);
}

TEST_F(UrlSignerTest, RoundTrip) {
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  SONORA_ASSERT_OK_AND_ASSIGN(auto got, signer_.Verify(token, g.track_id, g.rendition));
  ExpectSameGrant(*got, g);
}

TEST_F(UrlSignerTest, RoundTripWithoutDevice) {
  MediaGrant g = Grant();
  g.device_id.clear();
  SONORA_ASSERT_OK_AND_ASSIGN(auto got,
                              signer_.Verify(signer_.Sign(g), g.track_id, g.rendition));
  ExpectSameGrant(*got, g);
}

TEST_F(UrlSignerTest, RoundTripWithBinaryAndDelimiterCharacters) {
  MediaGrant g = Grant();
  g.user_id = std::string("u|s.e:r\0\xff", 9);
  g.device_id = "d|2:x.";
  g.track_id = "t|1:";
  SONORA_ASSERT_OK_AND_ASSIGN(auto got,
                              signer_.Verify(signer_.Sign(g), g.track_id, g.rendition));
  ExpectSameGrant(*got, g);
}

// The documented format, computed independently (Python hmac/hashlib) from
// docs/formats/signed-urls.md: keeps the code and the document in step.
TEST_F(UrlSignerTest, GoldenTokenMatchesDocumentedFormat) {
  EXPECT_EQ(signer_.Sign(Grant()),
            "v1.k2.1700003600.dXNlcl9hYmM.ZGV2XzE.Deb6BaTF-Aeq6UtEAex6EuV_hPf3xiYEf1QOB9SvyGs");
}

TEST_F(UrlSignerTest, TokenIsPathSafe) {
  const std::string token = signer_.Sign(Grant());
  EXPECT_LE(token.size(), 512u);
  for (char c : token) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    EXPECT_TRUE(ok) << "character '" << c << "' in " << token;
  }
}

TEST_F(UrlSignerTest, EveryBitFlipIsRejected) {
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  for (size_t i = 0; i < token.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string t = token;
      t[i] = static_cast<char>(t[i] ^ (1 << bit));
      EXPECT_THAT(signer_.Verify(t, g.track_id, g.rendition), DeniedWith("invalid_signature"))
          << "byte " << i << " bit " << bit << ": " << t;
    }
  }
}

TEST_F(UrlSignerTest, EverySingleCharacterSubstitutionIsRejected) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : kAlphabet) {
      if (c == token[i]) continue;
      std::string t = token;
      t[i] = c;
      EXPECT_THAT(signer_.Verify(t, g.track_id, g.rendition), DeniedWith("invalid_signature"))
          << "position " << i << " -> '" << c << "': " << t;
    }
  }
}

TEST_F(UrlSignerTest, FieldTampersAreRejected) {
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  struct Case {
    const char* name;
    std::string token;
    std::string track_id;
    std::string rendition;
  };
  const Case cases[] = {
      {"other track", token, "track_other", g.rendition},
      {"track prefix", token, "track_xy", g.rendition},
      {"other rendition", token, g.track_id, "320"},
      {"hls rendition", token, g.track_id, "hls_160"},
      {"empty track", token, "", g.rendition},
      {"other user", WithField(token, kUser, Base64UrlEncode("user_abd")), g.track_id, g.rendition},
      {"empty user", WithField(token, kUser, ""), g.track_id, g.rendition},
      {"other device", WithField(token, kDevice, Base64UrlEncode("dev_2")), g.track_id,
       g.rendition},
      {"device removed", WithField(token, kDevice, ""), g.track_id, g.rendition},
      {"later expiry", WithField(token, kExpiry, std::to_string(g.expires_at_s + 3600)), g.track_id,
       g.rendition},
      {"earlier expiry", WithField(token, kExpiry, std::to_string(g.expires_at_s - 1)), g.track_id,
       g.rendition},
      {"swapped to previous kid", WithField(token, kKid, "k1"), g.track_id, g.rendition},
      {"unknown kid", WithField(token, kKid, "k3"), g.track_id, g.rendition},
      {"mac of another grant", WithField(token, kMac, Fields(signer_.Sign([&] {
                                           MediaGrant o = g;
                                           o.track_id = "track_other";
                                           return o;
                                         }()))[kMac]),
       g.track_id, g.rendition},
      {"mac zeroed", WithField(token, kMac, Base64UrlEncode(std::string(32, '\0'))), g.track_id,
       g.rendition},
      {"mac truncated", WithField(token, kMac, Fields(token)[kMac].substr(0, 42)), g.track_id,
       g.rendition},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(signer_.Verify(c.token, c.track_id, c.rendition), DeniedWith("invalid_signature"))
        << c.name << ": " << c.token;
  }
}

TEST_F(UrlSignerTest, SameKidWithAnotherSecretIsRejected) {
  const UrlSigner impostor({{"k2", Secret(7)}}, clock_);
  const MediaGrant g = Grant();
  EXPECT_THAT(signer_.Verify(impostor.Sign(g), g.track_id, g.rendition),
              DeniedWith("invalid_signature"));
}

TEST_F(UrlSignerTest, ExpiryBoundary) {
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  // One millisecond before expires_at_s: still valid.
  clock_.Set(FromMillis(g.expires_at_s * 1000 - 1));
  EXPECT_THAT(signer_.Verify(token, g.track_id, g.rendition), IsOk());
  // Exactly at expires_at_s: expired (now >= expires_at_s).
  clock_.Set(FromMillis(g.expires_at_s * 1000));
  EXPECT_THAT(signer_.Verify(token, g.track_id, g.rendition), DeniedWith("url_expired"));
  clock_.Advance(std::chrono::hours(24));
  EXPECT_THAT(signer_.Verify(token, g.track_id, g.rendition), DeniedWith("url_expired"));
}

TEST_F(UrlSignerTest, ARememberedTokenStillBindsItsTrackAndRenditionAndExpires) {
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  for (int i = 0; i < 3; ++i) {  // the first call verifies the MAC, the others remember it
    SONORA_ASSERT_OK_AND_ASSIGN(auto got, signer_.Verify(token, g.track_id, g.rendition));
    ExpectSameGrant(*got, g);
  }
  EXPECT_THAT(signer_.Verify(token, "track_other", g.rendition), DeniedWith("invalid_signature"));
  EXPECT_THAT(signer_.Verify(token, g.track_id, "lossless"), DeniedWith("invalid_signature"));
  EXPECT_THAT(signer_.Verify(token + "A", g.track_id, g.rendition),
              DeniedWith("invalid_signature"));
  clock_.Set(FromMillis(g.expires_at_s * 1000));
  EXPECT_THAT(signer_.Verify(token, g.track_id, g.rendition), DeniedWith("url_expired"));
}

TEST_F(UrlSignerTest, ExpiredAndForgedIsInvalidSignatureNotExpired) {
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  clock_.Set(FromMillis((g.expires_at_s + 10) * 1000));
  EXPECT_THAT(
      signer_.Verify(WithField(token, kUser, Base64UrlEncode("mallory")), g.track_id, g.rendition),
      DeniedWith("invalid_signature"));
  EXPECT_THAT(signer_.Verify(token, "track_other", g.rendition), DeniedWith("invalid_signature"));
  EXPECT_THAT(signer_.Verify(token, g.track_id, g.rendition), DeniedWith("url_expired"));
}

TEST_F(UrlSignerTest, PreviousKeyAcceptedAfterRotationRemovedKeyRejected) {
  const MediaGrant g = Grant();
  const UrlSigner before({{"k1", Secret(100)}}, clock_);
  const std::string old_token = before.Sign(g);
  EXPECT_EQ(Fields(old_token)[kKid], "k1");

  // Rotation: k2 is current, k1 still accepted.
  const UrlSigner during({{"k2", Secret(0)}, {"k1", Secret(100)}}, clock_);
  EXPECT_THAT(during.Verify(old_token, g.track_id, g.rendition), IsOk());
  const std::string new_token = during.Sign(g);
  EXPECT_EQ(Fields(new_token)[kKid], "k2");
  EXPECT_THAT(during.Verify(new_token, g.track_id, g.rendition), IsOk());

  // Next rotation: k1 is gone.
  const UrlSigner after({{"k3", Secret(50)}, {"k2", Secret(0)}}, clock_);
  EXPECT_THAT(after.Verify(old_token, g.track_id, g.rendition), DeniedWith("invalid_signature"));
  EXPECT_THAT(after.Verify(new_token, g.track_id, g.rendition), IsOk());
}

TEST_F(UrlSignerTest, MalformedTokensAreInvalidNeverACrash) {
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  const std::string mac = Fields(token)[kMac];
  const std::string user = Fields(token)[kUser];
  const std::string dev = Fields(token)[kDevice];
  auto make = [&](const std::string& version, const std::string& kid, const std::string& exp) {
    return version + "." + kid + "." + exp + "." + user + "." + dev + "." + mac;
  };
  struct Case {
    const char* name;
    std::string token;
  };
  const Case cases[] = {
      {"empty", ""},
      {"10 KB", std::string(10 * 1024, 'A')},
      {"10 KB of dots", std::string(10 * 1024, '.')},
      {"513 bytes of dots", std::string(513, '.')},
      {"valid token plus 600 bytes", token + std::string(600, 'A')},
      {"only dots", "....."},
      {"non-base64 user", WithField(token, kUser, "!!!!")},
      {"padded user", WithField(token, kUser, user + "=")},
      {"non-base64 mac", WithField(token, kMac, mac.substr(0, 42) + "+")},
      {"impossible base64 length", WithField(token, kDevice, "A")},
      {"five fields", Join({"v1", "k2", "1700003600", user, mac}, ".")},
      {"seven fields", token + ".x"},
      {"trailing dot", token + "."},
      {"leading dot", "." + token},
      {"bad version v2", WithField(token, kVersion, "v2")},
      {"bad version V1", WithField(token, kVersion, "V1")},
      {"empty version", WithField(token, kVersion, "")},
      {"empty kid", WithField(token, kKid, "")},
      {"kid too long", WithField(token, kKid, std::string(17, 'k'))},
      {"non-numeric expiry", make("v1", "k2", "17000036OO")},
      {"hex expiry", make("v1", "k2", "0x6553f100")},
      {"negative expiry", make("v1", "k2", "-1700003600")},
      {"plus-signed expiry", make("v1", "k2", "+1700003600")},
      {"leading-zero expiry", make("v1", "k2", "01700003600")},
      {"space in expiry", make("v1", "k2", " 1700003600")},
      {"empty expiry", make("v1", "k2", "")},
      {"int64 overflow expiry", make("v1", "k2", "9223372036854775808")},
      {"huge expiry", make("v1", "k2", "99999999999999999999999999")},
      {"max int64 expiry", make("v1", "k2", "9223372036854775807")},
      {"NUL inside", std::string("v1.k2\0.1", 8)},
      {"non-ASCII", "v1.k\xc3\xa9.1700003600." + user + "." + dev + "." + mac},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(signer_.Verify(c.token, g.track_id, g.rendition), DeniedWith("invalid_signature"))
        << c.name;
  }
}

TEST_F(UrlSignerTest, NegativeAndHugeExpiryInAGrant) {
  // A negative expiry cannot be represented in a token; a huge one verifies (the MAC covers it).
  MediaGrant g = Grant();
  g.expires_at_s = -5;
  EXPECT_THAT(signer_.Verify(signer_.Sign(g), g.track_id, g.rendition),
              DeniedWith("invalid_signature"));
  g.expires_at_s = INT64_MAX;
  EXPECT_THAT(signer_.Verify(signer_.Sign(g), g.track_id, g.rendition), IsOk());
}

TEST_F(UrlSignerTest, TokenLengthLimitIs512Bytes) {
  // Find user ids whose tokens are exactly 512 and 513 bytes long.
  MediaGrant g = Grant();
  g.device_id.clear();
  bool saw512 = false;
  bool saw513 = false;
  for (size_t n = 0; n < 400; ++n) {
    g.user_id = std::string(n, 'u');
    const std::string token = signer_.Sign(g);
    if (token.size() == 512) {
      saw512 = true;
      EXPECT_THAT(signer_.Verify(token, g.track_id, g.rendition), IsOk());
    } else if (token.size() == 513) {
      saw513 = true;
      EXPECT_THAT(signer_.Verify(token, g.track_id, g.rendition), DeniedWith("invalid_signature"));
    }
  }
  EXPECT_TRUE(saw512);
  EXPECT_TRUE(saw513);
}

// Grants whose naive '|' join would be identical must get different MACs, and one's MAC must
// not verify for the other.
TEST_F(UrlSignerTest, DelimiterPlacementChangesTheMac) {
  struct Case {
    const char* name;
    MediaGrant a;
    MediaGrant b;
  };
  const int64_t exp = kStartSeconds + kTtlSeconds;
  const Case cases[] = {
      {"user|track", {"ab|c", "t", "160", "d", exp}, {"ab", "c|t", "160", "d", exp}},
      {"track|rendition", {"u", "t|1", "60", "d", exp}, {"u", "t", "1|60", "d", exp}},
      {"user:track", {"a", "bc", "160", "", exp}, {"ab", "c", "160", "", exp}},
      {"length-prefix lookalike",
       {"1:a|1:b", "t", "160", "", exp},
       {"1:a", "1:b|t", "160", "", exp}},
      {"device|user swap", {"x", "t", "160", "", exp}, {"", "t", "160", "x", exp}},
  };
  for (const Case& c : cases) {
    const std::string ta = signer_.Sign(c.a);
    const std::string tb = signer_.Sign(c.b);
    EXPECT_NE(Fields(ta)[kMac], Fields(tb)[kMac]) << c.name;
    // a's MAC with b's fields, presented for b's path: rejected.
    const std::string forged = WithField(tb, kMac, Fields(ta)[kMac]);
    EXPECT_THAT(signer_.Verify(forged, c.b.track_id, c.b.rendition),
                DeniedWith("invalid_signature"))
        << c.name;
    // a's own token presented for b's path (where the paths differ): rejected.
    if (c.a.track_id != c.b.track_id || c.a.rendition != c.b.rendition) {
      EXPECT_THAT(signer_.Verify(ta, c.b.track_id, c.b.rendition), DeniedWith("invalid_signature"))
          << c.name;
    }
  }
}

// A fixed-seed table of random mutations: none verifies, none crashes.
TEST_F(UrlSignerTest, RandomMutationsAreRejected) {
  const MediaGrant g = Grant();
  const std::string token = signer_.Sign(g);
  std::mt19937 rng(20240611);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  auto byte = [&] { return static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng)); };
  int tested = 0;
  for (int i = 0; i < 200; ++i) {
    std::string t = token;
    const size_t ops = 1 + pick(3);
    for (size_t k = 0; k < ops; ++k) {
      switch (pick(7)) {
        case 0:  // flip one bit
          if (!t.empty()) {
            const size_t p = pick(t.size());
            t[p] = static_cast<char>(t[p] ^ (1 << pick(8)));
          }
          break;
        case 1:  // overwrite one byte
          if (!t.empty()) t[pick(t.size())] = byte();
          break;
        case 2:  // insert one byte
          t.insert(t.begin() + static_cast<std::ptrdiff_t>(pick(t.size() + 1)), byte());
          break;
        case 3:  // delete one byte
          if (!t.empty()) t.erase(pick(t.size()), 1);
          break;
        case 4:  // truncate
          t.resize(pick(t.size() + 1));
          break;
        case 5:  // duplicate a slice
          if (!t.empty()) {
            const size_t p = pick(t.size());
            t.insert(p, t.substr(p, 1 + pick(16)));
          }
          break;
        case 6:  // swap two bytes
          if (t.size() > 1) std::swap(t[pick(t.size())], t[pick(t.size())]);
          break;
      }
    }
    if (t == token) continue;
    ++tested;
    EXPECT_THAT(signer_.Verify(t, g.track_id, g.rendition), DeniedWith("invalid_signature"))
        << "mutation " << i << ": " << HexEncode(t);
  }
  EXPECT_GT(tested, 190);
}

}  // namespace
}  // namespace sonora::streaming
