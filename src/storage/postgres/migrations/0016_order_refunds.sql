-- creditd schema, version 16 (PostgreSQL): the refunds of an order, one row each.
-- Mirrors storage/sqlite/migrations/0016_order_refunds.sql.

CREATE TABLE order_refunds (
  provider     TEXT NOT NULL,
  refund_id    TEXT NOT NULL,
  order_id     BIGINT NOT NULL REFERENCES orders (id),
  amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
  status       TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
  request_no   TEXT NOT NULL DEFAULT '',
  created_at   BIGINT NOT NULL,
  updated_at   BIGINT NOT NULL,
  PRIMARY KEY (provider, refund_id)
);
CREATE INDEX order_refunds_order ON order_refunds (order_id);
CREATE INDEX order_refunds_pending ON order_refunds (provider, created_at) WHERE status = 'pending';
