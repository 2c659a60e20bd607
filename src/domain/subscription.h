// Subscriptions to plans (seed 003, DESIGN.md sections 4 and 7) and usage against plan quotas.
//
// A subscription belongs to an account and mirrors the provider's object (Stripe, or the
// sandbox provider offline): its status is one of Stripe's eight, and the account is on the
// subscription's plan while that status grants access; otherwise it is on the free plan.
// Usage is counted per resource type per UTC month from the charges recorded.
//
// Pure: no I/O, no clock reads. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/catalog.h"

namespace creditd::domain {

// Stripe's subscription statuses, in its spelling.
enum class SubscriptionStatus {
  kIncomplete,
  kIncompleteExpired,
  kTrialing,
  kActive,
  kPastDue,
  kCanceled,
  kUnpaid,
  kPaused
};
std::string_view SubscriptionStatusName(SubscriptionStatus status);
std::optional<SubscriptionStatus> ParseSubscriptionStatus(std::string_view name);

// True for the statuses under which the plan's features and quotas apply: trialing, active,
// and past_due (Stripe keeps retrying the payment; access continues during dunning).
bool GrantsAccess(SubscriptionStatus status);

inline constexpr std::string_view kFreePlan = "free";

// How often a subscription is billed; wire and provider names "month" and "year".
enum class BillingInterval { kMonth, kYear };
std::string_view BillingIntervalName(BillingInterval interval);
// Returns nullopt for a name that is not one of BillingIntervalName's.
std::optional<BillingInterval> ParseBillingInterval(std::string_view name);

struct Subscription {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string provider;                  // "stripe" or "sandbox".
  std::string provider_customer_id;      // Stripe's cus_...
  std::string provider_subscription_id;  // Stripe's sub_...
  std::string price_id;                  // Stripe's price_...
  std::string plan_key;
  BillingInterval interval = BillingInterval::kMonth;
  SubscriptionStatus status = SubscriptionStatus::kIncomplete;
  Timestamp current_period_start{};
  Timestamp current_period_end{};
  bool cancel_at_period_end = false;
  Timestamp created_at{};
  Timestamp updated_at{};
  std::string provider_item_id;  // Stripe's si_...: the item whose price is changed.
  // A downgrade waiting for the end of the current period ("" when none): until then the
  // account keeps plan_key, its features and its credits.
  std::string pending_plan_key;
  // When the provider produced the state stored here (its event's time); an older event never
  // overwrites it.
  Timestamp provider_state_at{};
};

// The plan an account is on: the subscription's plan while its status grants access, else free.
std::string EffectivePlanKey(const std::optional<Subscription>& subscription);

// The end of a billing period that starts at `start`: one calendar month or year later, at the same
// time of day, the day clamped to the month's last (Jan 31 -> Feb 28/29), as Stripe bills.
Timestamp AddBillingInterval(Timestamp start, BillingInterval interval);

// `start` plus `months` calendar months, the day clamped like AddBillingInterval's.
Timestamp AddMonths(Timestamp start, int months);

// The monthly period [start, end) containing `now` whose boundaries are the monthly
// anniversaries of `origin` (an account's creation): the free plan's credits follow it.
// `now` before `origin` yields the first period.
std::pair<Timestamp, Timestamp> AnniversaryPeriod(Timestamp origin, Timestamp now);

// The credits one billing period of a plan grants: the monthly allowance, times 12 for a
// yearly period.
int64_t PeriodAllowance(const Plan& plan, BillingInterval interval);

// Whether moving from one plan to another is an upgrade (takes effect at once, with prorated
// credits), a downgrade (takes effect at the end of the period) or neither (same plan). Ordered
// by monthly price, then by monthly credits.
enum class PlanChange { kNone, kUpgrade, kDowngrade };
PlanChange ClassifyPlanChange(const Plan& from, const Plan& to);

// total * part / whole rounded down, without overflowing int64 (0 <= part <= whole, whole > 0):
// the share of a grant a partial refund takes back, of an allowance a partial period is worth.
int64_t ProportionalShare(int64_t total, int64_t part, int64_t whole);

// The credits an upgrade at `at` grants: the difference of the two plans' period allowances
// times the share of the period [start, end) still ahead, rounded down (integer arithmetic).
// 0 when the difference is not positive or `at` is outside the period.
int64_t ProratedUpgradeCredits(int64_t from_allowance, int64_t to_allowance, Timestamp start,
                               Timestamp end, Timestamp at);

// ----- plan changes, as a billing provider reports them (issue 6 point 6) -----

// Whether moving a subscription from plan `from` to a price of plan `to` billed every
// `to_interval` takes effect at once, invoiced now with proration: an
// upgrade, or the same plan moved to yearly billing. Otherwise (a downgrade, or yearly to
// monthly) the new price applies from the next period.
bool ChangeTakesEffectNow(const Plan& from, const Plan& to, BillingInterval to_interval);

// Whether a reported subscription state stamped `state_at` with `status` is older than the
// stored one and must be ignored: an earlier stamp, or the same second with an earlier place in
// the lifecycle (incomplete, then live statuses, then ended ones).
bool IsStaleState(const Subscription& stored, Timestamp state_at, SubscriptionStatus status);

// The plan and pending plan of a subscription after its provider reports a price of plan
// `reported` for the period starting `reported_period_start`:
//   - first seen (`stored` null): the reported plan;
//   - a new period: the reported plan, and a pending downgrade is done;
//   - the same period, another plan: an upgrade applies now (its proration invoice brings the
//     credits), a downgrade waits for the next period (pending);
//   - the same plan: no pending change (the subscription is back on its plan's price).
// `stored_plan` is the stored subscription's plan (ignored when `stored` is null).
struct PlanAssignment {
  std::string plan_key;
  std::string pending_plan_key;
};
PlanAssignment AssignPlan(const Subscription* stored, const Plan* stored_plan,
                          Timestamp reported_period_start, const Plan& reported);

// Whether a reported state moves the stored subscription past its period: a new period began or
// the subscription ended. The credits of the period behind it expire then.
bool EndsStoredPeriod(const Subscription& stored, Timestamp reported_period_start,
                      SubscriptionStatus reported_status);

// One line of a plan change's proration invoice: the part [start, end) of the period priced at
// a plan whose period allowance is `allowance`, added (`added`, the new price) or taken away
// (the unused time of the old price).
struct ProrationShare {
  int64_t allowance = 0;
  bool added = true;
  Timestamp start{};
  Timestamp end{};
};

// The credits a proration invoice grants for a period `period_length` long: each added line
// brings, and each removed line takes away, its allowance times the share of the period it
// covers, rounded down. Never a full allowance for a part of a period; may be negative (a
// downgrade invoiced at once), which grants nothing.
int64_t ProrationCredits(const std::vector<ProrationShare>& lines,
                         std::chrono::seconds period_length);

// A month of usage, "2026-11". Checks the format and range (2000-01..9999-12). Returns
// kInvalidArgument/"invalid_query" (field "period") otherwise.
Status ValidatePeriod(std::string_view period);

// The UTC month containing `time`, as "YYYY-MM", and the half-open range [start, end) of a
// valid period.
std::string PeriodOf(Timestamp time);
std::pair<Timestamp, Timestamp> PeriodRange(std::string_view period);

// How much of its resource type one charge of `units` of a tool uses: a thousand-tokens unit
// counts 1000 tokens, every other unit counts 1.
int64_t UsageAmount(const Tool& tool, int64_t units);

// One resource type's usage in a period: `limit` nullopt means unlimited; `percent` is
// used * 100 / limit rounded down (0 when unlimited), and may exceed 100.
struct ResourceUsage {
  int64_t used = 0;
  std::optional<int64_t> limit;
  int64_t percent = 0;
};

// Usage per resource type (every type of kResourceTypes present) against a plan's quotas.
std::map<std::string, ResourceUsage> SummariseUsage(const std::map<std::string, int64_t>& used,
                                                    const Plan& plan);

}  // namespace creditd::domain
