-- creditd schema, version 14: nothing changes on PostgreSQL. SQLite replaces its per-account
-- indexes on ledger_entries and charges by chains (each row names the account's previous one),
-- because there each index cost a charge a page written at a random place; PostgreSQL is limited
-- by its work per transaction instead and keeps its indexes. The versions stay in step.
SELECT 1;
