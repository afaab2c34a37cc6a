-- PostgreSQL version of 20261123202000_create_search_outbox.sql: the same table and the same
-- rows, written by one trigger function. Sequence values are handed out before commit, so they
-- need not commit in order; the indexer therefore deletes exactly the rows it applied and never
-- "everything up to seq N" (docs/decisions/0011-search.md).
CREATE TABLE search_outbox (
  seq BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL,
  entity_id TEXT NOT NULL
);

-- TG_ARGV[0]: the kind; TG_ARGV[1]: the id column.
CREATE FUNCTION search_outbox_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO search_outbox (kind, entity_id) VALUES (TG_ARGV[0], to_jsonb(OLD) ->> TG_ARGV[1]);
    RETURN OLD;
  END IF;
  INSERT INTO search_outbox (kind, entity_id) VALUES (TG_ARGV[0], to_jsonb(NEW) ->> TG_ARGV[1]);
  RETURN NEW;
END
$$;

CREATE TRIGGER tracks_search AFTER INSERT OR UPDATE OR DELETE ON tracks
  FOR EACH ROW EXECUTE FUNCTION search_outbox_record('track', 'track_id');
CREATE TRIGGER albums_search AFTER INSERT OR UPDATE OR DELETE ON albums
  FOR EACH ROW EXECUTE FUNCTION search_outbox_record('album', 'album_id');
CREATE TRIGGER artists_search AFTER INSERT OR UPDATE OR DELETE ON artists
  FOR EACH ROW EXECUTE FUNCTION search_outbox_record('artist', 'artist_id');
CREATE TRIGGER playlists_search_change AFTER INSERT OR DELETE ON playlists
  FOR EACH ROW EXECUTE FUNCTION search_outbox_record('playlist', 'playlist_id');
CREATE TRIGGER playlists_search_update AFTER UPDATE OF name, description, public ON playlists
  FOR EACH ROW EXECUTE FUNCTION search_outbox_record('playlist', 'playlist_id');
