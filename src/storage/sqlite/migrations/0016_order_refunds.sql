-- creditd schema, version 16: the refunds of an order, one row each, for the providers that
-- report refunds one by one (WeChat Pay's REFUND.SUCCESS) rather than as
-- a cumulative total (Stripe's amount_refunded, Alipay's refund_fee). A refund is kept once by
-- (provider, refund_id), so a repeated notification adds nothing; the order's refunded_minor is
-- the sum of its succeeded rows, and the credits taken back follow from it as for the cumulative
-- providers. A refund the provider accepted but has not settled yet is a pending row with the
-- request number creditd gave it (request_no, WeChat Pay's out_refund_no): reconciliation asks
-- about it when its notification does not come; failed ones are kept for the record.

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
CREATE INDEX order_refunds_order ON order_refunds (order_id);
CREATE INDEX order_refunds_pending ON order_refunds (provider, created_at) WHERE status = 'pending';
