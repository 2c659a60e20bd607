-- creditd schema, version 17 (PostgreSQL): orders by the account of a provider that took them.
-- Mirrors storage/sqlite/migrations/0017_order_checkout_refs.sql.

CREATE INDEX orders_provider_checkout_ref ON orders (provider, checkout_ref, created_at)
  WHERE provider <> '';
