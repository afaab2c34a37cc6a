// Signed media tokens and HLS key derivation. The token format, the canonical MAC string and
// the key schedule are specified in docs/formats/signed-urls.md; keep the two in step.
#include "streaming/url_signer.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "core/check.h"
#include "core/strings.h"
#include "streaming/internal/openssl_crypto.h"

namespace sonora::streaming {

namespace {

// Token: v1.<kid>.<expires_at_s>.<b64u(user_id)>.<b64u(device_id)>.<b64u(mac)>
constexpr std::string_view kVersion = "v1";
constexpr char kTokenSeparator = '.';
constexpr size_t kTokenFields = 6;
// Anything longer is rejected before it is parsed (with real ids a token is about 150).
constexpr size_t kMaxTokenBytes = 512;
constexpr size_t kMaxKidBytes = 16;
// INT64_MAX has 19 decimal digits.
constexpr size_t kMaxExpiryDigits = 19;

// HLS key derivation (HKDF-SHA-256).
constexpr std::string_view kHlsKeySalt = "sonora-hls-v1";
constexpr size_t kHlsKeyBytes = 16;
constexpr int64_t kHlsPeriodMillis =
    std::chrono::duration_cast<std::chrono::milliseconds>(kHlsKeyRotation).count();

constexpr std::string_view kInvalidSignature = "invalid_signature";
constexpr std::string_view kUrlExpired = "url_expired";

// One error for every way a token can be wrong, so the answer says nothing about which check
// failed.
Status InvalidSignature() {
  return Status::PermissionDenied(std::string(kInvalidSignature),
                                  "the media URL signature is invalid");
}

bool IsValidKid(std::string_view kid) {
  if (kid.empty() || kid.size() > kMaxKidBytes) return false;
  for (char c : kid) {
    const bool alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum) return false;
  }
  return true;
}

// `<len>:<bytes>` for each field, joined by '|'. The length prefix makes the encoding
// injective: "ab" + "c" and "a" + "bc" give "2:ab|1:c" and "1:a|2:bc".
std::string LengthPrefixed(std::initializer_list<std::string_view> fields) {
  std::string out;
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) out.push_back('|');
    first = false;
    out += std::to_string(f.size());
    out.push_back(':');
    out.append(f);
  }
  return out;
}

// The MAC input: "v1|" then kid, user_id, track_id, rendition, expires_at_s (decimal) and
// device_id, length-prefixed.
std::string CanonicalString(std::string_view kid, std::string_view user_id,
                            std::string_view track_id, std::string_view rendition,
                            int64_t expires_at_s, std::string_view device_id) {
  const std::string expiry = std::to_string(expires_at_s);
  std::string out(kVersion);
  out.push_back('|');
  out += LengthPrefixed({kid, user_id, track_id, rendition, expiry, device_id});
  return out;
}

// Decimal digits only, no sign, no leading zero (one spelling per value), fits in int64.
std::optional<int64_t> ParseExpiry(std::string_view text) {
  if (text.empty() || text.size() > kMaxExpiryDigits) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (text.size() > 1 && text[0] == '0') return std::nullopt;
  return ParseInt(text);
}

// Splits `token` on '.' into exactly kTokenFields views; false on any other count.
bool SplitToken(std::string_view token, std::string_view (&fields)[kTokenFields]) {
  size_t count = 0;
  size_t start = 0;
  for (size_t i = 0; i <= token.size(); ++i) {
    if (i == token.size() || token[i] == kTokenSeparator) {
      if (count == kTokenFields) return false;
      fields[count++] = token.substr(start, i - start);
      start = i + 1;
    }
  }
  return count == kTokenFields;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

}  // namespace

UrlSigner::UrlSigner(std::vector<SigningKey> keys, const Clock& clock)
    : keys_(std::move(keys)), clock_(clock), memo_(std::make_unique<MemoShard[]>(kMemoShards)) {
  // Keys come from the server's own generated key file; a bad one is a wiring bug.
  SONORA_CHECK(!keys_.empty());
  for (const SigningKey& key : keys_) {
    SONORA_CHECK(IsValidKid(key.kid));
    SONORA_CHECK(!key.secret.empty());
  }
}

std::string UrlSigner::Sign(const MediaGrant& grant) const {
  const SigningKey& key = keys_.front();
  const std::string mac = internal::HmacSha256(
      key.secret, CanonicalString(key.kid, grant.user_id, grant.track_id, grant.rendition,
                                  grant.expires_at_s, grant.device_id));
  std::string token(kVersion);
  for (const std::string& field :
       {key.kid, std::to_string(grant.expires_at_s), Base64UrlEncode(grant.user_id),
        Base64UrlEncode(grant.device_id), Base64UrlEncode(mac)}) {
    token.push_back(kTokenSeparator);
    token += field;
  }
  return token;
}

