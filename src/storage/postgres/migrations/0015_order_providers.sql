-- creditd schema, version 15 (PostgreSQL): an order names the payment provider that settles it.
-- Mirrors storage/sqlite/migrations/0015_order_providers.sql.

ALTER TABLE orders ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN pay_kind TEXT NOT NULL DEFAULT 'redirect'
  CHECK (pay_kind IN ('redirect', 'qr'));
UPDATE orders SET provider = 'stripe' WHERE payment_method = 'stripe' AND checkout_ref <> '';
DROP INDEX orders_provider_checkout;
CREATE INDEX orders_provider_unpaid ON orders (provider, created_at)
  WHERE provider <> '' AND status IN ('pending', 'expired');
