-- The equivalent debit on plain PostgreSQL: a conditional balance UPDATE and the entry INSERT,
-- in one transaction (pgbench wraps nothing; BEGIN/END make it one commit).
\set aid random(1, 10000)
BEGIN;
UPDATE bench_accounts SET balance = balance - 1 WHERE id = :aid AND balance >= 1;
INSERT INTO bench_entries (account_id, amount, created_at) VALUES (:aid, -1, now());
END;
