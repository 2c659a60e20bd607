#include "domain/subscription.h"

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

TEST(SubscriptionTest, EveryStripeStatusRoundTripsAndOnlySomeGrantAccess) {
  int granting = 0;
  for (const char* name : {"incomplete", "incomplete_expired", "trialing", "active", "past_due",
                           "canceled", "unpaid", "paused"}) {
    const auto status = ParseSubscriptionStatus(name);
    ASSERT_TRUE(status.has_value()) << name;
    EXPECT_EQ(SubscriptionStatusName(*status), name);
    granting += GrantsAccess(*status) ? 1 : 0;
  }
  EXPECT_EQ(granting, 3);  // trialing, active, past_due.
  EXPECT_FALSE(ParseSubscriptionStatus("Active").has_value());
}

TEST(SubscriptionTest, TheEffectivePlanFallsBackToFree) {
  EXPECT_EQ(EffectivePlanKey(std::nullopt), "free");
  Subscription subscription;
  subscription.plan_key = "pro";
  subscription.status = SubscriptionStatus::kActive;
  EXPECT_EQ(EffectivePlanKey(subscription), "pro");
  subscription.status = SubscriptionStatus::kPastDue;
  EXPECT_EQ(EffectivePlanKey(subscription), "pro");
  subscription.status = SubscriptionStatus::kCanceled;
  EXPECT_EQ(EffectivePlanKey(subscription), "free");
  subscription.status = SubscriptionStatus::kIncomplete;
  EXPECT_EQ(EffectivePlanKey(subscription), "free");
}

