#include "streaming/session_repository.h"

namespace sonora::streaming {

Status SessionRepository::Insert(const PlaybackSession& s) {
  return db_
      .Execute("INSERT INTO playback_sessions (session_id, user_id, track_id, device_id, "
               "quality, created_at_ms, encrypted) VALUES (?, ?, ?, ?, ?, ?, ?)",
               {s.session_id, s.user_id, s.track_id, s.device_id, s.quality, s.created_at_ms,
                s.encrypted ? 1 : 0})
      .status();
}

Result<bool> SessionRepository::IsEncrypted(const std::string& session_id,
                                            const std::string& user_id) {
  SONORA_ASSIGN_OR_RETURN(
      auto res, db_.Query("SELECT encrypted FROM playback_sessions WHERE session_id = ? AND "
                          "user_id = ?",
                          {session_id, user_id}));
  return !res.rows.empty() && res.rows[0].GetBool(0);
}

}  // namespace sonora::streaming
