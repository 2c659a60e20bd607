#include "domain/subscription.h"

#include <chrono>

#include "domain/enum_names.h"

namespace creditd::domain {

namespace {
constexpr std::string_view kStatusNames[] = {
    "incomplete", "incomplete_expired", "trialing", "active",
    "past_due",   "canceled",           "unpaid",   "paused"};
constexpr std::string_view kIntervalNames[] = {"month", "year"};

bool IsDigits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return !text.empty();
}
}  // namespace

std::string_view SubscriptionStatusName(SubscriptionStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}

std::optional<SubscriptionStatus> ParseSubscriptionStatus(std::string_view name) {
  return ParseEnumName<SubscriptionStatus>(kStatusNames, name);
}

std::string_view BillingIntervalName(BillingInterval interval) {
  return kIntervalNames[static_cast<size_t>(interval)];
}

std::optional<BillingInterval> ParseBillingInterval(std::string_view name) {
  return ParseEnumName<BillingInterval>(kIntervalNames, name);
}

bool GrantsAccess(SubscriptionStatus status) {
  return status == SubscriptionStatus::kTrialing || status == SubscriptionStatus::kActive ||
         status == SubscriptionStatus::kPastDue;
}

std::string EffectivePlanKey(const std::optional<Subscription>& subscription) {
  if (subscription && GrantsAccess(subscription->status)) {
    return subscription->plan_key;
  }
  return std::string(kFreePlan);
}

Status ValidatePeriod(std::string_view period) {
  const bool shaped = period.size() == 7 && period[4] == '-' && IsDigits(period.substr(0, 4)) &&
                      IsDigits(period.substr(5, 2));
  const int year = shaped ? std::stoi(std::string(period.substr(0, 4))) : 0;
  const int month = shaped ? std::stoi(std::string(period.substr(5, 2))) : 0;
  if (!shaped || year < 2000 || month < 1 || month > 12) {
    return Status(reason::kInvalidQuery, "period must be a month such as 2026-11")
        .WithField("period");
  }
  return Status::Ok();
}

std::string PeriodOf(Timestamp time) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(time)};
  const int year = static_cast<int>(day.year());
  const unsigned month = static_cast<unsigned>(day.month());
  std::string text = std::to_string(year) + "-";
  if (month < 10) {
    text += '0';
  }
  return text + std::to_string(month);
}

std::pair<Timestamp, Timestamp> PeriodRange(std::string_view period) {
  const int year = std::stoi(std::string(period.substr(0, 4)));
  const unsigned month = static_cast<unsigned>(std::stoi(std::string(period.substr(5, 2))));
  const std::chrono::year_month first{std::chrono::year(year), std::chrono::month(month)};
  const std::chrono::year_month next = first + std::chrono::months(1);
  const auto start = std::chrono::sys_days(first / std::chrono::day(1));
  const auto end = std::chrono::sys_days(next / std::chrono::day(1));
  return {std::chrono::time_point_cast<Timestamp::duration>(start),
          std::chrono::time_point_cast<Timestamp::duration>(end)};
}

int64_t UsageAmount(const Tool& tool, int64_t units) {
  return tool.unit == ToolUnit::kThousandTokens ? units * 1000 : units;
}

std::map<std::string, ResourceUsage> SummariseUsage(const std::map<std::string, int64_t>& used,
                                                    const Plan& plan) {
  std::map<std::string, ResourceUsage> out;
  for (const char* type : kResourceTypes) {
    ResourceUsage usage;
    if (const auto it = used.find(type); it != used.end()) {
      usage.used = it->second;
    }
    if (const auto quota = plan.quotas.find(type); quota != plan.quotas.end()) {
      usage.limit = quota->second;
      usage.percent = quota->second > 0 ? usage.used * 100 / quota->second : 0;
    }
    out[type] = usage;
  }
  return out;
}

Timestamp AddBillingInterval(Timestamp start, BillingInterval interval) {
  return AddMonths(start, interval == BillingInterval::kYear ? 12 : 1);
}

Timestamp AddMonths(Timestamp start, int months) {
  using std::chrono::days;
  const auto day_start = std::chrono::floor<days>(start);
  const std::chrono::year_month_day date{day_start};
  std::chrono::year_month_day next = date + std::chrono::months(months);
  if (!next.ok()) {  // The 29th-31st of a shorter month: its last day.
    next = std::chrono::year_month_day_last(next.year(), std::chrono::month_day_last(next.month()));
  }
  return Timestamp(std::chrono::sys_days{next}) + (start - day_start);
}

