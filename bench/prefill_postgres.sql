-- prefill.sql for PostgreSQL: the same :accounts accounts (psql -v accounts=N) and 100 entries
-- each.
BEGIN;
INSERT INTO accounts (id, kind, owner_user_id, balance, held, created_at, updated_at)
SELECT n, 'personal', NULL, 999901, 0, 1767225600, 1767225600 FROM generate_series(1, :accounts) n;
INSERT INTO grants (id, account_id, source, priority, amount, remaining, expires_at, order_id,
                    created_at)
SELECT n, n, 'purchase', 50, 1000000, 999901, NULL, NULL, 1767225600
FROM generate_series(1, :accounts) n;
INSERT INTO ledger_entries (id, account_id, type, amount, balance_after, order_id, reference,
                            description, created_at, grant_id, grant_amount)
SELECT n, (n - 1) / 100 + 1,
       CASE WHEN (n - 1) % 100 = 0 THEN 'RECHARGE' ELSE 'CONSUME' END,
       CASE WHEN (n - 1) % 100 = 0 THEN 1000000 ELSE -1 END,
       1000000 - (n - 1) % 100, NULL, '', 'bench pre-fill', 1767225600, (n - 1) / 100 + 1,
       CASE WHEN (n - 1) % 100 = 0 THEN 1000000 ELSE -1 END
FROM generate_series(1, :accounts * 100) n;
SELECT setval(pg_get_serial_sequence('accounts', 'id'), :accounts);
SELECT setval(pg_get_serial_sequence('grants', 'id'), :accounts);
SELECT setval(pg_get_serial_sequence('ledger_entries', 'id'), :accounts * 100);
COMMIT;
ANALYZE;
