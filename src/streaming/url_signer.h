// Signed media tokens (SECURITY.md §2, docs/formats/signed-urls.md): short-lived, narrow
// capabilities to fetch one rendition of one track, carried in the URL *path* so HLS players
// that drop query strings on relative URLs still send them:
//
//   /s/<token>/<track_id>/<rendition>/<file>
//
// The token binds version, key id, user, track, rendition, expiry and (optionally) device; its
// MAC is HMAC-SHA-256 over a canonical, delimiter-safe string, compared in constant time. Two
// keys are live at once (current and previous) so keys rotate without breaking URLs in flight.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "core/string_map.h"

namespace sonora::streaming {

inline constexpr std::chrono::hours kSignedUrlTtl{1};  // seed 000/004: URLs expire in 1 hour

struct MediaGrant {
  std::string user_id;
  std::string track_id;
  std::string rendition;     // "96", "160", "320", "lossless", "hls_96", ..., "preview"
  std::string device_id;     // may be empty
  int64_t expires_at_s = 0;  // unix seconds
};

struct SigningKey {
  std::string kid;     // short id, [A-Za-z0-9], at most 16 characters
  std::string secret;  // 32 random bytes
};

class UrlSigner {
 public:
  // `keys` front is the current key (used to sign); the rest are still accepted. Requires at
  // least one key.
  UrlSigner(std::vector<SigningKey> keys, const Clock& clock);

  // A token for `grant` signed with the current key. The grant's expires_at_s is used as given.
  std::string Sign(const MediaGrant& grant) const;

  // Checks a token presented for `track_id` and `rendition` (both taken from the request path).
  // Returns the grant on success.
  // Errors: kPermissionDenied ("invalid_signature") when malformed, tampered, signed with an
  // unknown key, or presented for another track or rendition; kPermissionDenied
  // ("url_expired") when past its expiry.
  // A player presents the same token for every chunk of a rendition, so verified tokens are
  // remembered (by token, track and rendition; the expiry is still checked on every call), the
  // MAC is computed once per token and every request with it shares one grant. Thread-safe.
  Result<std::shared_ptr<const MediaGrant>> Verify(std::string_view token,
                                                   std::string_view track_id,
                                                   std::string_view rendition) const;

 private:
  Result<MediaGrant> VerifyMac(std::string_view token, std::string_view track_id,
                               std::string_view rendition) const;

  // Verified grants by "<track>/<rendition>/<token>", in shards; a full shard is emptied.
  static constexpr size_t kMemoShards = 16;
  static constexpr size_t kMemoPerShard = 4096;
  // A key ends with its token's MAC, 43 random characters: hashing the key's last 32 bytes
  // spreads keys as well as hashing all of its 200-odd bytes, for a fraction of the work. Only
  // verified tokens are remembered, so no one can choose keys that collide.
  struct MacTailHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const noexcept {
      return StringHash{}(key.substr(key.size() > 32 ? key.size() - 32 : 0));
    }
  };
  struct MemoShard {
    std::mutex mu;
    std::unordered_map<std::string, std::shared_ptr<const MediaGrant>, MacTailHash, std::equal_to<>>
        grants;
  };

  std::vector<SigningKey> keys_;
  const Clock& clock_;
  std::unique_ptr<MemoShard[]> memo_;  // the shards are mutable state behind a const API
};

// HLS AES-128 keys, one per (track, rendition, rotation period), derived from a master secret
// with HKDF-SHA-256 so nothing per track is stored. Keys rotate every kHlsKeyRotation (seed
// 000 §6: "Key rotation every 24 hours"); playlists name the period in the key URI.
inline constexpr std::chrono::hours kHlsKeyRotation{24};

class HlsKeys {
 public:
  HlsKeys(std::string master_secret, const Clock& clock);
  // The rotation period now (floor(unix seconds / 86400)).
  int64_t CurrentPeriod() const;
  // The 16-byte key for a period. Deterministic.
  std::string Key(std::string_view track_id, std::string_view rendition, int64_t period) const;
  // The period a time falls in (CurrentPeriod is PeriodOf(now)).
  static int64_t PeriodOf(int64_t unix_ms);
  // The 16-byte AES-128-CTR key that seals a track's Ogg chunks and FLAC file for paid sessions
  // started in `period` (the play response's encryption_key): from the same master under
  // another salt, so it never equals an HLS key. Deterministic.
  std::string TrackKey(std::string_view track_id, int64_t period) const;

 private:
  std::string master_;
  const Clock& clock_;
};

// AES-128-CBC with PKCS#7 padding, as HLS "METHOD=AES-128" requires for whole segments.
// `iv` is 16 bytes (HLS: the segment's media sequence number, big-endian, when no IV attribute).
Result<std::string> Aes128CbcEncrypt(std::string_view key, std::string_view iv,
                                     std::string_view plaintext);
Result<std::string> Aes128CbcDecrypt(std::string_view key, std::string_view iv,
                                     std::string_view ciphertext);

// AES-128-CTR (no padding; the same call encrypts and decrypts) from the 16-byte initial
// `counter_block`, incremented as a 128-bit big-endian integer per block.
Result<std::string> Aes128Ctr(std::string_view key, std::string_view counter_block,
                              std::string_view data);

// Sealed chunks (docs/formats/signed-urls.md, "Media encryption"): the 16-byte initial counter
// block, then the file encrypted with AES-128-CTR from it. The block is the first 8 bytes of
// HMAC-SHA-256(key, rendition and file name, length-prefixed) and 8 zero bytes, so no two files
// sealed under one key share keystream, and the bytes are the same wherever they are made.
inline constexpr size_t kCounterBlockBytes = 16;
std::string ChunkCounterBlock(std::string_view key, std::string_view rendition,
                              std::string_view file_name);
Result<std::string> SealChunk(std::string_view key, std::string_view rendition,
                              std::string_view file_name, std::string_view clear);
// The clear bytes of a sealed chunk. Errors: kInvalidArgument for fewer than 16 bytes or a key
// that is not 16 bytes.
Result<std::string> OpenSealedChunk(std::string_view key, std::string_view sealed);

// The HLS IV for media sequence number `sequence`: 16 bytes, big-endian.
std::string HlsSequenceIv(uint64_t sequence);

}  // namespace sonora::streaming
