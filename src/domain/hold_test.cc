#include "domain/hold.h"

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

const Timestamp kNow = FromUnixSeconds(1'800'000'000);

Hold PendingHold() {
  Hold hold;
  hold.amount = 10;
  hold.allocations = {{1, 4}, {2, 6}};  // 4 from grant 1 (spent first), 6 from grant 2.
  hold.created_at = kNow;
  hold.expires_at = kNow + kDefaultHoldTimeout;
  return hold;
}

TEST(HoldTest, APartialCaptureKeepsCreditsInSpendingOrderAndReturnsTheRest) {
  const auto plan = PlanCapture(PendingHold(), 7, kNow);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_EQ(plan->kept.size(), 2U);
  EXPECT_EQ(plan->kept[0].grant_id, 1);
  EXPECT_EQ(plan->kept[0].amount, 4);
  EXPECT_EQ(plan->kept[1].amount, 3);
  ASSERT_EQ(plan->returned.size(), 1U);
  EXPECT_EQ(plan->returned[0].grant_id, 2);
  EXPECT_EQ(plan->returned[0].amount, 3);
}

TEST(HoldTest, CapturingAllOrNothingAreBothValid) {
  const auto all = PlanCapture(PendingHold(), 10, kNow);
  EXPECT_TRUE(all->returned.empty());
  const auto none = PlanCapture(PendingHold(), 0, kNow);  // A capture of 0 releases everything.
  EXPECT_TRUE(none->kept.empty());
  EXPECT_EQ(none->returned.size(), 2U);
}

TEST(HoldTest, AHoldResolvesExactlyOnceAndExpiresExactlyAtItsTimeout) {
  Hold hold = PendingHold();
  EXPECT_EQ(PlanCapture(hold, 11, kNow).status().reason(), "capture_exceeds_hold");
  EXPECT_EQ(PlanCapture(hold, -1, kNow).status().field(), "amount");
  EXPECT_TRUE(CheckResolvable(hold, hold.expires_at - std::chrono::seconds(1)).ok());
  EXPECT_EQ(CheckResolvable(hold, hold.expires_at).reason(), "hold_expired");
  hold.status = HoldStatus::kCaptured;
  EXPECT_EQ(CheckResolvable(hold, kNow).reason(), "hold_already_captured");
  hold.status = HoldStatus::kReleased;
  EXPECT_EQ(CheckResolvable(hold, kNow).reason(), "hold_already_released");
  hold.status = HoldStatus::kExpired;
  EXPECT_EQ(CheckResolvable(hold, kNow).code(), StatusCode::kFailedPrecondition);
}

TEST(HoldTest, TimeoutsAreBoundedAndNamesRoundTrip) {
  EXPECT_TRUE(ValidateHoldTimeout(kDefaultHoldTimeout).ok());
  EXPECT_TRUE(ValidateHoldTimeout(kMaxHoldTimeout).ok());
  EXPECT_EQ(ValidateHoldTimeout(kMaxHoldTimeout + std::chrono::seconds(1)).field(), "hold_seconds");
  EXPECT_FALSE(ValidateHoldTimeout(std::chrono::seconds(0)).ok());
  EXPECT_EQ(ParseHoldStatus(HoldStatusName(HoldStatus::kExpired)), HoldStatus::kExpired);
  EXPECT_FALSE(ParseHoldStatus("voided").has_value());
}

}  // namespace
}  // namespace creditd::domain
