-- Podcasts (PRODUCT.md C13, issues 3 and 6; docs/decisions/0015-podcasts.md): shows, their
-- episodes, and each episode's media state. Episodes are never tracks: they have their own
-- tables, so no album, artist, recommendation or track search ever sees one.
-- List-valued fields are comma-separated text as in the catalog (0004); '' available_countries
-- means available everywhere.
CREATE TABLE shows (
  show_id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  publisher TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  explicit INTEGER NOT NULL DEFAULT 0,
  artwork_id TEXT,
  genres TEXT NOT NULL DEFAULT '',
  available_countries TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL,
  -- catalog::NameKey of publisher and title: ingest finds a show again by them.
  publisher_key TEXT NOT NULL DEFAULT '',
  title_key TEXT NOT NULL DEFAULT ''
);
CREATE INDEX shows_key ON shows(publisher_key, title_key);

CREATE TABLE episodes (
  episode_id TEXT PRIMARY KEY,
  show_id TEXT NOT NULL REFERENCES shows(show_id),
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  release_date TEXT NOT NULL DEFAULT '',   -- "YYYY-MM-DD", "YYYY-MM", "YYYY" or ''
  duration_ms BIGINT NOT NULL,
  explicit INTEGER NOT NULL DEFAULT 0,
  episode_number INTEGER NOT NULL DEFAULT 0,  -- 0: untagged
  available_countries TEXT NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL
);
-- GET /shows/{id}/episodes pages newest first: this index read backwards.
CREATE INDEX episodes_show_release ON episodes(show_id, release_date, episode_number, episode_id);

-- An episode's media, the same columns as track_media (20261123180000) keyed by the episode:
-- its renditions live in the same media store, tracks/<shard>/<episode_id>/v<n>/.
CREATE TABLE episode_media (
  episode_id TEXT PRIMARY KEY REFERENCES episodes(episode_id) ON DELETE CASCADE,
  source_path TEXT NOT NULL,
  source_size BIGINT NOT NULL,
  source_mtime_ms BIGINT NOT NULL,
  audio_hash TEXT NOT NULL,
  tags_hash TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  sample_rate INTEGER NOT NULL,
  channels INTEGER NOT NULL,
  frames BIGINT NOT NULL,
  loudness_lufs DOUBLE PRECISION NOT NULL,
  true_peak_dbtp DOUBLE PRECISION NOT NULL,
  track_gain_db DOUBLE PRECISION NOT NULL,
  preview_start_ms BIGINT NOT NULL,
  media_state TEXT NOT NULL,
  media_version INTEGER NOT NULL,
  manifest TEXT NOT NULL,
  ingested_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX episode_media_source ON episode_media(source_path);
CREATE INDEX episode_media_audio_hash ON episode_media(audio_hash);

-- The search outbox (20261123202000): every change to a show or an episode leaves a row in the
-- same transaction. The indexer re-indexes a show's episodes with it (they carry its name).
CREATE TRIGGER shows_search_insert AFTER INSERT ON shows
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('show', NEW.show_id); END;
CREATE TRIGGER shows_search_update AFTER UPDATE ON shows
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('show', NEW.show_id); END;
CREATE TRIGGER shows_search_delete AFTER DELETE ON shows
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('show', OLD.show_id); END;

CREATE TRIGGER episodes_search_insert AFTER INSERT ON episodes
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('episode', NEW.episode_id); END;
CREATE TRIGGER episodes_search_update AFTER UPDATE ON episodes
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('episode', NEW.episode_id); END;
CREATE TRIGGER episodes_search_delete AFTER DELETE ON episodes
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('episode', OLD.episode_id); END;
