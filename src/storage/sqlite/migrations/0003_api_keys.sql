-- creditd schema, version 3: API keys for tool backends (server-to-server calls). Only a SHA-256
-- of each key is stored; the key itself is shown once, at creation.

CREATE TABLE api_keys (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  key_hash     TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at   INTEGER
);
