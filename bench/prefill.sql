-- Pre-fills a creditd database (after `creditd migrate`) with :accounts accounts (a sqlite3
-- `.parameter`; run.sh uses 10,000 and 100,000) and 100 ledger entries each that satisfy every
-- ledger invariant: per account one purchase grant of 1,000,000 credits, one RECHARGE entry and
-- 99 CONSUME entries of 1 credit, each with its grant movement (inline: one grant), each naming
-- the account's previous entry (prev_id; the schema's triggers check it and keep
-- accounts.last_entry_id). SQLite dialect; prefill_postgres.sql is the same for PostgreSQL.
BEGIN;
WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < :accounts)
INSERT INTO accounts (id, kind, owner_user_id, balance, held, created_at, updated_at)
SELECT n, 'personal', NULL, 999901, 0, 1767225600, 1767225600 FROM a;
WITH RECURSIVE a(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM a WHERE n < :accounts)
INSERT INTO grants (id, account_id, source, priority, amount, remaining, expires_at, order_id,
                    created_at)
SELECT n, n, 'purchase', 50, 1000000, 999901, NULL, NULL, 1767225600 FROM a;
WITH RECURSIVE e(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM e WHERE n < :accounts * 100)
INSERT INTO ledger_entries (id, account_id, type, amount, balance_after, order_id, reference,
                            description, created_at, grant_id, grant_amount, prev_id)
SELECT n, (n - 1) / 100 + 1,
       CASE WHEN (n - 1) % 100 = 0 THEN 'RECHARGE' ELSE 'CONSUME' END,
       CASE WHEN (n - 1) % 100 = 0 THEN 1000000 ELSE -1 END,
       1000000 - (n - 1) % 100, NULL, '', 'bench pre-fill', 1767225600, (n - 1) / 100 + 1,
       CASE WHEN (n - 1) % 100 = 0 THEN 1000000 ELSE -1 END,
       CASE WHEN (n - 1) % 100 = 0 THEN NULL ELSE n - 1 END
FROM e;
COMMIT;
