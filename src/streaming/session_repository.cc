#include "streaming/session_repository.h"

namespace sonora::streaming {

Status SessionRepository::Insert(const PlaybackSession& s) {
  return db_
      .Execute("INSERT INTO playback_sessions (session_id, user_id, track_id, device_id, "
               "quality, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
               {s.session_id, s.user_id, s.track_id, s.device_id, s.quality, s.created_at_ms})
      .status();
}

}  // namespace sonora::streaming