TEST(SubscriptionTest, PeriodsAreUtcMonths) {
  EXPECT_TRUE(ValidatePeriod("2026-11").ok());
  for (const char* bad : {"2026-13", "2026-00", "26-11", "2026/11", "2026-1", "abcd-ef", ""}) {
    const Status status = ValidatePeriod(bad);
    EXPECT_EQ(status.reason(), "invalid_query") << bad;
    EXPECT_EQ(status.field(), "period");
  }
  EXPECT_EQ(PeriodOf(FromUnixSeconds(1'795'000'000)), "2026-11");  // 2026-11-18.
  const auto [start, end] = PeriodRange("2026-12");
  EXPECT_EQ(FormatRfc3339(start), "2026-12-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(end), "2027-01-01T00:00:00Z");
}

TEST(SubscriptionTest, UsageCountsTokensPerThousandAndComparesWithQuotas) {
  Tool llm;
  llm.unit = ToolUnit::kThousandTokens;
  Tool image;
  image.unit = ToolUnit::kImage;
  EXPECT_EQ(UsageAmount(llm, 3), 3000);
  EXPECT_EQ(UsageAmount(image, 3), 3);
  Plan plan;
  plan.quotas = {{"images", 20}, {"llm_tokens", 100000}};
  const auto summary = SummariseUsage({{"images", 25}, {"llm_tokens", 3000}}, plan);
  ASSERT_EQ(summary.size(), 4U);
  EXPECT_EQ(summary.at("images").percent, 125);  // Over the limit.
  EXPECT_EQ(summary.at("llm_tokens").percent, 3);
  EXPECT_FALSE(summary.at("messages").limit.has_value());
  EXPECT_EQ(summary.at("messages").used, 0);
}

}  // namespace
}  // namespace creditd::domain

namespace creditd::domain {
namespace {

Plan MakePlan(std::string key, int64_t price, int64_t credits) {
  Plan plan;
  plan.key = std::move(key);
  plan.monthly_price = Money(price, Currency::Cny());
  plan.monthly_credits = credits;
  return plan;
}

TEST(SubscriptionTest, PlanChangesAreOrderedByPriceThenCredits) {
  const Plan free = MakePlan("free", 0, 100);
  const Plan pro = MakePlan("pro", 1900, 2000);
  const Plan premium = MakePlan("premium", 4900, 6000);
  EXPECT_EQ(ClassifyPlanChange(pro, premium), PlanChange::kUpgrade);
  EXPECT_EQ(ClassifyPlanChange(premium, pro), PlanChange::kDowngrade);
  EXPECT_EQ(ClassifyPlanChange(free, pro), PlanChange::kUpgrade);
  EXPECT_EQ(ClassifyPlanChange(pro, pro), PlanChange::kNone);
  EXPECT_EQ(ClassifyPlanChange(MakePlan("a", 1900, 10), MakePlan("b", 1900, 20)),
            PlanChange::kUpgrade);
  EXPECT_EQ(PeriodAllowance(pro, BillingInterval::kMonth), 2000);
  EXPECT_EQ(PeriodAllowance(pro, BillingInterval::kYear), 24000);
}

TEST(SubscriptionTest, BillingPeriodsAreCalendarMonthsAndYears) {
  const auto at = [](const char* text) { return *ParseRfc3339(text); };
  EXPECT_EQ(AddBillingInterval(at("2026-11-22T10:30:00Z"), BillingInterval::kMonth),
            at("2026-12-22T10:30:00Z"));
  EXPECT_EQ(AddBillingInterval(at("2026-12-15T00:00:00Z"), BillingInterval::kMonth),
            at("2027-01-15T00:00:00Z"));
  EXPECT_EQ(AddBillingInterval(at("2027-01-31T08:00:00Z"), BillingInterval::kMonth),
            at("2027-02-28T08:00:00Z"));
  EXPECT_EQ(AddBillingInterval(at("2028-01-31T08:00:00Z"), BillingInterval::kMonth),
            at("2028-02-29T08:00:00Z"));
  EXPECT_EQ(AddBillingInterval(at("2028-02-29T00:00:00Z"), BillingInterval::kYear),
            at("2029-02-28T00:00:00Z"));
  EXPECT_EQ(AddBillingInterval(at("2026-11-22T00:00:00Z"), BillingInterval::kYear),
            at("2027-11-22T00:00:00Z"));
}

TEST(SubscriptionTest, BillingIntervalsReadBackFromTheirNames) {
  EXPECT_EQ(ParseBillingInterval("month"), BillingInterval::kMonth);
  EXPECT_EQ(ParseBillingInterval("year"), BillingInterval::kYear);
  EXPECT_EQ(BillingIntervalName(BillingInterval::kYear), "year");
  EXPECT_EQ(ParseBillingInterval("monthly"), std::nullopt);
  EXPECT_EQ(ParseBillingInterval("week"), std::nullopt);
}

TEST(SubscriptionTest, FreeCreditsFollowTheAccountsMonthlyAnniversary) {
  const auto at = [](const char* text) { return *ParseRfc3339(text); };
  const Timestamp created = at("2026-01-31T09:00:00Z");
  EXPECT_EQ(AnniversaryPeriod(created, created), std::pair(created, at("2026-02-28T09:00:00Z")));
  EXPECT_EQ(AnniversaryPeriod(created, at("2026-02-28T08:59:59Z")),
            std::pair(created, at("2026-02-28T09:00:00Z")));
  EXPECT_EQ(AnniversaryPeriod(created, at("2026-02-28T09:00:00Z")),
            std::pair(at("2026-02-28T09:00:00Z"), at("2026-03-31T09:00:00Z")));
  // Counted from the origin: March goes back to the 31st.
  EXPECT_EQ(AnniversaryPeriod(created, at("2026-04-15T00:00:00Z")),
            std::pair(at("2026-03-31T09:00:00Z"), at("2026-04-30T09:00:00Z")));
  EXPECT_EQ(AnniversaryPeriod(created, at("2027-01-31T09:00:00Z")),
            std::pair(at("2027-01-31T09:00:00Z"), at("2027-02-28T09:00:00Z")));
  EXPECT_EQ(AnniversaryPeriod(created, at("2025-12-01T00:00:00Z")).first, created);
}

TEST(SubscriptionTest, ProportionalSharesRoundDownWithoutOverflow) {
  EXPECT_EQ(ProportionalShare(1000, 950, 1900), 500);
  EXPECT_EQ(ProportionalShare(1000, 1, 3), 333);
  EXPECT_EQ(ProportionalShare(1000, 0, 1900), 0);
  EXPECT_EQ(ProportionalShare(1000, 1900, 1900), 1000);
  const int64_t big = int64_t{1} << 61;
  EXPECT_EQ(ProportionalShare(big, 3, 4), big / 4 * 3);
}

TEST(SubscriptionTest, UpgradeCreditsAreProratedByTheTimeLeft) {
  const Timestamp start = FromUnixSeconds(1'000'000);
  const Timestamp end = FromUnixSeconds(1'000'000 + 30 * 86400);
  // Half the period left: half the difference.
  EXPECT_EQ(ProratedUpgradeCredits(2000, 6000, start, end, FromUnixSeconds(1'000'000 + 15 * 86400)),
            2000);
  // A third left, rounded down: 4000 / 3 = 1333.
  EXPECT_EQ(ProratedUpgradeCredits(2000, 6000, start, end, FromUnixSeconds(1'000'000 + 20 * 86400)),
            1333);
  EXPECT_EQ(ProratedUpgradeCredits(2000, 6000, start, end, start), 4000);
  EXPECT_EQ(ProratedUpgradeCredits(2000, 6000, start, end, end), 0);
  EXPECT_EQ(ProratedUpgradeCredits(6000, 2000, start, end, start), 0);  // A downgrade.
  // Large allowances do not overflow.
  const int64_t big = int64_t{1} << 60;
  EXPECT_EQ(ProratedUpgradeCredits(0, big, start, end, FromUnixSeconds(1'000'000 + 15 * 86400)),
            big / 2);
}

TEST(SubscriptionTest, UpgradesAndMovesToYearlyBillingTakeEffectNow) {
  const Plan pro = MakePlan("pro", 1900, 1000);
  const Plan premium = MakePlan("premium", 4900, 3000);
  EXPECT_TRUE(ChangeTakesEffectNow(pro, premium, BillingInterval::kMonth));
  EXPECT_FALSE(ChangeTakesEffectNow(premium, pro, BillingInterval::kMonth));
  EXPECT_FALSE(ChangeTakesEffectNow(premium, pro, BillingInterval::kYear));  // Still a downgrade.
  EXPECT_TRUE(ChangeTakesEffectNow(pro, pro, BillingInterval::kYear));       // Monthly to yearly.
  EXPECT_FALSE(ChangeTakesEffectNow(pro, pro, BillingInterval::kMonth));     // Yearly to monthly.
}

TEST(SubscriptionTest, AnOlderOrEarlierInTheLifecycleStateIsStale) {
  Subscription stored;
  stored.status = SubscriptionStatus::kActive;
  stored.provider_state_at = FromUnixSeconds(100);
  EXPECT_TRUE(IsStaleState(stored, FromUnixSeconds(99), SubscriptionStatus::kCanceled));
  EXPECT_FALSE(IsStaleState(stored, FromUnixSeconds(101), SubscriptionStatus::kIncomplete));
  // The same second: only forward in the lifecycle.
  EXPECT_TRUE(IsStaleState(stored, FromUnixSeconds(100), SubscriptionStatus::kIncomplete));
  EXPECT_FALSE(IsStaleState(stored, FromUnixSeconds(100), SubscriptionStatus::kPastDue));
  EXPECT_FALSE(IsStaleState(stored, FromUnixSeconds(100), SubscriptionStatus::kCanceled));
}

TEST(SubscriptionTest, AReportedPriceMovesThePlanByTheChangeRules) {
  const Plan pro = MakePlan("pro", 1900, 1000);
  const Plan premium = MakePlan("premium", 4900, 3000);
  Subscription stored;
  stored.plan_key = "premium";
  stored.current_period_start = FromUnixSeconds(1000);
  const auto assign = [&](const Plan& reported, int64_t period_start) {
    const PlanAssignment plan =
        AssignPlan(&stored, &premium, FromUnixSeconds(period_start), reported);
    return plan.plan_key + "/" + plan.pending_plan_key;
  };
  // First seen: the reported plan.
  EXPECT_EQ(AssignPlan(nullptr, nullptr, FromUnixSeconds(1000), pro).plan_key, "pro");
  // A downgrade within the period waits; at the next period it applies.
  EXPECT_EQ(assign(pro, 1000), "premium/pro");
  EXPECT_EQ(assign(pro, 2000), "pro/");
  // Back on the stored plan's price: nothing pending.
  EXPECT_EQ(assign(premium, 1000), "premium/");
  // An upgrade applies at once.
  stored.plan_key = "pro";
  EXPECT_EQ(AssignPlan(&stored, &pro, FromUnixSeconds(1000), premium).plan_key, "premium");
  EXPECT_EQ(AssignPlan(&stored, &pro, FromUnixSeconds(1000), premium).pending_plan_key, "");
}

TEST(SubscriptionTest, ANewPeriodOrAnEndClosesTheStoredPeriod) {
  Subscription stored;
  stored.status = SubscriptionStatus::kActive;
  stored.current_period_start = FromUnixSeconds(1000);
  EXPECT_TRUE(EndsStoredPeriod(stored, FromUnixSeconds(2000), SubscriptionStatus::kActive));
  EXPECT_TRUE(EndsStoredPeriod(stored, FromUnixSeconds(1000), SubscriptionStatus::kCanceled));
  EXPECT_FALSE(EndsStoredPeriod(stored, FromUnixSeconds(1000), SubscriptionStatus::kPastDue));
  stored.status = SubscriptionStatus::kIncomplete;
  EXPECT_FALSE(EndsStoredPeriod(stored, FromUnixSeconds(1000), SubscriptionStatus::kCanceled));
}

TEST(SubscriptionTest, AProrationInvoiceGrantsTheDifferenceForTheTimeLeft) {
  const std::chrono::seconds month(30 * 86400);
  const Timestamp end = FromUnixSeconds(1'000'000 + 30 * 86400);
  const Timestamp third_left = FromUnixSeconds(1'000'000 + 20 * 86400);
  // pro (1000) to premium (3000) with a third of the month left: 3000/3 - 1000/3 = 1000 - 333.
  EXPECT_EQ(
      ProrationCredits({{3000, true, third_left, end}, {1000, false, third_left, end}}, month),
      667);
  // Never a full allowance for part of a period, nothing without lines or a period.
  EXPECT_EQ(ProrationCredits({{3000, true, third_left, end}}, month), 1000);
  EXPECT_EQ(ProrationCredits({}, month), 0);
  EXPECT_EQ(ProrationCredits({{3000, true, third_left, end}}, std::chrono::seconds(0)), 0);
  // A downgrade invoiced at once comes out negative (the caller grants nothing).
  EXPECT_LT(
      ProrationCredits({{1000, true, third_left, end}, {3000, false, third_left, end}}, month), 0);
}

}  // namespace
}  // namespace creditd::domain
