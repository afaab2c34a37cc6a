-- Generated playlists carry their own name and description (Daily Mix names each mix after
-- its dominant genre), and the subset of tracks that are new to the listener (a Daily Mix is
-- 80% familiar, 20% new). Comma-separated like track_ids. docs/recommendations.md.
ALTER TABLE generated_playlists ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE generated_playlists ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE generated_playlists ADD COLUMN new_track_ids TEXT NOT NULL DEFAULT '';
