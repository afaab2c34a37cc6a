// SQL for playback sessions: one row per POST /player/play.
#pragma once

#include <string>

#include "core/result.h"
#include "store/database.h"

namespace sonora::streaming {

struct PlaybackSession {
  std::string session_id, user_id, track_id, device_id, quality;
  int64_t created_at_ms = 0;
  bool encrypted = false;  // chunks are AES-128-CTR sealed with the session key
};

class SessionRepository {
 public:
  explicit SessionRepository(store::Database& db) : db_(db) {}
  Status Insert(const PlaybackSession& s);
  // Whether `session_id` (of `user_id`) delivers encrypted chunks; false for unknown sessions.
  Result<bool> IsEncrypted(const std::string& session_id, const std::string& user_id);

 private:
  store::Database& db_;
};

}  // namespace sonora::streaming
