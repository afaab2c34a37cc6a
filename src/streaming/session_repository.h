// SQL for playback sessions: one row per POST /player/play.
#pragma once

#include <string>

#include "core/status.h"
#include "store/database.h"

namespace sonora::streaming {

struct PlaybackSession {
  std::string session_id, user_id, track_id, device_id, quality;
  int64_t created_at_ms = 0;
};

class SessionRepository {
 public:
  explicit SessionRepository(store::Database& db) : db_(db) {}
  Status Insert(const PlaybackSession& s);

 private:
  store::Database& db_;
};

}  // namespace sonora::streaming
