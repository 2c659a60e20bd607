-- creditd schema, version 6: Stripe billing (seed 003 Tasks 2 to 4): provider customers, the
-- provider-event inbox, plan credits granted once per invoice or upgrade, the mail outbox, and
-- account freezes after a dispute.

ALTER TABLE subscriptions ADD COLUMN provider_item_id TEXT NOT NULL DEFAULT '';
-- A downgrade waiting for the end of the current period; '' when none.
ALTER TABLE subscriptions ADD COLUMN pending_plan_key TEXT NOT NULL DEFAULT '';
-- When the provider produced the state stored here (its event's `created`, Unix seconds):
-- an older event never overwrites it.
ALTER TABLE subscriptions ADD COLUMN provider_state_at INTEGER NOT NULL DEFAULT 0;

-- Spending is refused while frozen_reason is not empty (a dispute opened on a payment).
ALTER TABLE accounts ADD COLUMN frozen_reason TEXT NOT NULL DEFAULT '';
-- When the free plan's monthly credits are next due (the account's monthly anniversary); 0 for
-- a new account: due at once.
ALTER TABLE accounts ADD COLUMN free_credits_due_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX accounts_free_credits_due ON accounts (free_credits_due_at);

CREATE TABLE billing_customers (
  account_id  INTEGER NOT NULL REFERENCES accounts (id),
  provider    TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, provider)
);
CREATE UNIQUE INDEX billing_customers_customer ON billing_customers (provider, customer_id);

-- Every notification received, by the provider's event id: a duplicate is acknowledged and
-- changes nothing. status: processed | ignored | failed (answered 500: the provider retries)
-- | poison (cannot be applied however often it is retried: kept for an operator, answered 200).
CREATE TABLE provider_events (
  provider      TEXT NOT NULL,
  event_id      TEXT NOT NULL,
  event_type    TEXT NOT NULL,
  event_created INTEGER NOT NULL,
  received_at   INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('processed', 'ignored', 'failed', 'poison')),
  attempts      INTEGER NOT NULL,
  last_error    TEXT NOT NULL DEFAULT '',
  payload       TEXT NOT NULL,
  PRIMARY KEY (provider, event_id)
);
CREATE INDEX provider_events_status ON provider_events (status, received_at);

-- Plan credits granted once per reference: an invoice id (a period's allowance), a sandbox
-- period or upgrade, or "free:<account>:<period start>" (the free plan's monthly credits).
CREATE TABLE subscription_credits (
  provider        TEXT NOT NULL,
  reference       TEXT NOT NULL,
  account_id      INTEGER NOT NULL REFERENCES accounts (id),
  subscription_id INTEGER REFERENCES subscriptions (id),  -- NULL: the free plan's credits.
  credits         INTEGER NOT NULL,
  entry_id        INTEGER REFERENCES ledger_entries (id),
  clawed_back     INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (provider, reference)
);

-- Mail to send (dunning notices, ...); a delivery job sends and marks them.
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  subject    TEXT NOT NULL,
  body       TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at    INTEGER
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
