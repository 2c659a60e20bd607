-- creditd schema, version 16 (PostgreSQL): the refunds of an order, one row each.
-- Mirrors storage/sqlite/migrations/0016_order_refunds.sql.

CREATE TABLE order_refunds (
  provider     TEXT NOT NULL,
  refund_id    TEXT NOT NULL,
  order_id     BIGINT NOT NULL REFERENCES orders (id),
  amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
  created_at   BIGINT NOT NULL,
  PRIMARY KEY (provider, refund_id)
);
CREATE INDEX order_refunds_order ON order_refunds (order_id);
