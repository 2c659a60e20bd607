-- creditd schema, version 13: creditd_charge_first_grant, the common one-step charge in one
-- statement (issue 15 point 3), used by ChargeRepository::ChargeFromFirstGrant.
--
-- It takes the fast path only where the rules of domain/ (DecideFunding, ExpireDue, PlanDebit)
-- leave no choice: the account is not frozen, not a member at p_now, has no open grant due to
-- expire, has p_price available, and its first spendable grant in spending order
-- (domain::SpendsBefore: priority, sooner expiry, no expiry last, older, lower id) covers the
-- whole price. Then it draws the price from that grant, inserts the captured charge (its one
-- allocation inline, schema 12) and its CONSUME entry (reference p_reference_prefix || charge
-- id), lowers the balance, and returns the charge id, the grant and the account's new balance
-- and held. Otherwise it writes nothing and returns NULLs, and the caller runs the general path
-- in the same transaction (the account row stays locked). A property test in
-- tests/storage_conformance/charge_conformance_test.cc compares it with the domain on random
-- accounts.
CREATE FUNCTION creditd_charge_first_grant(
  p_account BIGINT, p_user BIGINT, p_tool TEXT, p_price_version BIGINT, p_unit_credits BIGINT,
  p_units BIGINT, p_price BIGINT, p_metadata TEXT, p_source TEXT, p_now BIGINT,
  p_expires_at BIGINT, p_reference_prefix TEXT, p_description TEXT,
  OUT new_charge BIGINT, OUT drawn_grant BIGINT, OUT new_balance BIGINT, OUT new_held BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
  acct RECORD;
  head RECORD;
BEGIN
  IF p_price <= 0 THEN
    RETURN;
  END IF;
  SELECT a.balance, a.held, a.member_expired_at, a.frozen_reason INTO acct
    FROM accounts a WHERE a.id = p_account FOR UPDATE;
  IF NOT FOUND OR acct.frozen_reason <> '' OR COALESCE(acct.member_expired_at > p_now, FALSE)
     OR acct.balance - acct.held < p_price THEN
    RETURN;
  END IF;
  -- A grant due to expire sorts first, so one read tells both.
  SELECT g.id, g.remaining, COALESCE(g.expires_at <= p_now, FALSE) AS due INTO head
    FROM grants g WHERE g.account_id = p_account AND g.remaining > 0
    ORDER BY due DESC, g.priority, g.expires_at NULLS LAST, g.created_at, g.id LIMIT 1;
  IF NOT FOUND OR head.due OR head.remaining < p_price THEN
    RETURN;
  END IF;
  UPDATE grants SET remaining = remaining - p_price WHERE id = head.id;
  INSERT INTO charges (account_id, user_id, tool_key, price_version, unit_credits, units,
                       reserved, captured, refunded, status, member_free, metadata, source,
                       created_at, expires_at, resolved_at, updated_at, grant_id)
    VALUES (p_account, p_user, p_tool, p_price_version, p_unit_credits, p_units, p_price, p_price,
            0, 'captured', 0, p_metadata, p_source, p_now, p_expires_at, p_now, p_now, head.id)
    RETURNING id INTO new_charge;
  INSERT INTO ledger_entries (account_id, type, amount, balance_after, order_id, reference,
                              description, created_at, grant_id, grant_amount)
    VALUES (p_account, 'CONSUME', -p_price, acct.balance - p_price, NULL,
            p_reference_prefix || new_charge, p_description, p_now, head.id, -p_price);
  UPDATE accounts SET balance = acct.balance - p_price, updated_at = p_now WHERE id = p_account;
  drawn_grant := head.id;
  new_balance := acct.balance - p_price;
  new_held := acct.held;
END
$$;
