-- creditd schema, version 1: users, sessions, accounts, the credit ledger, catalog, bookkeeping.
-- Times are INTEGER Unix seconds (UTC); money is INTEGER minor units; credits are INTEGER.

CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE order_sequences (
  prefix     TEXT NOT NULL,
  day        TEXT NOT NULL,
  last_value INTEGER NOT NULL,
  PRIMARY KEY (prefix, day)
);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL CHECK (role IN ('user', 'admin')),
  password_hash TEXT NOT NULL,
  account_id    INTEGER REFERENCES accounts (id),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL
);

CREATE TABLE refresh_tokens (
  id         INTEGER PRIMARY KEY,
  family_id  TEXT NOT NULL,
  user_id    INTEGER NOT NULL REFERENCES users (id),
  token_hash TEXT NOT NULL UNIQUE,
  state      TEXT NOT NULL CHECK (state IN ('active', 'rotated', 'revoked')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('personal', 'team')),
  owner_user_id INTEGER REFERENCES users (id),
  balance       INTEGER NOT NULL DEFAULT 0,
  held          INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  CHECK (balance - held >= 0)
);

CREATE TABLE grants (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id),
  source     TEXT NOT NULL,
  priority   INTEGER NOT NULL,
  amount     INTEGER NOT NULL CHECK (amount > 0),
  remaining  INTEGER NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
  expires_at INTEGER,
  order_id   INTEGER,
  created_at INTEGER NOT NULL
);
CREATE INDEX grants_open ON grants (account_id) WHERE remaining > 0;
CREATE INDEX grants_due ON grants (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;

CREATE TABLE ledger_entries (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts (id),
  type          TEXT NOT NULL
                CHECK (type IN ('RECHARGE', 'CONSUME', 'REFUND', 'REWARD', 'EXPIRE', 'ADJUST', 'GRANT')),
  amount        INTEGER NOT NULL CHECK (amount <> 0),
  balance_after INTEGER NOT NULL,
  order_id      INTEGER,
  reference     TEXT NOT NULL DEFAULT '',
  description   TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id);
CREATE INDEX ledger_entries_account_type ON ledger_entries (account_id, type, id);

CREATE TABLE grant_movements (
  entry_id INTEGER NOT NULL REFERENCES ledger_entries (id),
  grant_id INTEGER NOT NULL REFERENCES grants (id),
  amount   INTEGER NOT NULL CHECK (amount <> 0),
  PRIMARY KEY (entry_id, grant_id)
);
CREATE INDEX grant_movements_grant ON grant_movements (grant_id);

-- The record is append-only: corrections are new entries, never edits.
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable'); END;
CREATE TRIGGER grant_movements_no_update BEFORE UPDATE ON grant_movements
BEGIN SELECT RAISE(ABORT, 'grant movements are immutable'); END;
CREATE TRIGGER grant_movements_no_delete BEFORE DELETE ON grant_movements
BEGIN SELECT RAISE(ABORT, 'grant movements are immutable'); END;

CREATE TABLE idempotency_keys (
  scope               TEXT NOT NULL,
  key                 TEXT NOT NULL,
  request_fingerprint TEXT NOT NULL,
  result_ref          TEXT NOT NULL,
  created_at          INTEGER NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE credit_packs (
  id          INTEGER PRIMARY KEY,
  amount      INTEGER NOT NULL CHECK (amount > 0),
  bonus       INTEGER NOT NULL CHECK (bonus >= 0),
  price_minor INTEGER NOT NULL CHECK (price_minor > 0),
  currency    TEXT NOT NULL,
  is_active   INTEGER NOT NULL CHECK (is_active IN (0, 1)),
  sort_order  INTEGER NOT NULL
);

CREATE TABLE membership_prices (
  id                   INTEGER PRIMARY KEY,
  membership_type      TEXT NOT NULL,
  duration_days        INTEGER NOT NULL CHECK (duration_days > 0),
  price_minor          INTEGER NOT NULL CHECK (price_minor > 0),
  original_price_minor INTEGER NOT NULL,
  currency             TEXT NOT NULL,
  is_active            INTEGER NOT NULL CHECK (is_active IN (0, 1)),
  sort_order           INTEGER NOT NULL
);

CREATE TABLE tools (
  key              TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  credits          INTEGER NOT NULL CHECK (credits >= 0),
  unit             TEXT NOT NULL,
  resource_type    TEXT NOT NULL,
  required_feature TEXT NOT NULL DEFAULT '',
  is_active        INTEGER NOT NULL CHECK (is_active IN (0, 1)),
  price_version    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE plans (
  key                 TEXT PRIMARY KEY,
  name                TEXT NOT NULL,
  monthly_price_minor INTEGER NOT NULL CHECK (monthly_price_minor >= 0),
  yearly_price_minor  INTEGER NOT NULL CHECK (yearly_price_minor >= 0),
  currency            TEXT NOT NULL,
  monthly_credits     INTEGER NOT NULL CHECK (monthly_credits >= 0),
  trial_days          INTEGER NOT NULL DEFAULT 0,
  sort_order          INTEGER NOT NULL
);

CREATE TABLE plan_features (
  plan_key TEXT NOT NULL REFERENCES plans (key),
  feature  TEXT NOT NULL,
  PRIMARY KEY (plan_key, feature)
);

CREATE TABLE plan_quotas (
  plan_key      TEXT NOT NULL REFERENCES plans (key),
  resource_type TEXT NOT NULL,
  monthly_limit INTEGER NOT NULL CHECK (monthly_limit >= 0),
  PRIMARY KEY (plan_key, resource_type)
);
