-- PostgreSQL version of 20261124070000_create_content_version.sql. A row, not a sequence: a
-- sequence shows its new value before the changing transaction commits, so a cache could read
-- the new value, then the old rows, and keep them; an updated row is seen only once committed.
-- Statement-level triggers advance it once per statement, BEFORE the statement locks any row of
-- its own: the row lock on the counter is held to commit, and taking it first means two
-- transactions never wait on each other's catalog rows while one holds it (no deadlock). So
-- transactions that change catalog or media rows commit one after another; they are short (one
-- per ingested track) and every other write leaves the row alone.
CREATE TABLE content_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 0);

CREATE FUNCTION content_version_advance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE content_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER tracks_content BEFORE INSERT OR UPDATE OR DELETE ON tracks
  FOR EACH STATEMENT EXECUTE FUNCTION content_version_advance();
CREATE TRIGGER albums_content BEFORE INSERT OR UPDATE OR DELETE ON albums
  FOR EACH STATEMENT EXECUTE FUNCTION content_version_advance();
CREATE TRIGGER artists_content BEFORE INSERT OR UPDATE OF artist_id, name OR DELETE ON artists
  FOR EACH STATEMENT EXECUTE FUNCTION content_version_advance();
CREATE TRIGGER track_artists_content BEFORE INSERT OR UPDATE OR DELETE ON track_artists
  FOR EACH STATEMENT EXECUTE FUNCTION content_version_advance();
CREATE TRIGGER track_media_content BEFORE INSERT OR UPDATE OR DELETE ON track_media
  FOR EACH STATEMENT EXECUTE FUNCTION content_version_advance();
