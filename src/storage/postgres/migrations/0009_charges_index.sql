-- creditd schema, version 9: drop charges_account (account_id, id). Every query that looks charges
-- up by account (the pending allocations of an account, the monthly usage sums) is served by
-- charges_account_created (account_id, created_at), and a second per-account index cost every
-- charge one more random index page to write.

DROP INDEX charges_account;
