-- creditd schema, version 17: orders by the account of a provider that took them (checkout_ref:
-- the EPay merchant id when several merchants share the load), for the daily volume of each.

CREATE INDEX orders_provider_checkout_ref ON orders (provider, checkout_ref, created_at)
  WHERE provider <> '';
