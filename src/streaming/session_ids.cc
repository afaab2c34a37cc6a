#include "streaming/session_ids.h"

#include <array>

#include "core/check.h"
#include "core/random.h"
#include "core/strings.h"
#include "streaming/internal/openssl_crypto.h"

namespace sonora::streaming {

namespace {

// Layout of the decoded id, 32 bytes (43 base64url characters).
constexpr uint8_t kVersion = 1;
constexpr size_t kCreatedBytes = 6;  // unix milliseconds, big-endian: good until year 10889
constexpr size_t kNonceBytes = 8;
constexpr size_t kDigestBytes = 6;
constexpr size_t kMacBytes = 10;
constexpr size_t kSignedBytes = 1 + kCreatedBytes + 1 + kNonceBytes + kDigestBytes;
constexpr size_t kIdBytes = kSignedBytes + kMacBytes;
constexpr std::string_view kPrefix = "play_";

constexpr uint8_t kEncryptedFlag = 0x80;
constexpr std::array<std::string_view, 5> kQualities = {"", "96kbps", "160kbps", "320kbps",
                                                        "lossless"};

uint8_t QualityCode(std::string_view quality) {
  for (size_t i = 1; i < kQualities.size(); ++i) {
    if (kQualities[i] == quality) return static_cast<uint8_t>(i);
  }
  return 0;
}

std::string Mac(std::string_view secret, std::string_view signed_part, std::string_view user_id) {
  std::string data(signed_part);
  data.push_back('\0');
  data.append(user_id);
  return internal::HmacSha256(secret, data).substr(0, kMacBytes);
}

// The decoded bytes of a well-formed id; nullopt otherwise.
std::optional<std::string> Decode(std::string_view id) {
  if (!id.starts_with(kPrefix)) return std::nullopt;
  auto raw = Base64UrlDecode(id.substr(kPrefix.size()));
  if (!raw || raw->size() != kIdBytes || static_cast<uint8_t>((*raw)[0]) != kVersion) {
    return std::nullopt;
  }
  return raw;
}

SessionClaims ClaimsOf(std::string_view raw) {
  SessionClaims c;
  for (size_t i = 0; i < kCreatedBytes; ++i) {
    c.created_at_ms = (c.created_at_ms << 8) | static_cast<uint8_t>(raw[1 + i]);
  }
  const auto flags = static_cast<uint8_t>(raw[1 + kCreatedBytes]);
  c.encrypted = (flags & kEncryptedFlag) != 0;
  const size_t q = flags & 0x0f;
  c.quality = std::string(q < kQualities.size() ? kQualities[q] : "");
  return c;
}

}  // namespace

SessionIds::SessionIds(std::string secret) : secret_(std::move(secret)) {
  SONORA_CHECK(secret_.size() >= 16);
}

std::string SessionIds::TrackDigest(std::string_view track_id) const {
  std::string data = "track";
  data.push_back('\0');
  data.append(track_id);
  return internal::HmacSha256(secret_, data).substr(0, kDigestBytes);
}

std::string SessionIds::Issue(std::string_view user_id, std::string_view track_id,
                              const SessionClaims& claims) const {
  std::string raw;
  raw.reserve(kIdBytes);
  raw.push_back(static_cast<char>(kVersion));
  for (size_t i = kCreatedBytes; i-- > 0;) {
    raw.push_back(static_cast<char>((claims.created_at_ms >> (8 * i)) & 0xff));
  }
  raw.push_back(
      static_cast<char>((claims.encrypted ? kEncryptedFlag : 0) | QualityCode(claims.quality)));
  std::array<char, kNonceBytes> nonce{};
  RandomBytes(nonce.data(), nonce.size());
  raw.append(nonce.data(), nonce.size());
  raw += TrackDigest(track_id);
  raw += Mac(secret_, raw, user_id);
  return std::string(kPrefix) + Base64UrlEncode(raw);
}

std::optional<SessionClaims> SessionIds::Open(std::string_view id, std::string_view user_id) const {
  auto raw = Decode(id);
  if (!raw) return std::nullopt;
  const std::string_view signed_part = std::string_view(*raw).substr(0, kSignedBytes);
  const std::string_view mac = std::string_view(*raw).substr(kSignedBytes);
  if (!internal::ConstantTimeEquals(Mac(secret_, signed_part, user_id), mac)) {
    return std::nullopt;
  }
  return ClaimsOf(*raw);
}

bool SessionIds::IsFor(std::string_view id, std::string_view track_id) const {
  auto raw = Decode(id);
  return raw && internal::ConstantTimeEquals(
                    std::string_view(*raw).substr(kSignedBytes - kDigestBytes, kDigestBytes),
                    TrackDigest(track_id));
}

std::optional<SessionClaims> SessionIds::Peek(std::string_view id) {
  // Every chunk request of a paid session asks this: check the id's shape, but decode only the
  // characters that hold the claims (version, creation time, flags: 12 characters, 9 bytes).
  constexpr size_t kEncodedChars = (kIdBytes * 4 + 2) / 3;
  constexpr size_t kClaimChars = 12;
  static_assert(kClaimChars * 3 / 4 >= 2 + kCreatedBytes && kClaimChars % 4 == 0);
  if (!id.starts_with(kPrefix) || id.size() != kPrefix.size() + kEncodedChars) {
    return std::nullopt;
  }
  const std::string_view body = id.substr(kPrefix.size());
  if (!IsBase64Url(body)) return std::nullopt;
  auto head = Base64UrlDecode(body.substr(0, kClaimChars));
  if (!head || static_cast<uint8_t>((*head)[0]) != kVersion) return std::nullopt;
  return ClaimsOf(*head);
}

}  // namespace sonora::streaming
