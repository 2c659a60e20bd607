// The credit ledger model (DESIGN.md section 4): accounts, grants, immutable entries, the
// spending order and the invariants that tie them together.
//
// An account's credits live in grants (buckets with a source, a priority and an optional
// expiry). Every change is one immutable LedgerEntry whose signed amount moves the account
// balance, plus GrantMovements saying which grants it touched. Spending draws from grants in
// order: priority (lower first), then soonest expiry (no expiry last), then oldest.
//
// Invariants, for every account at every commit:
//   balance == sum of entry amounts == sum of grant remaining + held
//   held == sum of pending holds == sum of their grant allocations
//   every grant's remaining == sum of its movements - credits pending holds took from it
//   available == balance - held >= 0;  every grant has 0 <= remaining <= amount
//   every entry's balance_after equals the running sum up to and including it
//   every entry's amount equals the sum of its movements
// Pure: no I/O, no clock reads; `now` is always a parameter. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::domain {

// Entry types: seed 002's five, plus ADJUST (operator corrections) and GRANT (plan allowances).
enum class EntryType { kRecharge, kConsume, kRefund, kReward, kExpire, kAdjust, kGrant };

// Returns the wire spelling: "RECHARGE", "CONSUME", ...
std::string_view EntryTypeName(EntryType type);
// Parses the wire spelling (exact, upper-case); nullopt otherwise.
std::optional<EntryType> ParseEntryType(std::string_view name);

// Where a grant's credits came from; reports use it to tell paid from free credits.
enum class GrantSource {
  kPurchase,
  kBonus,
  kPlanAllowance,
  kReward,
  kRedemption,
  kAdjustment,
  kRefund
};
std::string_view GrantSourceName(GrantSource source);
std::optional<GrantSource> ParseGrantSource(std::string_view name);

// Default priorities: plan allowances and bonuses (which may expire) are spent before purchased
// credits. Lower numbers are spent first.
inline constexpr int kPriorityPlanAllowance = 10;
inline constexpr int kPriorityPromotional = 20;  // Bonus, reward, redemption.
inline constexpr int kPriorityPurchased = 50;    // Purchases, refunds, adjustments.

// Returns the default priority for a grant of `source`.
int DefaultPriority(GrantSource source);

// The largest amount a single operation may move; keeps every sum far from int64 overflow.
inline constexpr int64_t kMaxCreditsPerOperation = 1'000'000'000'000;  // 10^12.

enum class AccountKind { kPersonal, kTeam };
std::string_view AccountKindName(AccountKind kind);
std::optional<AccountKind> ParseAccountKind(std::string_view name);

struct Account {
  int64_t id = 0;
  AccountKind kind = AccountKind::kPersonal;
  std::optional<int64_t> owner_user_id;
  int64_t balance = 0;  // Sum of all entries.
  int64_t held = 0;     // Sum of pending holds; part of balance, not spendable.
  std::optional<Timestamp> member_expired_at;  // Seed 002 membership: unlimited use until then.
  // Not empty while spending is frozen (a dispute opened on one of the account's payments):
  // why, for the operator who lifts it.
  std::string frozen_reason;
  Timestamp created_at{};
  Timestamp updated_at{};

  int64_t available() const { return balance - held; }
};

struct Grant {
  int64_t id = 0;
  int64_t account_id = 0;
  GrantSource source = GrantSource::kPurchase;
  int priority = kPriorityPurchased;
  int64_t amount = 0;     // Credits granted; never changes.
  int64_t remaining = 0;  // Credits not yet spent or expired.
  std::optional<Timestamp> expires_at;
  std::optional<int64_t> order_id;
  Timestamp created_at{};
};

struct LedgerEntry {
  int64_t id = 0;
  int64_t account_id = 0;
  EntryType type = EntryType::kAdjust;
  int64_t amount = 0;  // Signed: positive adds credits, negative removes them.
  int64_t balance_after = 0;
  std::optional<int64_t> order_id;  // seed 002's related_order_id.
  std::string reference;            // Free reference such as a charge id; may be empty.
  std::string description;
  Timestamp created_at{};
};

// How much one entry moved one grant (signed like the entry).
struct GrantMovement {
  int64_t entry_id = 0;
  int64_t grant_id = 0;
  int64_t amount = 0;
};

// A draw planned against a grant: `amount` > 0 credits taken from `grant_id`.
struct Draw {
  int64_t grant_id = 0;
  int64_t amount = 0;
};

// Returns true if `a` is spent before `b` (priority, soonest expiry, oldest, lowest id).
bool SpendsBefore(const Grant& a, const Grant& b);

// Sorts grants into spending order.
void SortForSpending(std::vector<Grant>& grants);

// Returns true if the grant has credits left and has not reached its expiry at `now`.
bool IsSpendable(const Grant& grant, Timestamp now);

// Returns true if the grant has credits left and its expiry is at or before `now`.
bool IsDueToExpire(const Grant& grant, Timestamp now);

// Checks an amount for a credit or debit: 1..kMaxCreditsPerOperation.
// Returns kInvalidArgument/"invalid_amount" (field "amount") otherwise.
Status ValidateOperationAmount(int64_t amount);

// Plans a debit of `amount` from `grants` (any order; sorted internally) at `now`, drawing in
// spending order and skipping grants that are not spendable. `available` is the account's
// balance minus holds; the debit may not exceed it either. Returns the draws, or
// kPaymentRequired/"insufficient_credits" when the spendable credits do not cover `amount`.
Result<std::vector<Draw>> PlanDebit(std::vector<Grant> grants, int64_t amount, int64_t available,
                                    Timestamp now);

// Returns balance + delta, or kInvalidArgument/"amount_overflow" if it would leave int64 or
// exceed the per-account ceiling (1000 x kMaxCreditsPerOperation).
Result<int64_t> ApplyToBalance(int64_t balance, int64_t delta);

// Everything about one account needed to check the invariants.
struct AccountSnapshot {
  Account account;
  std::vector<Grant> grants;
  std::vector<LedgerEntry> entries;  // In id order.
  std::vector<GrantMovement> movements;
  int64_t pending_holds = 0;  // Sum of pending holds as recorded by the holds themselves.
  // Credits the pending holds took from each grant (a grant may appear several times).
  std::vector<Draw> pending_allocations;
};

// Checks every invariant listed at the top of this file. Returns OK or
// kInternal/"internal_error" whose internal detail names the first broken invariant.
Status CheckInvariants(const AccountSnapshot& snapshot);

}  // namespace creditd::domain
