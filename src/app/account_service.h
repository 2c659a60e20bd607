// AccountService: operator use cases on accounts and their ledger: credit adjustments with a
// reason, ledger pages, and the invariant audit behind `creditd verify`.
//
// Each method runs in its own unit of work and commits it. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/idempotency.h"
#include "app/ports/account_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/ledger.h"

namespace creditd::app {

struct AdjustCommand {
  int64_t actor_user_id = 0;  // The operator, for the audit trail and the idempotency scope.
  int64_t account_id = 0;
  int64_t amount = 0;  // Signed, non-zero: positive grants credits, negative removes them.
  std::string reason;  // Required, 1..500 characters; becomes the entry's description.
  std::optional<Timestamp> expires_at;  // Only for positive adjustments.
  IdempotentRequest idempotency;        // An empty key: not idempotent; see Adjust().
};

struct AdjustOutcome {
  domain::LedgerEntry entry;
  domain::Account account;
  bool replayed = false;  // True when an earlier request with the same key produced `entry`.
};

// Limits of operator input.
inline constexpr int kAdjustReasonLengthMax = 500;

class AccountService {
 public:
  AccountService(Database& database, const Clock& clock) : database_(database), clock_(clock) {}

  // Adjusts an account's credits by `amount` as one ADJUST entry. With an idempotency key the
  // effect happens at most once: the same key with the same request returns the first entry
  // (replayed = true; kept by reference) and the account as it is now; with a different request
  // it fails with kAborted/"idempotency_key_reused".
  // Errors: "invalid_amount", "invalid_field" (reason, expires_at), "invalid_idempotency_key",
  // "account_not_found", "insufficient_credits" (a removal beyond the available credits).
  Result<AdjustOutcome> Adjust(const AdjustCommand& command);

  // Returns the account, or "account_not_found".
  Result<domain::Account> GetAccount(int64_t account_id);

  // Lifts a dispute freeze from an account (an operator's decision). Idempotent. Errors:
  // "account_not_found".
  Status LiftFreeze(int64_t account_id);

  // Returns a page of the account's entries, newest first. Errors: "account_not_found".
  Result<EntryPage> ListEntries(const EntryQuery& query);

  // Checks the ledger invariants of every account, calling `progress(checked)` every 1000
  // accounts. Returns the number checked, or the first violation (kInternal, with detail).
  Result<int64_t> VerifyAll(const std::function<void(int64_t)>& progress);

  // The number of accounts and the credits they hold in total (balance and held), for /metrics.
  // One read transaction; "database_busy" and the like on a storage failure.
  Result<AccountRepository::Totals> Totals();

 private:
  Database& database_;
  const Clock& clock_;
};

}  // namespace creditd::app