std::pair<Timestamp, Timestamp> AnniversaryPeriod(Timestamp origin, Timestamp now) {
  if (now < origin) {
    return {origin, AddMonths(origin, 1)};
  }
  const std::chrono::year_month_day from{std::chrono::floor<std::chrono::days>(origin)};
  const std::chrono::year_month_day to{std::chrono::floor<std::chrono::days>(now)};
  int months = (static_cast<int>(to.year()) - static_cast<int>(from.year())) * 12 +
               static_cast<int>(static_cast<unsigned>(to.month())) -
               static_cast<int>(static_cast<unsigned>(from.month()));
  // Always counted from the origin, so a clamped month (Jan 31 -> Feb 28) does not drift.
  if (AddMonths(origin, months) > now) {
    --months;
  }
  return {AddMonths(origin, months), AddMonths(origin, months + 1)};
}

int64_t PeriodAllowance(const Plan& plan, BillingInterval interval) {
  return interval == BillingInterval::kYear ? plan.monthly_credits * 12 : plan.monthly_credits;
}

PlanChange ClassifyPlanChange(const Plan& from, const Plan& to) {
  if (from.key == to.key) {
    return PlanChange::kNone;
  }
  const int64_t from_price = from.monthly_price.amount_minor();
  const int64_t to_price = to.monthly_price.amount_minor();
  if (to_price != from_price) {
    return to_price > from_price ? PlanChange::kUpgrade : PlanChange::kDowngrade;
  }
  return to.monthly_credits >= from.monthly_credits ? PlanChange::kUpgrade : PlanChange::kDowngrade;
}

bool ChangeTakesEffectNow(const Plan& from, const Plan& to, BillingInterval to_interval) {
  return ClassifyPlanChange(from, to) == PlanChange::kUpgrade ||
         (from.key == to.key && to_interval == BillingInterval::kYear);
}

namespace {

// A subscription only moves from incomplete to live statuses and from those to ended ones.
int LifecycleRank(SubscriptionStatus status) {
  switch (status) {
    case SubscriptionStatus::kIncomplete:
      return 0;
    case SubscriptionStatus::kIncompleteExpired:
    case SubscriptionStatus::kCanceled:
      return 2;
    default:
      return 1;
  }
}

}  // namespace

bool IsStaleState(const Subscription& stored, Timestamp state_at, SubscriptionStatus status) {
  return state_at < stored.provider_state_at ||
         (state_at == stored.provider_state_at &&
          LifecycleRank(status) < LifecycleRank(stored.status));
}

PlanAssignment AssignPlan(const Subscription* stored, const Plan* stored_plan,
                          Timestamp reported_period_start, const Plan& reported) {
  if (stored == nullptr || reported_period_start > stored->current_period_start) {
    return {reported.key, ""};
  }
  if (reported.key == stored->plan_key || stored_plan == nullptr) {
    return {stored->plan_key, ""};
  }
  if (ClassifyPlanChange(*stored_plan, reported) == PlanChange::kUpgrade) {
    return {reported.key, ""};
  }
  return {stored->plan_key, reported.key};
}

bool EndsStoredPeriod(const Subscription& stored, Timestamp reported_period_start,
                      SubscriptionStatus reported_status) {
  return reported_period_start > stored.current_period_start ||
         (GrantsAccess(stored.status) && !GrantsAccess(reported_status));
}

int64_t ProrationCredits(const std::vector<ProrationShare>& lines,
                         std::chrono::seconds period_length) {
  if (period_length.count() <= 0) {
    return 0;
  }
  int64_t credits = 0;
  for (const ProrationShare& line : lines) {
    // The line's share of a whole period ending where the line ends.
    const int64_t share =
        ProratedUpgradeCredits(0, line.allowance, line.end - period_length, line.end, line.start);
    credits += line.added ? share : -share;
  }
  return credits;
}

int64_t ProportionalShare(int64_t total, int64_t part, int64_t whole) {
  // With total = q * whole + r, total * part / whole = q * part + r * part / whole, and
  // r * part < whole^2 stays small for the periods and amounts involved.
  const int64_t q = total / whole;
  const int64_t r = total % whole;
  return q * part + r * part / whole;
}

int64_t ProratedUpgradeCredits(int64_t from_allowance, int64_t to_allowance, Timestamp start,
                               Timestamp end, Timestamp at) {
  const int64_t difference = to_allowance - from_allowance;
  const int64_t length = ToUnixSeconds(end) - ToUnixSeconds(start);
  const int64_t left = ToUnixSeconds(end) - ToUnixSeconds(at);
  if (difference <= 0 || length <= 0 || left <= 0 || at < start) {
    return 0;
  }
  return ProportionalShare(difference, left, length);
}

}  // namespace creditd::domain
