// An account's ledger entries and charges on SQLite (schema version 14): each row names the
// account's previous one in prev_id, and the account row names the newest (last_entry_id,
// last_charge_id), kept whole by triggers (migrations/0014_account_chains.sql). There is no
// per-account index on either table, because each cost every charge a page written at a random
// place in the file; a query walks the chain newest first instead, one primary-key lookup per row.
// Header only; thread-safe (constants and pure string building).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace creditd::storage::sqlite {

// How far before a period's start a walk newest first still looks. Ids follow time on SQLite's
// one writer, so a walk may stop at the first row older than the period; it stops this much
// later, so a clock stepped back by up to a day still loses no row of the period.
inline constexpr int64_t kChainClockSlackSeconds = 86'400;

// The oldest created_at a walk for a period starting at `period_start` must still pass: the
// step "WHERE c.created_at >= ?N" with this bound as ?N stops the walk a day before the period.
inline int64_t ChainFloor(Timestamp period_start) {
  return ToUnixSeconds(period_start) - kChainClockSlackSeconds;
}

// The recursive table `chain`: every column of `table`'s rows of the account `?1`, newest first,
// starting at the row accounts.`head` names and following prev_id. `step` is appended to the
// recursive step, which reads the previous row as `c`: e.g. "WHERE c.created_at >= ?3" (stop
// past a time) or "LIMIT ?5" (stop after that many rows; -1 for all). Followed by a SELECT
// reading `chain`.
inline std::string ChainOfAccount(std::string_view table, std::string_view head,
                                  std::string_view step = "") {
  std::string sql = "WITH RECURSIVE chain AS (SELECT * FROM ";
  sql += table;
  sql += " WHERE id = (SELECT ";
  sql += head;
  sql += " FROM accounts WHERE id = ?1) UNION ALL SELECT t.* FROM chain c JOIN ";
  sql += table;
  sql += " t ON t.id = c.prev_id ";
  sql += step;
  sql += ") ";
  return sql;
}

inline std::string EntryChain(std::string_view step = "") {
  return ChainOfAccount("ledger_entries", "last_entry_id", step);
}

inline std::string ChargeChain(std::string_view step = "") {
  return ChainOfAccount("charges", "last_charge_id", step);
}

}  // namespace creditd::storage::sqlite