Result<std::shared_ptr<const MediaGrant>> UrlSigner::Verify(std::string_view token,
                                                            std::string_view track_id,
                                                            std::string_view rendition) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return InvalidSignature();
  // One buffer per thread for the memo key: no allocation for a remembered token.
  thread_local std::string key;
  key.assign(track_id).append(1, '/').append(rendition).append(1, '/').append(token);
  MemoShard& shard = memo_[MacTailHash{}(key) % kMemoShards];
  {
    std::lock_guard<std::mutex> lock(shard.mu);
    auto it = shard.grants.find(key);
    if (it != shard.grants.end()) {
      if (clock_.NowSeconds() >= it->second->expires_at_s) {
        return Status::PermissionDenied(std::string(kUrlExpired), "the media URL has expired");
      }
      return it->second;
    }
  }
  SONORA_ASSIGN_OR_RETURN(MediaGrant grant, VerifyMac(token, track_id, rendition));
  auto shared = std::make_shared<const MediaGrant>(std::move(grant));
  std::lock_guard<std::mutex> lock(shard.mu);
  if (shard.grants.size() >= kMemoPerShard) shard.grants.clear();
  shard.grants.insert_or_assign(key, shared);
  return shared;
}

Result<MediaGrant> UrlSigner::VerifyMac(std::string_view token, std::string_view track_id,
                                        std::string_view rendition) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return InvalidSignature();
  std::string_view fields[kTokenFields];
  if (!SplitToken(token, fields)) return InvalidSignature();
  const auto& [version, kid, expiry_text, user_text, device_text, mac_text] = fields;

  if (version != kVersion) return InvalidSignature();
  const SigningKey* key = nullptr;
  for (const SigningKey& k : keys_) {
    if (k.kid == kid) {
      key = &k;
      break;
    }
  }
  if (key == nullptr) return InvalidSignature();

  std::optional<int64_t> expires_at_s = ParseExpiry(expiry_text);
  std::optional<std::string> user_id = Base64UrlDecode(user_text);
  std::optional<std::string> device_id = Base64UrlDecode(device_text);
  std::optional<std::string> mac = Base64UrlDecode(mac_text);
  if (!expires_at_s || !user_id || !device_id || !mac || mac->size() != internal::kSha256Bytes) {
    return InvalidSignature();
  }

  const std::string expected = internal::HmacSha256(
      key->secret,
      CanonicalString(key->kid, *user_id, track_id, rendition, *expires_at_s, *device_id));
  if (!internal::ConstantTimeEquals(expected, *mac)) return InvalidSignature();

  // Only an authentic token learns that it has expired.
  if (clock_.NowSeconds() >= *expires_at_s) {
    return Status::PermissionDenied(std::string(kUrlExpired), "the media URL has expired");
  }

  MediaGrant grant;
  grant.user_id = std::move(*user_id);
  grant.track_id = std::string(track_id);
  grant.rendition = std::string(rendition);
  grant.device_id = std::move(*device_id);
  grant.expires_at_s = *expires_at_s;
  return grant;
}

HlsKeys::HlsKeys(std::string master_secret, const Clock& clock)
    : master_(std::move(master_secret)), clock_(clock) {}

int64_t HlsKeys::CurrentPeriod() const { return FloorDiv(clock_.NowMillis(), kHlsPeriodMillis); }

std::string HlsKeys::Key(std::string_view track_id, std::string_view rendition,
                         int64_t period) const {
  const std::string period_text = std::to_string(period);
  return internal::HkdfSha256(master_, kHlsKeySalt,
                              LengthPrefixed({track_id, rendition, period_text}), kHlsKeyBytes);
}

std::string HlsKeys::TrackKey(std::string_view track_id, int64_t period) const {
  const std::string period_text = std::to_string(period);
  return internal::HkdfSha256(master_, "sonora-track-v1", LengthPrefixed({track_id, period_text}),
                              kHlsKeyBytes);
}

int64_t HlsKeys::PeriodOf(int64_t unix_ms) { return FloorDiv(unix_ms, kHlsPeriodMillis); }

std::string ChunkCounterBlock(std::string_view key, std::string_view rendition,
                              std::string_view file_name) {
  // Distinct for every file a key seals (2^-64 chance per pair that two collide), and the low
  // 8 bytes leave 2^64 blocks of room per file.
  std::string block = internal::HmacSha256(key, LengthPrefixed({rendition, file_name}));
  block.resize(kCounterBlockBytes);
  std::fill(block.begin() + 8, block.end(), '\0');
  return block;
}

Result<std::string> SealChunk(std::string_view key, std::string_view rendition,
                              std::string_view file_name, std::string_view clear) {
  std::string counter = ChunkCounterBlock(key, rendition, file_name);
  SONORA_ASSIGN_OR_RETURN(std::string body, Aes128Ctr(key, counter, clear));
  return counter + body;
}

Result<std::string> OpenSealedChunk(std::string_view key, std::string_view sealed) {
  if (sealed.size() < kCounterBlockBytes) {
    return Status::InvalidArgument("chunk", "a sealed chunk starts with a 16-byte counter block");
  }
  return Aes128Ctr(key, sealed.substr(0, kCounterBlockBytes), sealed.substr(kCounterBlockBytes));
}

}  // namespace sonora::streaming
