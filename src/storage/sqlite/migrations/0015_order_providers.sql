-- creditd schema, version 15: an order names the payment provider that settles it (issue 16).
-- The payment method is what the payer chose (alipay, wechat, stripe, ...); the provider is who
-- takes the money for it (alipay and wechat orders may be settled by an EPay aggregator), whose
-- notifications, queries and refunds apply to the order. '' for orders paid in process on the
-- sandbox page. Reconciliation lists a provider's unpaid orders by (provider, created_at).
-- pay_kind says whether the payer opens pay_url or scans it as a QR code.

ALTER TABLE orders ADD COLUMN provider TEXT NOT NULL DEFAULT '';
ALTER TABLE orders ADD COLUMN pay_kind TEXT NOT NULL DEFAULT 'redirect'
  CHECK (pay_kind IN ('redirect', 'qr'));
UPDATE orders SET provider = 'stripe' WHERE payment_method = 'stripe' AND checkout_ref <> '';
DROP INDEX orders_provider_checkout;
CREATE INDEX orders_provider_unpaid ON orders (provider, created_at)
  WHERE provider <> '' AND status IN ('pending', 'expired');
