-- What users listened to, derived from their play events in the same transaction that stores
-- the events (src/events, docs/decisions/0013-listening.md).
--
-- listens: one row per playback session that reported at least one event (the seed's
-- listening_history). duration_played_ms is the most the client reported for the session;
-- counted turns 1, once, when it reaches 30 s: from then on the listen is a play.
CREATE TABLE listens (
  session_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  track_id TEXT NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',
  context_uri TEXT NOT NULL DEFAULT '',
  quality TEXT NOT NULL DEFAULT '',
  started_at_ms BIGINT NOT NULL,
  last_event_at_ms BIGINT NOT NULL,
  duration_played_ms BIGINT NOT NULL DEFAULT 0,
  completed INTEGER NOT NULL DEFAULT 0,
  skipped INTEGER NOT NULL DEFAULT 0,
  counted INTEGER NOT NULL DEFAULT 0,
  counted_at_ms BIGINT
);
CREATE INDEX listens_user_time ON listens(user_id, started_at_ms, session_id);
CREATE INDEX listens_track_counted ON listens(track_id, counted_at_ms);

-- The seed's recently_played: plays only, kept 30 days. Reads ignore expired rows; the serve
-- loop's housekeeping deletes them.
CREATE TABLE recently_played (
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  session_id TEXT NOT NULL,
  track_id TEXT NOT NULL,
  context_uri TEXT NOT NULL DEFAULT '',
  played_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, session_id)
);
CREATE INDEX recently_played_user_time ON recently_played(user_id, played_at_ms, session_id);
CREATE INDEX recently_played_expiry ON recently_played(expires_at_ms);

-- The seed's track_plays_daily: plays per track per UTC day (days since the epoch).
CREATE TABLE track_plays_daily (
  track_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  plays BIGINT NOT NULL,
  PRIMARY KEY (track_id, day)
);

-- Where a play started (sonora:album:<id>, sonora:playlist:<id>, …), for history and contexts.
ALTER TABLE playback_sessions ADD COLUMN context_uri TEXT NOT NULL DEFAULT '';

-- play_events is now the raw, append-only log: every read goes to the tables above, so its
-- secondary indexes only slowed the event sink (two B-tree inserts per event).
DROP INDEX play_events_user_time;
DROP INDEX play_events_track;
