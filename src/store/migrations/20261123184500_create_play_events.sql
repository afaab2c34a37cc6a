-- Play events and the current playback state (seed 000 §5). Events are idempotent per
-- (user_id, event_id): a client retry counts once (SECURITY.md §6).
CREATE TABLE play_events (
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  event_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  track_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  position_ms BIGINT NOT NULL,
  duration_played_ms BIGINT NOT NULL,
  quality TEXT NOT NULL,
  client_time_ms BIGINT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, event_id)
);
CREATE INDEX play_events_user_time ON play_events(user_id, received_at_ms);
CREATE INDEX play_events_track ON play_events(track_id, received_at_ms);

CREATE TABLE player_state (
  user_id TEXT PRIMARY KEY REFERENCES users(user_id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  position_ms BIGINT NOT NULL,
  is_playing INTEGER NOT NULL,
  volume INTEGER NOT NULL,
  client_time_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
