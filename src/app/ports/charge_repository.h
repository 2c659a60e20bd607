// Charges (holds for AI tool calls) with their grant allocations, and the tool runs made through
// them. Part of a UnitOfWork; not thread-safe on its own (see unit_of_work.h).
//
// Every change to a charge happens while its account is locked (AccountRepository::
// GetForUpdate), so a charge read after locking its account is current.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/charge.h"
#include "domain/ledger.h"

namespace creditd::app {

struct RunPage {
  std::vector<domain::ToolRun> items;
  int64_t total = 0;
};

// What ChargeRepository::ChargeFromFirstGrant made.
struct FirstGrantCharge {
  int64_t charge_id = 0;
  int64_t grant_id = 0;  // The one grant the whole price was drawn from.
  int64_t balance = 0;   // The account's balance and held after the charge.
  int64_t held = 0;
};

class ChargeRepository {
 public:
  virtual ~ChargeRepository() = default;

  // Inserts a charge (id ignored) with its allocations and returns its id. The allocations'
  // rows may be deferred (unit_of_work.h).
  virtual Result<int64_t> Insert(const domain::Charge& charge) = 0;

  // The common one-step charge in one statement, where the backend has one (PostgreSQL: one
  // round trip instead of three). `charge` is a new captured charge (reserved == captured > 0,
  // not member-free, no allocations; id ignored). Locks its account and, only where the rules of
  // domain/ leave no choice -- not frozen, not a member at charge.created_at, no open grant due
  // to expire, the price available, and the first spendable grant in spending order covering
  // all of it -- draws the price from that grant, inserts the charge and its CONSUME entry
  // (reference `reference_prefix` + the charge's id, `description`, created at
  // charge.created_at) and lowers the balance. Returns nullopt otherwise, having written
  // nothing (the account stays locked), and the caller takes the general path in the same unit
  // of work. SQLite always returns nullopt: it has no round trips to save. Not deferred.
  virtual Result<std::optional<FirstGrantCharge>> ChargeFromFirstGrant(
      const domain::Charge& charge, std::string_view reference_prefix,
      std::string_view description) = 0;

  // Returns the charge with its allocations, or kNotFound/"charge_not_found".
  virtual Result<domain::Charge> Get(int64_t charge_id) = 0;

  // Stores a charge's status, captured, refunded, resolved_at and updated_at, and its
  // allocations' captured and refunded amounts. May be deferred (unit_of_work.h).
  virtual Status Update(const domain::Charge& charge) = 0;

  // Returns, per allocation of every pending charge of the account, the grant and the credits
  // reserved from it (for the invariant check).
  virtual Result<std::vector<domain::Draw>> ListPendingAllocations(int64_t account_id) = 0;

  // Returns up to `limit` ids of pending charges whose expiry is at or before `now`, oldest
  // expiry first.
  virtual Result<std::vector<int64_t>> ListOverdue(Timestamp now, int limit) = 0;

  // Sums the units of the account's captured charges created in [from, to), per tool key.
  virtual Result<std::map<std::string, int64_t>> SumCapturedUnitsByTool(int64_t account_id,
                                                                        Timestamp from,
                                                                        Timestamp to) = 0;

  // Runs. InsertRun returns the new id; GetRun returns kNotFound/"run_not_found".
  virtual Result<int64_t> InsertRun(const domain::ToolRun& run) = 0;
  virtual Status UpdateRun(const domain::ToolRun& run) = 0;
  virtual Result<domain::ToolRun> GetRun(int64_t run_id) = 0;
  // Marks the running runs of a charge failed with `error` (used when its hold expires).
  virtual Status FailRunsOfCharge(int64_t charge_id, std::string_view error, Timestamp now) = 0;
  // A page of a user's runs, newest first.
  virtual Result<RunPage> ListRuns(int64_t user_id, int64_t skip, int64_t limit) = 0;
};

}  // namespace creditd::app
