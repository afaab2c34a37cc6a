-- PostgreSQL version of 20261124014000_index_track_lyrics.sql: the outbox trigger function of
-- 20261123202000 on track_lyrics, filing the change under the track.
CREATE TRIGGER track_lyrics_search AFTER INSERT OR UPDATE OR DELETE ON track_lyrics
  FOR EACH ROW EXECUTE FUNCTION search_outbox_record('track', 'track_id');

-- Indexes built before this migration hold no lyrics: queue every track that has some.
INSERT INTO search_outbox (kind, entity_id) SELECT 'track', track_id FROM track_lyrics;
