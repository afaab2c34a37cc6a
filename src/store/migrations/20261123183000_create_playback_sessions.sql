-- One row per POST /api/v1/player/play: the session that signed URLs and events refer to.
CREATE TABLE playback_sessions (
  session_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  track_id TEXT NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',
  quality TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX playback_sessions_user ON playback_sessions(user_id, created_at_ms);
