-- creditd schema, version 11: nothing changes on SQLite. PostgreSQL gains creditd_exactly_one,
-- the server-side check of its pipelined writes; the versions of both backends stay in step.
SELECT 1;
