-- The search index's outbox (issue 6, docs/decisions/0011-search.md). Triggers on the catalog
-- and playlist tables add one row per changed entity IN THE SAME TRANSACTION as the change, so
-- a committed change always leaves a row behind. The indexer (src/search/indexer.cc) re-reads
-- each named entity, writes the Xapian document, commits the index, and only then deletes the
-- rows it applied: a crash anywhere leaves rows that are applied again (idempotently) on start.
CREATE TABLE search_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,       -- track, album, artist, playlist (show, episode once podcasts exist)
  entity_id TEXT NOT NULL
);

CREATE TRIGGER tracks_search_insert AFTER INSERT ON tracks
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('track', NEW.track_id); END;
CREATE TRIGGER tracks_search_update AFTER UPDATE ON tracks
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('track', NEW.track_id); END;
CREATE TRIGGER tracks_search_delete AFTER DELETE ON tracks
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('track', OLD.track_id); END;

CREATE TRIGGER albums_search_insert AFTER INSERT ON albums
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('album', NEW.album_id); END;
CREATE TRIGGER albums_search_update AFTER UPDATE ON albums
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('album', NEW.album_id); END;
CREATE TRIGGER albums_search_delete AFTER DELETE ON albums
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('album', OLD.album_id); END;

CREATE TRIGGER artists_search_insert AFTER INSERT ON artists
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('artist', NEW.artist_id); END;
CREATE TRIGGER artists_search_update AFTER UPDATE ON artists
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('artist', NEW.artist_id); END;
CREATE TRIGGER artists_search_delete AFTER DELETE ON artists
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('artist', OLD.artist_id); END;

CREATE TRIGGER playlists_search_insert AFTER INSERT ON playlists
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('playlist', NEW.playlist_id); END;
CREATE TRIGGER playlists_search_update AFTER UPDATE OF name, description, public ON playlists
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('playlist', NEW.playlist_id); END;
CREATE TRIGGER playlists_search_delete AFTER DELETE ON playlists
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('playlist', OLD.playlist_id); END;
