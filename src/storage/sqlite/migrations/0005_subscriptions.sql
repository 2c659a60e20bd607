-- creditd schema, version 5: subscriptions to plans (seed 003). One row per provider
-- subscription; an account's current one is its newest.

CREATE TABLE subscriptions (
  id                       INTEGER PRIMARY KEY,
  account_id               INTEGER NOT NULL REFERENCES accounts (id),
  provider                 TEXT NOT NULL,
  provider_customer_id     TEXT NOT NULL DEFAULT '',
  provider_subscription_id TEXT NOT NULL DEFAULT '',
  price_id                 TEXT NOT NULL DEFAULT '',
  plan_key                 TEXT NOT NULL,
  billing_interval         TEXT NOT NULL CHECK (billing_interval IN ('month', 'year')),
  status                   TEXT NOT NULL CHECK (status IN ('incomplete', 'incomplete_expired',
                             'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused')),
  current_period_start     INTEGER NOT NULL,
  current_period_end       INTEGER NOT NULL,
  cancel_at_period_end     INTEGER NOT NULL CHECK (cancel_at_period_end IN (0, 1)),
  created_at               INTEGER NOT NULL,
  updated_at               INTEGER NOT NULL
);
CREATE INDEX subscriptions_account ON subscriptions (account_id, id);
CREATE UNIQUE INDEX subscriptions_provider ON subscriptions (provider, provider_subscription_id)
  WHERE provider_subscription_id <> '';

-- Usage per month reads an account's charges by time.
CREATE INDEX charges_account_created ON charges (account_id, created_at);
