-- Lyrics are part of a track's search document (issue 6, docs/decisions/0011-search.md,
-- "Lyrics"): a write to track_lyrics leaves a 'track' row in search_outbox in the same
-- transaction, as writes to tracks do, so the indexer re-reads the track with its lyrics.
CREATE TRIGGER track_lyrics_search_insert AFTER INSERT ON track_lyrics
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('track', NEW.track_id); END;
CREATE TRIGGER track_lyrics_search_update AFTER UPDATE ON track_lyrics
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('track', NEW.track_id); END;
CREATE TRIGGER track_lyrics_search_delete AFTER DELETE ON track_lyrics
BEGIN INSERT INTO search_outbox (kind, entity_id) VALUES ('track', OLD.track_id); END;

-- Indexes built before this migration hold no lyrics: queue every track that has some.
INSERT INTO search_outbox (kind, entity_id) SELECT 'track', track_id FROM track_lyrics;
