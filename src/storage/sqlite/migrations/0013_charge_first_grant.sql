-- creditd schema, version 13: nothing changes on SQLite. PostgreSQL gains
-- creditd_charge_first_grant, the common one-step charge in one statement (SQLite has no round
-- trips to save); the versions of both backends stay in step.
SELECT 1;
