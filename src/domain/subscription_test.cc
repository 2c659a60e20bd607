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
  llm.unit = "1k_tokens";
  Tool image;
  image.unit = "image";
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
