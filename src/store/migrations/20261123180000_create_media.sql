-- Media pipeline state (issue 3): where a track's audio came from, its identity for idempotent
-- re-ingest, loudness, the renditions on disk, its audio features, artwork and sidecar lyrics.

-- Case- and space-insensitive keys so ingest finds an existing artist or album by name.
ALTER TABLE artists ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
CREATE INDEX artists_name_key ON artists(name_key);
ALTER TABLE albums ADD COLUMN title_key TEXT NOT NULL DEFAULT '';
CREATE INDEX albums_artist_title_key ON albums(artist_id, title_key);

CREATE TABLE track_media (
  track_id TEXT PRIMARY KEY REFERENCES tracks(track_id) ON DELETE CASCADE,
  source_path TEXT NOT NULL,
  source_size BIGINT NOT NULL,
  source_mtime_ms BIGINT NOT NULL,
  audio_hash TEXT NOT NULL,          -- BLAKE2b-256 of the decoded PCM: tags don't change it
  tags_hash TEXT NOT NULL,           -- BLAKE2b-256 of the normalized tags
  fingerprint TEXT NOT NULL,         -- Chromaprint, compressed base64
  sample_rate INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  frames BIGINT NOT NULL,
  loudness_lufs DOUBLE PRECISION NOT NULL,
  true_peak_dbtp DOUBLE PRECISION NOT NULL,
  track_gain_db DOUBLE PRECISION NOT NULL,  -- to reach -14 LUFS
  preview_start_ms BIGINT NOT NULL,
  media_state TEXT NOT NULL,         -- 'pending' until renditions are in place, then 'ready'
  media_version INTEGER NOT NULL,    -- bumped on every re-encode; part of the media path
  manifest TEXT NOT NULL,            -- JSON: renditions, chunks, byte sizes (docs/formats)
  ingested_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX track_media_source ON track_media(source_path);
CREATE INDEX track_media_audio_hash ON track_media(audio_hash);
CREATE INDEX track_media_fingerprint ON track_media(fingerprint);

CREATE TABLE audio_features (
  track_id TEXT PRIMARY KEY REFERENCES tracks(track_id) ON DELETE CASCADE,
  tempo DOUBLE PRECISION NOT NULL,
  tempo_ambiguous INTEGER NOT NULL,
  musical_key INTEGER NOT NULL,
  mode INTEGER NOT NULL,
  key_confidence DOUBLE PRECISION NOT NULL,
  time_signature INTEGER NOT NULL,
  loudness DOUBLE PRECISION NOT NULL,
  energy DOUBLE PRECISION NOT NULL,
  danceability DOUBLE PRECISION NOT NULL,
  valence DOUBLE PRECISION NOT NULL,
  acousticness DOUBLE PRECISION NOT NULL,
  instrumentalness DOUBLE PRECISION NOT NULL,
  speechiness DOUBLE PRECISION NOT NULL,
  liveness DOUBLE PRECISION NOT NULL,
  spectral_centroid DOUBLE PRECISION NOT NULL,
  spectral_rolloff DOUBLE PRECISION NOT NULL,
  mfcc TEXT NOT NULL,    -- 13 numbers, comma-separated
  chroma TEXT NOT NULL   -- 12 numbers, comma-separated
);

CREATE TABLE artwork (
  artwork_id TEXT PRIMARY KEY,   -- content address: BLAKE2b of the source image bytes
  created_at_ms BIGINT NOT NULL
);

CREATE TABLE track_lyrics (
  track_id TEXT PRIMARY KEY REFERENCES tracks(track_id) ON DELETE CASCADE,
  lrc TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
