#include "domain/charge.h"

#include <algorithm>

#include "common/status_macros.h"
#include "domain/enum_names.h"
#include "domain/order.h"

namespace creditd::domain {

namespace {
constexpr std::string_view kRunStatusNames[] = {"running", "succeeded", "failed"};
}  // namespace

std::string_view RunStatusName(RunStatus status) {
  return kRunStatusNames[static_cast<size_t>(status)];
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  return ParseEnumName<RunStatus>(kRunStatusNames, name);
}

Hold Charge::AsHold() const {
  Hold hold;
  hold.id = id;
  hold.account_id = account_id;
  hold.amount = reserved;
  hold.status = status;
  hold.created_at = created_at;
  hold.expires_at = expires_at;
  hold.allocations.reserve(allocations.size());
  for (const ChargeAllocation& allocation : allocations) {
    hold.allocations.push_back({allocation.grant_id, allocation.reserved});
  }
  return hold;
}

Status ValidateUnits(int64_t units) {
  if (units < 1 || units > kMaxUnits) {
    return Status(reason::kInvalidField, "units must be between 1 and " + std::to_string(kMaxUnits))
        .WithField("units");
  }
  return Status::Ok();
}

Result<int64_t> PriceOf(const Tool& tool, int64_t units) {
  CREDITD_RETURN_IF_ERROR(ValidateUnits(units));
  // Both factors are bounded (units by kMaxUnits, prices by the catalog check), but a price
  // edited into the database is not, so the product is checked rather than trusted.
  if (tool.credits < 0 || (tool.credits > 0 && units > kMaxCreditsPerOperation / tool.credits)) {
    return Status(reason::kAmountOverflow, "the call's price exceeds the per-operation limit")
        .WithField("units");
  }
  return tool.credits * units;
}

Result<Funding> DecideFunding(const Account& account, int64_t price, Timestamp now) {
  if (!account.frozen_reason.empty()) {
    return Status(reason::kAccountFrozen,
                  "spending is frozen on this account while a payment dispute is open; contact "
                  "support")
        .WithInternalDetail(account.frozen_reason);
  }
  if (IsMember(account.member_expired_at, now)) {
    return Funding{true, 0};
  }
  if (account.available() < price) {
    return Status(reason::kInsufficientCredits,
                  "not enough credits: " + std::to_string(price) + " needed, " +
                      std::to_string(std::max<int64_t>(account.available(), 0)) + " available");
  }
  return Funding{false, price};
}

Status CheckFeature(const Tool& tool, const std::vector<std::string>& features) {
  if (tool.required_feature.empty()) {
    return Status::Ok();
  }
  for (const std::string& feature : features) {
    if (feature == tool.required_feature || feature == "all_features") {
      return Status::Ok();
    }
  }
  return Status(reason::kUpgradeRequired, "the tool " + tool.key + " needs the feature " +
                                              tool.required_feature +
                                              ", which the account's plan does not include");
}

Result<std::vector<Draw>> PlanRefund(const Charge& charge, int64_t amount) {
  if (charge.status != HoldStatus::kCaptured) {
    return Status(reason::kChargeNotCaptured, "only a captured charge can be refunded");
  }
  const int64_t refundable = charge.captured - charge.refunded;
  if (amount < 1 || amount > refundable) {
    return Status(reason::kRefundExceedsCaptured, "amount must be between 1 and the " +
                                                      std::to_string(refundable) +
                                                      " credits still refundable")
        .WithField("amount");
  }
  // Latest-spent first: the reverse of the spending order the allocations were taken in, so a
  // partial refund gives back the credits that would have been spent last.
  std::vector<Draw> returned;
  int64_t left = amount;
  for (auto it = charge.allocations.rbegin(); it != charge.allocations.rend() && left > 0; ++it) {
    const int64_t back = std::min(left, it->captured - it->refunded);
    if (back > 0) {
      returned.push_back({it->grant_id, back});
      left -= back;
    }
  }
  return returned;
}

}  // namespace creditd::domain
