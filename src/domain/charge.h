// Charges: one priced AI tool call against an account (DESIGN.md section 4). A charge is a hold
// (domain/hold.h) that remembers what was bought: the tool, its price version, the units and
// the grants its credits came from. It is reserved, then resolved exactly once (captured,
// released or expired); a captured charge can later be refunded in part or in full, the
// credits going back to the grants they came from (latest-spent first).
//
// A member (seed 002) is charged 0: the charge is still recorded, with `member_free` set.
//
// Pure: no I/O, no clock reads. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/catalog.h"
#include "domain/hold.h"
#include "domain/ledger.h"

namespace creditd::domain {

// Units per call: 1..kMaxUnits (e.g. thousands of tokens).
inline constexpr int64_t kMaxUnits = 1'000'000;
// Caller metadata is stored verbatim (JSON text) up to this size.
inline constexpr size_t kMaxChargeMetadataBytes = 4096;

// Credits a charge took from one grant, and what became of them.
struct ChargeAllocation {
  int64_t grant_id = 0;
  int64_t reserved = 0;  // Taken at reservation.
  int64_t captured = 0;  // Kept at capture (<= reserved).
  int64_t refunded = 0;  // Returned by refunds (<= captured).
};

struct Charge {
  int64_t id = 0;
  int64_t account_id = 0;
  std::optional<int64_t> user_id;  // The user the call was made for, when known.
  std::string tool_key;
  int64_t price_version = 0;
  int64_t unit_credits = 0;  // The tool's price per unit at reservation.
  int64_t units = 1;
  int64_t reserved = 0;
  int64_t captured = 0;
  int64_t refunded = 0;
  HoldStatus status = HoldStatus::kPending;
  bool member_free = false;
  std::string metadata;  // Caller's JSON object, verbatim; "{}" when none.
  std::string source;    // Who made it: "api_key:3" or "user:12".
  std::vector<ChargeAllocation> allocations;
  Timestamp created_at{};
  Timestamp expires_at{};
  std::optional<Timestamp> resolved_at;
  Timestamp updated_at{};

  // The hold view of this charge (reserved amount and allocations).
  Hold AsHold() const;
};

// One end-user run of a tool (POST /api/v1/tools/{tool}/runs): the charge it reserved and
// what came of it.
enum class RunStatus { kRunning, kSucceeded, kFailed };
std::string_view RunStatusName(RunStatus status);  // "running", "succeeded", "failed".
std::optional<RunStatus> ParseRunStatus(std::string_view name);

// Prompts are stored and rendered; this bounds them (bytes of UTF-8).
inline constexpr size_t kMaxPromptBytes = 4000;

struct ToolRun {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t account_id = 0;
  std::string tool_key;
  int64_t charge_id = 0;
  RunStatus status = RunStatus::kRunning;
  std::string prompt;
  std::string params;       // The caller's params object as JSON text; "{}" when none.
  int64_t cost = 0;         // Credits finally spent (0 for a failed run or a member).
  std::string result_type;  // "image/png" for the demo renderer, the upstream's content type.
  std::string result;       // Upstream body (demo images are re-rendered from the prompt).
  std::string error;
  Timestamp created_at{};
  std::optional<Timestamp> finished_at;
};

// Checks units: 1..kMaxUnits. Returns kInvalidArgument/"invalid_field" (field "units").
Status ValidateUnits(int64_t units);

// Returns the credits `units` of `tool` cost, or kInvalidArgument/"amount_overflow".
Result<int64_t> PriceOf(const Tool& tool, int64_t units);

// Returns OK if an account with `features` may run `tool`; otherwise
// kPermissionDenied/"upgrade_required" naming the missing feature. A plan feature
// "all_features" unlocks every tool.
Status CheckFeature(const Tool& tool, const std::vector<std::string>& features);

// How one tool call is paid for: a member (seed 002: unlimited use while member_expired_at is
// ahead) pays nothing; anyone else pays `price` from available credits.
struct Funding {
  bool member_free = false;
  int64_t price = 0;  // 0 for a member.
};

// The one decision whether an account may spend on a tool call priced `price` (PriceOf) at
// `now`, made alike for a reservation, a one-step charge and the entitlements' runnable tools;
// the feature gate (CheckFeature) comes before it. Errors, in this order:
// kFailedPrecondition/"account_frozen" (a dispute is open on one of its payments),
// "insufficient_credits" (not a member and fewer than `price` credits available).
Result<Funding> DecideFunding(const Account& account, int64_t price, Timestamp now);

// Plans a refund of `amount` credits of a captured charge: back to the grants it kept credits
// from, latest-spent first. Errors: kFailedPrecondition/"charge_not_captured" if the charge is
// not captured; kInvalidArgument/"refund_exceeds_captured" (field "amount") if `amount` is not
// in 1..captured-refunded.
Result<std::vector<Draw>> PlanRefund(const Charge& charge, int64_t amount);

}  // namespace creditd::domain
