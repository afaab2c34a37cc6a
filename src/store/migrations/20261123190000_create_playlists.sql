-- Playlists (seed 000 §5, §6, §11; issue 5): metadata, ordered items, the operation log that
-- snapshot ids and rebasing are built on, collaborators and follows. Positions are dense
-- (0..n-1) after every committed change. See docs/decisions/0007-playlists.md.
CREATE TABLE playlists (
  playlist_id TEXT PRIMARY KEY,
  owner_user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  public INTEGER NOT NULL DEFAULT 1,
  collaborative INTEGER NOT NULL DEFAULT 0,
  tracks_count INTEGER NOT NULL DEFAULT 0,
  snapshot_id TEXT NOT NULL,        -- opaque; equals the newest playlist_ops.snapshot_id
  version BIGINT NOT NULL,          -- the newest playlist_ops.seq
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE INDEX playlists_owner ON playlists(owner_user_id, created_at_ms);

CREATE TABLE playlist_tracks (
  playlist_id TEXT NOT NULL REFERENCES playlists(playlist_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  track_id TEXT NOT NULL REFERENCES tracks(track_id),
  added_at_ms BIGINT NOT NULL,
  added_by_user_id TEXT NOT NULL,
  PRIMARY KEY (playlist_id, position)
);

-- One row per accepted change, in order. Positions are in the coordinates of the playlist just
-- before the change; list-valued columns are comma-separated.
CREATE TABLE playlist_ops (
  playlist_id TEXT NOT NULL REFERENCES playlists(playlist_id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  snapshot_id TEXT NOT NULL,        -- the snapshot this change produced
  kind TEXT NOT NULL,               -- create, details, add, remove, move, replace
  user_id TEXT NOT NULL,
  position BIGINT NOT NULL DEFAULT 0,       -- add: insert position; move: range_start
  item_count BIGINT NOT NULL DEFAULT 0,     -- add: tracks added; move: range_length
  insert_before BIGINT NOT NULL DEFAULT 0,  -- move only
  positions TEXT NOT NULL DEFAULT '',       -- remove: removed positions, ascending
  track_ids TEXT NOT NULL DEFAULT '',       -- tracks added, removed or moved
  tracks_count_after BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (playlist_id, seq)
);
CREATE UNIQUE INDEX playlist_ops_snapshot ON playlist_ops(playlist_id, snapshot_id);

CREATE TABLE playlist_collaborators (
  playlist_id TEXT NOT NULL REFERENCES playlists(playlist_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  added_at_ms BIGINT NOT NULL,
  PRIMARY KEY (playlist_id, user_id)
);
CREATE INDEX playlist_collaborators_user ON playlist_collaborators(user_id);

-- A user's library of playlists. The owner's own row is created with the playlist and removed
-- by DELETE /playlists/{id} (Spotify's "delete" is an unfollow; the data stays).
CREATE TABLE playlist_follows (
  playlist_id TEXT NOT NULL REFERENCES playlists(playlist_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  followed_at_ms BIGINT NOT NULL,
  PRIMARY KEY (playlist_id, user_id)
);
CREATE INDEX playlist_follows_user ON playlist_follows(user_id, followed_at_ms);
