-- creditd schema, version 11: creditd_exactly_one, the server-side check of a write that must
-- change exactly one row (issue 15 point 3). Such writes are sent in one pipeline with the next
-- statement or with the transaction's COMMIT, so the check has to abort the transaction on the
-- server, before that COMMIT runs; a check in the client would come after it. Used as
--   WITH changed AS (UPDATE ... RETURNING 1) SELECT creditd_exactly_one(COUNT(*), 'what') FROM changed
-- SQLSTATE P0002 (no_data_found) tells the client which statement it was.
CREATE FUNCTION creditd_exactly_one(changed BIGINT, what TEXT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
BEGIN
  IF changed <> 1 THEN
    RAISE EXCEPTION 'expected to change one % row, changed %', what, changed
      USING ERRCODE = 'P0002';
  END IF;
  RETURN changed;
END
$$;
