// AccountSnapshots: the newest committed row of recently used accounts, kept in memory by a
// backend whose writers are all in this process (the embedded SQLite file; issue 15 point 1), so
// a balance read needs no database transaction. Never the only copy: every entry is derived from
// a committed row and can be dropped at any time; a miss reads the database.
//
// Coherence: the backend's write units of work publish every account they changed right after
// their commit, in the order the writers took the database's write lock, so an entry is never
// older than the newest commit whose answer has been sent (answers wait for the commit). A reader
// that read the database offers the row back with the generation it saw before reading; the offer
// is ignored if anything that could make it stale happened since: a publish or a drop of the
// entries it would sit among.
//
// Thread-safe; every method is short and never waits for the database.
#pragma once

#include <cstdint>
#include <optional>

#include "domain/ledger.h"

namespace creditd::app {

class AccountSnapshots {
 public:
  virtual ~AccountSnapshots() = default;

  // The account as of the newest commit that changed it, or nullopt when not held.
  virtual std::optional<domain::Account> Find(int64_t account_id) = 0;

  // The personal account of `user_id`, or nullopt when not held.
  virtual std::optional<int64_t> AccountOfUser(int64_t user_id) = 0;

  // Grows with every publish and drop; read it before a database read whose rows are offered.
  virtual uint64_t generation() = 0;

  // Keeps `account` (and the user's account, when `user_id` is given) read by a unit of work
  // that began after generation() returned `seen`, unless a publish or drop since could make it
  // stale.
  virtual void Offer(const domain::Account& account, std::optional<int64_t> user_id,
                     uint64_t seen) = 0;
};

}  // namespace creditd::app
