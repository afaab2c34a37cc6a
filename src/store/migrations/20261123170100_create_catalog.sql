-- The catalog (seed 000 §6): artists, albums, tracks, the ordered track-artist link.
-- List-valued fields (genres, available_countries) are comma-separated text: read whole, never
-- queried by element in SQL (search filters them in the index). '' available_countries means
-- available everywhere. See docs/decisions/0004-catalog.md.
CREATE TABLE artists (
  artist_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  bio TEXT NOT NULL DEFAULT '',
  genres TEXT NOT NULL DEFAULT '',
  verified INTEGER NOT NULL DEFAULT 0,
  image_id TEXT,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX artists_name ON artists(name);

CREATE TABLE albums (
  album_id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  artist_id TEXT NOT NULL REFERENCES artists(artist_id),
  release_date TEXT NOT NULL DEFAULT '',
  album_type TEXT NOT NULL DEFAULT 'album',
  total_tracks INTEGER NOT NULL DEFAULT 0,
  genres TEXT NOT NULL DEFAULT '',
  label TEXT NOT NULL DEFAULT '',
  artwork_id TEXT,
  popularity INTEGER NOT NULL DEFAULT 0,
  available_countries TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX albums_artist ON albums(artist_id, release_date);
CREATE INDEX albums_release ON albums(release_date);

CREATE TABLE tracks (
  track_id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  album_id TEXT NOT NULL REFERENCES albums(album_id),
  track_number INTEGER NOT NULL DEFAULT 1,
  disc_number INTEGER NOT NULL DEFAULT 1,
  duration_ms BIGINT NOT NULL,
  explicit INTEGER NOT NULL DEFAULT 0,
  isrc TEXT NOT NULL DEFAULT '',
  popularity INTEGER NOT NULL DEFAULT 0,
  genres TEXT NOT NULL DEFAULT '',
  available_countries TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX tracks_album ON tracks(album_id, disc_number, track_number);
CREATE INDEX tracks_popularity ON tracks(popularity);

CREATE TABLE track_artists (
  track_id TEXT NOT NULL REFERENCES tracks(track_id) ON DELETE CASCADE,
  artist_id TEXT NOT NULL REFERENCES artists(artist_id),
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (track_id, artist_id)
);
CREATE INDEX track_artists_artist ON track_artists(artist_id);
