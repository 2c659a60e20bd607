// Holds (reservations) for AI tool calls (DESIGN.md section 4, PROTOCOLS.md L.1): credits are
// reserved from grants in spending order when a call starts, then the hold is resolved exactly
// once: captured (any amount up to the reserved one; the rest returns to the same grants),
// released (all returns), or expired by its timeout (all returns). An expired hold can no longer
// be captured or released, even before the expiry job has written it down.
//
// Pure: no I/O, no clock reads. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/ledger.h"

namespace creditd::domain {

enum class HoldStatus { kPending, kCaptured, kReleased, kExpired };

// "pending", "captured", "released", "expired".
std::string_view HoldStatusName(HoldStatus status);
std::optional<HoldStatus> ParseHoldStatus(std::string_view name);

// Hold timeouts: 10 minutes unless the caller asks otherwise, never more than a day.
inline constexpr std::chrono::seconds kDefaultHoldTimeout{10 * 60};
inline constexpr std::chrono::seconds kMaxHoldTimeout{24 * 60 * 60};

struct Hold {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t amount = 0;  // Reserved credits.
  HoldStatus status = HoldStatus::kPending;
  std::vector<Draw> allocations;  // Where the reserved credits came from, in spending order.
  Timestamp created_at{};
  Timestamp expires_at{};
};

// Checks a requested hold timeout: 1 second to kMaxHoldTimeout. Returns
// kInvalidArgument/"invalid_field" (field "hold_seconds") otherwise.
Status ValidateHoldTimeout(std::chrono::seconds timeout);

// Returns OK if `hold` may be captured or released at `now`. Otherwise
// kFailedPrecondition with "hold_already_captured", "hold_already_released" or "hold_expired"
// (also for a pending hold whose timeout has passed).
Status CheckResolvable(const Hold& hold, Timestamp now);

// How a capture of `amount` splits the hold's allocations: `kept` are the credits that stay
// spent (taken from the allocations in order), `returned` go back to their grants.
struct CapturePlan {
  std::vector<Draw> kept;
  std::vector<Draw> returned;
};

// Plans capturing `amount` (0..hold.amount) of a resolvable hold. Errors: those of
// CheckResolvable, and kInvalidArgument/"capture_exceeds_hold" (field "amount") when `amount` is
// negative or above the reserved amount.
Result<CapturePlan> PlanCapture(const Hold& hold, int64_t amount, Timestamp now);

}  // namespace creditd::domain
