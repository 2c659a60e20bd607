-- creditd schema, version 18: 'creem' joins the payment methods (issue 16), and the list of
-- methods leaves the schema. The domain's PaymentMethod is the one list (an order whose stored
-- method it does not know fails to load), so a new provider's method needs no table rebuild
-- again. SQLite cannot drop a CHECK constraint in place, so orders is rebuilt; order_refunds,
-- which references it, is set aside and put back around the rebuild (foreign keys stay on).

CREATE TABLE order_refunds_v18 AS SELECT * FROM order_refunds;
DROP TABLE order_refunds;

CREATE TABLE orders_v18 (
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
  payment_method  TEXT NOT NULL CHECK (payment_method <> ''),
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
  refunded_minor  INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0 AND refunded_minor <= price_minor),
  provider        TEXT NOT NULL DEFAULT '',
  pay_kind        TEXT NOT NULL DEFAULT 'redirect' CHECK (pay_kind IN ('redirect', 'qr'))
);

INSERT INTO orders_v18 (id, order_no, kind, user_id, account_id, price_id, amount, bonus,
                        membership_type, duration_days, price_minor, currency, payment_method,
                        status, pay_url, created_at, expires_at, paid_at, start_date, end_date,
                        updated_at, checkout_ref, payment_ref, credit_entry_id, refunded_minor,
                        provider, pay_kind)
SELECT id, order_no, kind, user_id, account_id, price_id, amount, bonus, membership_type,
       duration_days, price_minor, currency, payment_method, status, pay_url, created_at,
       expires_at, paid_at, start_date, end_date, updated_at, checkout_ref, payment_ref,
       credit_entry_id, refunded_minor, provider, pay_kind
FROM orders;

DROP TABLE orders;
ALTER TABLE orders_v18 RENAME TO orders;
CREATE INDEX orders_user_kind ON orders (user_id, kind, id);
CREATE INDEX orders_pending ON orders (expires_at) WHERE status = 'pending';
CREATE INDEX orders_payment_ref ON orders (payment_ref) WHERE payment_ref <> '';
CREATE INDEX orders_provider_unpaid ON orders (provider, created_at)
  WHERE provider <> '' AND status IN ('pending', 'expired');
CREATE INDEX orders_provider_checkout_ref ON orders (provider, checkout_ref, created_at)
  WHERE provider <> '';

CREATE TABLE order_refunds (
  provider     TEXT NOT NULL,
  refund_id    TEXT NOT NULL,
  order_id     INTEGER NOT NULL REFERENCES orders (id),
  amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  request_no   TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (provider, refund_id)
);
INSERT INTO order_refunds SELECT provider, refund_id, order_id, amount_minor, status, request_no,
                                 created_at, updated_at FROM order_refunds_v18;
DROP TABLE order_refunds_v18;
CREATE INDEX order_refunds_order ON order_refunds (order_id);
CREATE INDEX order_refunds_pending ON order_refunds (provider, created_at) WHERE status = 'pending';
