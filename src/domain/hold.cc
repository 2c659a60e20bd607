#include "domain/hold.h"

#include <algorithm>

#include "common/status_macros.h"
#include "domain/enum_names.h"

namespace creditd::domain {

namespace {
constexpr std::string_view kHoldStatusNames[] = {"pending", "captured", "released", "expired"};
}  // namespace

std::string_view HoldStatusName(HoldStatus status) {
  return kHoldStatusNames[static_cast<size_t>(status)];
}

std::optional<HoldStatus> ParseHoldStatus(std::string_view name) {
  return ParseEnumName<HoldStatus>(kHoldStatusNames, name);
}

Status ValidateHoldTimeout(std::chrono::seconds timeout) {
  if (timeout < std::chrono::seconds(1) || timeout > kMaxHoldTimeout) {
    return Status(reason::kInvalidField,
                  "hold_seconds must be between 1 and " + std::to_string(kMaxHoldTimeout.count()))
        .WithField("hold_seconds");
  }
  return Status::Ok();
}

Status CheckResolvable(const Hold& hold, Timestamp now) {
  switch (hold.status) {
    case HoldStatus::kCaptured:
      return Status(reason::kHoldAlreadyCaptured, "the charge was already captured");
    case HoldStatus::kReleased:
      return Status(reason::kHoldAlreadyReleased, "the charge was already released");
    case HoldStatus::kExpired:
      return Status(reason::kHoldExpired, "the charge's hold expired; reserve again");
    case HoldStatus::kPending:
      break;
  }
  // Expiry is exact, never early, and takes effect before the job has written it down.
  if (now >= hold.expires_at) {
    return Status(reason::kHoldExpired, "the charge's hold expired; reserve again");
  }
  return Status::Ok();
}

Result<CapturePlan> PlanCapture(const Hold& hold, int64_t amount, Timestamp now) {
  CREDITD_RETURN_IF_ERROR(CheckResolvable(hold, now));
  if (amount < 0 || amount > hold.amount) {
    return Status(reason::kCaptureExceedsHold, "amount must be between 0 and the " +
                                                   std::to_string(hold.amount) +
                                                   " credits reserved")
        .WithField("amount");
  }
  CapturePlan plan;
  int64_t left = amount;
  for (const Draw& allocation : hold.allocations) {
    const int64_t kept = std::min(left, allocation.amount);
    if (kept > 0) {
      plan.kept.push_back({allocation.grant_id, kept});
    }
    if (allocation.amount > kept) {
      plan.returned.push_back({allocation.grant_id, allocation.amount - kept});
    }
    left -= kept;
  }
  return plan;
}

}  // namespace creditd::domain
