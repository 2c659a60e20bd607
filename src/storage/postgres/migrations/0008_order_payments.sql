-- creditd schema, version 8 (PostgreSQL): orders paid through a provider's hosted checkout
-- (Stripe payment mode). Mirrors storage/sqlite/migrations/0008_order_payments.sql, which has to
-- rebuild the table; here the constraint and columns change in place.

ALTER TABLE orders DROP CONSTRAINT orders_payment_method_check;
ALTER TABLE orders ADD CONSTRAINT orders_payment_method_check
  CHECK (payment_method IN ('alipay', 'wechat', 'sandbox', 'stripe'));
ALTER TABLE orders ADD COLUMN checkout_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN payment_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN credit_entry_id BIGINT;
ALTER TABLE orders ADD COLUMN refunded_minor BIGINT NOT NULL DEFAULT 0
  CHECK (refunded_minor >= 0 AND refunded_minor <= price_minor);

UPDATE orders o SET credit_entry_id =
  (SELECT MIN(e.id) FROM ledger_entries e WHERE e.order_id = o.id AND e.type = 'RECHARGE')
WHERE o.kind = 'recharge' AND o.status = 'paid';

CREATE INDEX orders_payment_ref ON orders (payment_ref) WHERE payment_ref <> '';
CREATE INDEX orders_provider_checkout ON orders (created_at)
  WHERE payment_method = 'stripe' AND status IN ('pending', 'expired');
