-- creditd schema, version 4: charges (holds for AI tool calls), their grant allocations, tool
-- runs, tool upstreams, and stored responses for idempotent replays.

ALTER TABLE tools ADD COLUMN upstream_url TEXT NOT NULL DEFAULT '';
-- One "Name: value" line per header.
ALTER TABLE tools ADD COLUMN upstream_headers TEXT NOT NULL DEFAULT '';
ALTER TABLE tools ADD COLUMN upstream_timeout_ms INTEGER NOT NULL DEFAULT 30000;
ALTER TABLE tools ADD COLUMN fail_percent INTEGER NOT NULL DEFAULT 0;

-- A replay answers with exactly the first response: its HTTP status and body.
ALTER TABLE idempotency_keys ADD COLUMN response_status INTEGER NOT NULL DEFAULT 0;
ALTER TABLE idempotency_keys ADD COLUMN response_body TEXT NOT NULL DEFAULT '';

-- Audits (creditd verify) read every grant of an account, spent ones too.
CREATE INDEX grants_account ON grants (account_id);

CREATE TABLE charges (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts (id),
  user_id       INTEGER,
  tool_key      TEXT NOT NULL,
  price_version INTEGER NOT NULL,
  unit_credits  INTEGER NOT NULL CHECK (unit_credits >= 0),
  units         INTEGER NOT NULL CHECK (units > 0),
  reserved      INTEGER NOT NULL CHECK (reserved >= 0),
  captured      INTEGER NOT NULL CHECK (captured >= 0 AND captured <= reserved),
  refunded      INTEGER NOT NULL CHECK (refunded >= 0 AND refunded <= captured),
  status        TEXT NOT NULL CHECK (status IN ('pending', 'captured', 'released', 'expired')),
  member_free   INTEGER NOT NULL CHECK (member_free IN (0, 1)),
  metadata      TEXT NOT NULL,
  source        TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  resolved_at   INTEGER,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX charges_account ON charges (account_id, id);
CREATE INDEX charges_pending_expiry ON charges (expires_at) WHERE status = 'pending';

CREATE TABLE charge_allocations (
  charge_id INTEGER NOT NULL REFERENCES charges (id),
  seq       INTEGER NOT NULL,
  grant_id  INTEGER NOT NULL REFERENCES grants (id),
  reserved  INTEGER NOT NULL CHECK (reserved > 0),
  captured  INTEGER NOT NULL CHECK (captured >= 0 AND captured <= reserved),
  refunded  INTEGER NOT NULL CHECK (refunded >= 0 AND refunded <= captured),
  PRIMARY KEY (charge_id, seq)
);

CREATE TABLE tool_runs (
  id           INTEGER PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id),
  account_id   INTEGER NOT NULL REFERENCES accounts (id),
  tool_key     TEXT NOT NULL,
  charge_id    INTEGER NOT NULL REFERENCES charges (id),
  status       TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  prompt       TEXT NOT NULL,
  params       TEXT NOT NULL,
  cost         INTEGER NOT NULL,
  result_type  TEXT NOT NULL DEFAULT '',
  result       TEXT NOT NULL DEFAULT '',
  error        TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  finished_at  INTEGER
);
CREATE INDEX tool_runs_user ON tool_runs (user_id, id);
CREATE INDEX tool_runs_charge ON tool_runs (charge_id);
