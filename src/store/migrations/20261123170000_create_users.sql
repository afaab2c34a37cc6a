-- Accounts, sessions (refresh-token families) and bearer tokens.
-- Timestamps are BIGINT unix milliseconds; booleans are INTEGER 0/1 (docs/decisions/0003-storage.md).
CREATE TABLE users (
  user_id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  email_lower TEXT NOT NULL UNIQUE,
  username TEXT NOT NULL,
  username_lower TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  country TEXT NOT NULL,
  subscription_tier TEXT NOT NULL DEFAULT 'free',
  is_admin INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);

-- One row per login: the refresh-token family. Revoking it kills every token issued from it.
CREATE TABLE auth_sessions (
  session_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
  created_at_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT
);
CREATE INDEX auth_sessions_user ON auth_sessions(user_id);

-- Tokens are stored as keyed hashes only; the plaintext exists once, in the response.
CREATE TABLE access_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES auth_sessions(session_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  expires_at_ms BIGINT NOT NULL
);
CREATE INDEX access_tokens_session ON access_tokens(session_id);
CREATE INDEX access_tokens_expiry ON access_tokens(expires_at_ms);

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES auth_sessions(session_id) ON DELETE CASCADE,
  expires_at_ms BIGINT NOT NULL,
  used_at_ms BIGINT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);
