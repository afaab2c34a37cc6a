// The signed-media and playback-session parsers (src/streaming/url_signer.h, session_ids.h),
// which read tokens straight from request paths. Input: four fields, one per line.
// Promises checked:
// - UrlSigner::Verify and SessionIds::Peek/Open never crash on any token;
// - a token Sign made for a grant verifies as that grant (when it fits the 512-byte cap), and
//   changing any one of its characters makes it fail: one spelling per grant;
// - a session id Issue made opens to the claims it was given, for its user and track only;
// - a sealed chunk opens to the bytes that were sealed, and opening any bytes never crashes.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/strings.h"
#include "fuzz_check.h"
#include "streaming/session_ids.h"
#include "streaming/url_signer.h"

namespace {

using sonora::streaming::MediaGrant;

constexpr int64_t kNowS = 1'790'000'000;  // 2026-09-21

const sonora::FakeClock& Clock() {
  static const sonora::FakeClock clock{sonora::TimePoint(std::chrono::seconds(kNowS))};
  return clock;
}

const sonora::streaming::UrlSigner& Signer() {
  static const sonora::streaming::UrlSigner signer(
      {{"k2", std::string(32, '\x5a')}, {"k1", std::string(32, '\x3c')}}, Clock());
  return signer;
}

// The input's first four lines; missing ones are empty.
std::vector<std::string> Fields(std::string_view input) {
  std::vector<std::string> out = sonora::Split(input, '\n');
  out.resize(4);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> f = Fields(input);

  // Arbitrary tokens, as a path would carry them.
  (void)Signer().Verify(input, f[1], f[2]);
  (void)Signer().Verify(f[0], f[1], f[2]);

  // Sign, verify, and one changed character.
  MediaGrant grant;
  grant.user_id = f[0];
  grant.track_id = f[1];
  grant.rendition = f[2];
  grant.device_id = f[3];
  grant.expires_at_s = kNowS + 3600;
  const std::string token = Signer().Sign(grant);
  if (token.size() <= 512) {
    auto verified = Signer().Verify(token, grant.track_id, grant.rendition);
    SONORA_FUZZ_CHECK(verified.ok());
    SONORA_FUZZ_CHECK((*verified)->user_id == grant.user_id);
    SONORA_FUZZ_CHECK((*verified)->device_id == grant.device_id);
    SONORA_FUZZ_CHECK((*verified)->expires_at_s == grant.expires_at_s);
    if (!token.empty()) {
      std::string changed = token;
      const size_t at = size % token.size();
      changed[at] = changed[at] == 'A' ? 'B' : 'A';
      SONORA_FUZZ_CHECK(!Signer().Verify(changed, grant.track_id, grant.rendition).ok());
    }
    // For another track or rendition it is refused.
    SONORA_FUZZ_CHECK(!Signer().Verify(token, grant.track_id + "x", grant.rendition).ok());
  }

  // Playback session ids.
  static const sonora::streaming::SessionIds sessions(std::string(32, '\x11'));
  (void)sonora::streaming::SessionIds::Peek(input);
  (void)sessions.Open(input, f[0]);
  sonora::streaming::SessionClaims claims;
  claims.created_at_ms = static_cast<int64_t>(size) * 1'000'003;
  claims.encrypted = size % 2 == 1;
  static const char* kQualities[] = {"", "96kbps", "160kbps", "320kbps", "lossless"};
  claims.quality = kQualities[size % 5];
  const std::string id = sessions.Issue(f[0], f[1], claims);
  auto opened = sessions.Open(id, f[0]);
  SONORA_FUZZ_CHECK(opened.has_value());
  SONORA_FUZZ_CHECK(opened->created_at_ms == claims.created_at_ms);
  SONORA_FUZZ_CHECK(opened->encrypted == claims.encrypted);
  SONORA_FUZZ_CHECK(opened->quality == claims.quality);
  SONORA_FUZZ_CHECK(sessions.IsFor(id, f[1]));
  SONORA_FUZZ_CHECK(!sessions.Open(id, f[0] + "x").has_value());

  // Sealed chunks.
  const std::string key(16, '\x42');
  (void)sonora::streaming::OpenSealedChunk(key, input);
  auto sealed = sonora::streaming::SealChunk(key, f[2], f[1], input);
  SONORA_FUZZ_CHECK(sealed.ok());
  auto clear = sonora::streaming::OpenSealedChunk(key, *sealed);
  SONORA_FUZZ_CHECK(clear.ok() && *clear == input);
  return 0;
}
