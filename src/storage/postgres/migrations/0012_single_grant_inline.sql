-- creditd schema, version 12: the common charge writes one row less twice (issue 15 point 1).
-- A charge drawn from exactly one grant keeps that grant in charges.grant_id (its one
-- allocation's reserved, captured and refunded are the charge's own), and an entry that moves
-- exactly one grant keeps it in ledger_entries.grant_id and grant_amount; charge_allocations and
-- grant_movements keep only the split of the rare multi-grant charge or entry. Existing
-- single-allocation charges move to the new column; existing entries stay as written
-- (entries are immutable), their movements still read from grant_movements.
ALTER TABLE charges ADD COLUMN grant_id BIGINT REFERENCES grants (id);
ALTER TABLE ledger_entries ADD COLUMN grant_id BIGINT REFERENCES grants (id);
ALTER TABLE ledger_entries ADD COLUMN grant_amount BIGINT;
ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_grant_amount
  CHECK ((grant_amount IS NULL OR grant_amount <> 0) AND (grant_id IS NULL) = (grant_amount IS NULL));
UPDATE charges c SET grant_id = a.grant_id FROM charge_allocations a
WHERE a.charge_id = c.id
  AND (SELECT COUNT(*) FROM charge_allocations b WHERE b.charge_id = c.id) = 1;
DELETE FROM charge_allocations a USING charges c
WHERE c.id = a.charge_id AND c.grant_id IS NOT NULL;
