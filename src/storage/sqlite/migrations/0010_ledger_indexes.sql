-- creditd schema, version 10: two per-account indexes fewer on every ledger write (issue 15).
-- Each index below is written at a random place by every entry, so each costs a charge a page.
--
-- ledger_entries_account_type (account_id, type, id): the type-filtered listing, the sums by type
-- and the daily totals all select one account's entries, which ledger_entries_account
-- (account_id, id) finds; the type is then a filter over that account's rows.
-- grant_movements_grant (grant_id): the one query that read movements by grant (an account's
-- movements, for verify) now reaches them through the account's entries and the movements'
-- primary key (entry_id, grant_id).
DROP INDEX ledger_entries_account_type;
DROP INDEX grant_movements_grant;
