-- creditd schema, version 8: orders paid through a provider's hosted checkout (Stripe payment
-- mode). 'stripe' joins the payment methods; an order remembers its checkout and payment at the
-- provider, the RECHARGE entry it made and the money refunded so far. SQLite cannot change a
-- CHECK constraint in place, so the table is rebuilt (nothing references orders by key).

CREATE TABLE orders_v8 (
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
  payment_method  TEXT NOT NULL
                  CHECK (payment_method IN ('alipay', 'wechat', 'sandbox', 'stripe')),
  status          TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'expired')),
  pay_url         TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  paid_at         INTEGER,
  start_date      INTEGER,
  end_date        INTEGER,
  updated_at      INTEGER NOT NULL,
  checkout_ref    TEXT NOT NULL DEFAULT '',
  payment_ref     TEXT NOT NULL DEFAULT '',
  credit_entry_id INTEGER,
  refunded_minor  INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= price_minor)
);

INSERT INTO orders_v8 (id, order_no, kind, user_id, account_id, price_id, amount, bonus,
                       membership_type, duration_days, price_minor, currency, payment_method,
                       status, pay_url, created_at, expires_at, paid_at, start_date, end_date,
                       updated_at, credit_entry_id)
SELECT o.id, o.order_no, o.kind, o.user_id, o.account_id, o.price_id, o.amount, o.bonus,
       o.membership_type, o.duration_days, o.price_minor, o.currency, o.payment_method, o.status,
       o.pay_url, o.created_at, o.expires_at, o.paid_at, o.start_date, o.end_date, o.updated_at,
       (SELECT MIN(e.id) FROM ledger_entries e WHERE e.order_id = o.id AND e.type = 'RECHARGE')
FROM orders o;

DROP TABLE orders;
ALTER TABLE orders_v8 RENAME TO orders;
CREATE INDEX orders_user_kind ON orders (user_id, kind, id);
CREATE INDEX orders_pending ON orders (expires_at) WHERE status = 'pending';
CREATE INDEX orders_payment_ref ON orders (payment_ref) WHERE payment_ref <> '';
CREATE INDEX orders_provider_checkout ON orders (created_at)
  WHERE payment_method = 'stripe' AND status IN ('pending', 'expired');
