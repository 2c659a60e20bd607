-- creditd schema, version 2: recharge and membership orders (seed 002) and membership expiry.

ALTER TABLE accounts ADD COLUMN member_expired_at INTEGER;

CREATE TABLE orders (
  id              INTEGER PRIMARY KEY,
  order_no        TEXT NOT NULL UNIQUE,
  kind            TEXT NOT NULL CHECK (kind IN ('recharge', 'membership')),
  user_id         INTEGER NOT NULL REFERENCES users (id),
  account_id      INTEGER NOT NULL REFERENCES accounts (id),
  price_id        INTEGER NOT NULL,
  amount          INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
  bonus           INTEGER NOT NULL DEFAULT 0 CHECK (bonus >= 0),
  membership_type TEXT NOT NULL DEFAULT '',
  duration_days   INTEGER NOT NULL DEFAULT 0 CHECK (duration_days >= 0),
  price_minor     INTEGER NOT NULL CHECK (price_minor > 0),
  currency        TEXT NOT NULL,
  payment_method  TEXT NOT NULL CHECK (payment_method IN ('alipay', 'wechat', 'sandbox')),
  status          TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired')),
  pay_url         TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  paid_at         INTEGER,
  start_date      INTEGER,
  end_date        INTEGER,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX orders_user_kind ON orders (user_id, kind, id);
CREATE INDEX orders_pending ON orders (expires_at) WHERE status = 'pending';
