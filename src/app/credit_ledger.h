// CreditLedger: the ledger operations of DESIGN.md section 4, performed inside the caller's
// unit of work (they never commit). Each operation locks the account first
// (AccountRepository::GetForUpdate), expires the account's due grants, then appends exactly one
// entry for its own change, so the invariants of domain/ledger.h hold at every commit.
//
// Stateless; thread-safe as long as each unit of work stays on one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/catalog.h"
#include "domain/charge.h"
#include "domain/ledger.h"

namespace creditd::app {

struct CreditCommand {
  int64_t account_id = 0;
  int64_t amount = 0;  // > 0.
  // Bonus credits given with `amount` (a credit pack's bonus): recorded in the same entry, which
  // then moves amount + bonus, but kept in a grant of its own with GrantSource::kBonus so reports
  // can tell paid from free credits.
  int64_t bonus = 0;
  domain::EntryType type = domain::EntryType::kAdjust;
  domain::GrantSource source = domain::GrantSource::kAdjustment;
  std::optional<int> priority;  // Default: domain::DefaultPriority(source).
  std::optional<Timestamp> expires_at;
  std::optional<int64_t> order_id;
  std::string reference;
  std::string description;
};

struct DebitCommand {
  int64_t account_id = 0;
  int64_t amount = 0;  // > 0; the entry records -amount.
  domain::EntryType type = domain::EntryType::kConsume;
  std::optional<int64_t> order_id;
  std::string reference;
  std::string description;
};

// Takes back up to `amount` unspent credits of the grants one entry created (a refunded
// purchase), as one ADJUST entry.
struct ClawBackCommand {
  int64_t account_id = 0;
  int64_t entry_id = 0;  // The entry that granted the credits.
  int64_t amount = 0;    // > 0.
  std::string reference;
  std::string description;
};

// A reservation for one tool call.
struct ReserveCommand {
  int64_t account_id = 0;
  std::optional<int64_t> user_id;
  domain::Tool tool;  // As priced now; its price and version are recorded on the charge.
  int64_t units = 1;
  std::chrono::seconds hold = domain::kDefaultHoldTimeout;
  std::string metadata = "{}";
  std::string source;
};

// A charge as it stands after an operation, with the account's spendable credits.
struct ChargeView {
  domain::Charge charge;
  int64_t credits = 0;  // balance - pending holds, after the operation.
};

class CreditLedger {
 public:
  // Adds `amount` credits as a new grant and one entry of `type`. Returns the entry.
  // Errors: "account_not_found", "invalid_amount", "invalid_field" (expiry not in the future),
  // "amount_overflow", storage failures. Not idempotent by itself; callers that must be
  // idempotent record an idempotency key in the same unit of work.
  static Result<domain::LedgerEntry> AddCredits(UnitOfWork& uow, const CreditCommand& command,
                                                Timestamp now);

  // Removes `amount` credits drawn from grants in spending order, as one entry of `type`.
  // Errors: "account_not_found", "invalid_amount", "insufficient_credits" (nothing changes).
  static Result<domain::LedgerEntry> RemoveCredits(UnitOfWork& uow, const DebitCommand& command,
                                                   Timestamp now);

  // Removes min(amount, what is left of the grants `command.entry_id` created) from those
  // grants, as one ADJUST entry; credits already spent, held or expired stay as they are.
  // Returns the credits taken (0: nothing left, no entry). Errors: "account_not_found",
  // "invalid_amount".
  static Result<int64_t> ClawBack(UnitOfWork& uow, const ClawBackCommand& command, Timestamp now);

  // Reserves the price of `command.units` of the tool from the account's grants in spending
  // order and records a pending charge. A member (seed 002) reserves 0 and the charge is marked
  // member_free. Errors: "account_not_found", "account_frozen" (a dispute is open),
  // "invalid_field" (units), "amount_overflow", "insufficient_credits" (nothing changes).
  static Result<ChargeView> Reserve(UnitOfWork& uow, const ReserveCommand& command, Timestamp now);

  // Reserve and Capture(everything) in one pass, for one-step charges: the same grants drawn, one
  // CONSUME entry, a charge recorded as captured (member: 0, member_free). Errors as Reserve's.
  static Result<ChargeView> ChargeNow(UnitOfWork& uow, const ReserveCommand& command,
                                      Timestamp now);

  // Captures `amount` (default: everything reserved) of a pending charge: one CONSUME entry for
  // the captured credits, the rest back to the grants they came from; credits returned to a
  // grant that expired meanwhile expire at once (EXPIRE entry). Errors: "charge_not_found",
  // "hold_already_captured", "hold_already_released", "hold_expired", "capture_exceeds_hold".
  static Result<ChargeView> Capture(UnitOfWork& uow, int64_t charge_id,
                                    std::optional<int64_t> amount, Timestamp now);

  // Releases a pending charge: everything back to its grants. Errors as Capture's.
  static Result<ChargeView> Release(UnitOfWork& uow, int64_t charge_id, Timestamp now);

  // Refunds `amount` (default: all still refundable) of a captured charge as one REFUND entry,
  // back to the grants it was spent from. Errors: "charge_not_found", "charge_not_captured",
  // "refund_exceeds_captured".
  static Result<ChargeView> Refund(UnitOfWork& uow, int64_t charge_id,
                                   std::optional<int64_t> amount, Timestamp now);

  // Expires a pending charge whose timeout has passed (everything returns to its grants) and
  // fails its running tool runs. Returns false, changing nothing, if the charge is no longer
  // pending or not yet due. Errors: "charge_not_found".
  static Result<bool> ExpireCharge(UnitOfWork& uow, int64_t charge_id, Timestamp now);

  // Returns the charge with the account's current spendable credits. "charge_not_found".
  static Result<ChargeView> GetCharge(UnitOfWork& uow, int64_t charge_id);

  // Writes an EXPIRE entry for every grant of the account whose expiry is at or before `now`
  // and that still has credits. Returns how many grants expired (0 is fine). Idempotent.
  static Result<int64_t> ExpireDueGrants(UnitOfWork& uow, int64_t account_id, Timestamp now);

  // Reads everything the invariants concern for one account.
  static Result<domain::AccountSnapshot> Snapshot(UnitOfWork& uow, int64_t account_id);

  // Checks the invariants of one account; kInternal with a detail when one is broken.
  static Status Verify(UnitOfWork& uow, int64_t account_id);
};

}  // namespace creditd::app
