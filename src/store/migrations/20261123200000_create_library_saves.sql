-- The Library section of issue 5 (seed 000 §5 Follow Artist, §6 user_saved_tracks, follows):
-- Liked Songs, saved albums and artist follows, each keyed by (user, item) so saving twice keeps
-- the first timestamp, plus an exact follower count on artists that is changed only in the
-- transaction that inserts or deletes a follow row. See docs/decisions/0010-library.md.
CREATE TABLE saved_tracks (
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  track_id TEXT NOT NULL REFERENCES tracks(track_id) ON DELETE CASCADE,
  added_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, track_id)
);
-- Newest first per user; the id breaks ties between items saved in the same millisecond.
CREATE INDEX saved_tracks_user_added ON saved_tracks(user_id, added_at_ms, track_id);

CREATE TABLE saved_albums (
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  album_id TEXT NOT NULL REFERENCES albums(album_id) ON DELETE CASCADE,
  added_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, album_id)
);
CREATE INDEX saved_albums_user_added ON saved_albums(user_id, added_at_ms, album_id);

CREATE TABLE artist_follows (
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  artist_id TEXT NOT NULL REFERENCES artists(artist_id) ON DELETE CASCADE,
  followed_at_ms BIGINT NOT NULL,
  PRIMARY KEY (user_id, artist_id)
);
CREATE INDEX artist_follows_user_followed ON artist_follows(user_id, followed_at_ms, artist_id);
CREATE INDEX artist_follows_artist ON artist_follows(artist_id);

-- Equal to the number of artist_follows rows for the artist: kept in step by the follow and
-- unfollow transactions (never recounted on read).
ALTER TABLE artists ADD COLUMN followers BIGINT NOT NULL DEFAULT 0;
