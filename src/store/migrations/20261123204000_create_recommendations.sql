-- Generated playlists (issue 7, docs/decisions/0012-recommendations.md): one row per user, kind
-- and period. Discover Weekly's period starts Monday 00:00 UTC; the row is written once (by the
-- first request of the week or `sonora recommend run`) and read back all week, so the list
-- does not change under the listener. track_ids is the ordered list, comma-separated.
CREATE TABLE generated_playlists (
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  generated_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  track_ids TEXT NOT NULL,
  PRIMARY KEY (user_id, kind, generated_at_ms)
);
