// Playback session ids that vouch for themselves (docs/formats/playback-sessions.md).
//
// POST /player/play answers before its session row is durable: the row is written behind, in
// the next group commit. What the rest of playback needs to trust a session is therefore in
// its id, under a MAC:
//
//   play_<base64url(version | created_ms | flags | nonce | track digest | mac)>
//
// flags: whether the session's chunks are sealed, and its starting quality. The track digest
// ties the id to one track without spelling the track id out; the MAC (HMAC-SHA-256 under a
// server secret, truncated to 80 bits) covers all of it and the owner's user id. So a chunk
// request knows whether to seal from the id its signed URL names, and a play event for a
// session whose row a crash lost is still attributed to the right user and track.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sonora::streaming {

struct SessionClaims {
  int64_t created_at_ms = 0;
  bool encrypted = false;  // chunks are sealed (AES-128-CTR under the track key of the day)
  std::string quality;     // "96kbps", "160kbps", "320kbps", "lossless"; "" when none
};

class SessionIds {
 public:
  // `secret`: at least 16 random bytes, stable across restarts (ids outlive the process).
  explicit SessionIds(std::string secret);

  // A fresh id (random nonce) for `user_id`'s session on `track_id`.
  std::string Issue(std::string_view user_id, std::string_view track_id,
                    const SessionClaims& claims) const;

  // The claims of `id` when it was issued by this secret to `user_id`; nullopt otherwise
  // (malformed, another user's, forged). Compares in constant time.
  std::optional<SessionClaims> Open(std::string_view id, std::string_view user_id) const;

  // True when `id` (already opened for its user) was issued for `track_id`.
  bool IsFor(std::string_view id, std::string_view track_id) const;

  // The claims of `id` without checking its MAC: only for ids that arrive inside something
  // already authenticated (a signed media URL names the session it was issued for).
  static std::optional<SessionClaims> Peek(std::string_view id);

 private:
  std::string TrackDigest(std::string_view track_id) const;

  std::string secret_;
};

}  // namespace sonora::streaming
