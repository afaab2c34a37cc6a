-- One counter that every change to what a play answers with advances, in the changing
-- transaction: the catalog rows of a track (tracks, albums, artists, track_artists) and its
-- media (track_media). The play caches (src/streaming/catalog_cache.h, media_files.h) read it
-- once per request and keep their entries for as long as it has not moved, instead of
-- re-reading rows on a timer. Playlists, users and listening history never touch it, so their
-- writes leave the caches alone, and so do artists' follower counts (only an artist's id and
-- name appear in a play). docs/decisions/0014-media-fast-path.md.
CREATE TABLE content_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);

CREATE TRIGGER tracks_content_insert AFTER INSERT ON tracks
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tracks_content_update AFTER UPDATE ON tracks
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER tracks_content_delete AFTER DELETE ON tracks
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER albums_content_insert AFTER INSERT ON albums
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER albums_content_update AFTER UPDATE ON albums
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER albums_content_delete AFTER DELETE ON albums
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER artists_content_insert AFTER INSERT ON artists
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER artists_content_update AFTER UPDATE OF artist_id, name ON artists
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER artists_content_delete AFTER DELETE ON artists
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER track_artists_content_insert AFTER INSERT ON track_artists
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER track_artists_content_update AFTER UPDATE ON track_artists
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER track_artists_content_delete AFTER DELETE ON track_artists
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER track_media_content_insert AFTER INSERT ON track_media
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER track_media_content_update AFTER UPDATE ON track_media
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER track_media_content_delete AFTER DELETE ON track_media
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
