-- Premium sessions get their Ogg chunks encrypted with a per-session AES-128-CTR key.
ALTER TABLE playback_sessions ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0;
