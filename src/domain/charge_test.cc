#include "domain/charge.h"

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

Tool ImageTool(int64_t credits) {
  Tool tool;
  tool.key = "nano-banana";
  tool.name = "Nano Banana";
  tool.credits = credits;
  tool.unit = ToolUnit::kImage;
  tool.resource_type = "images";
  return tool;
}

Charge CapturedCharge() {
  Charge charge;
  charge.status = HoldStatus::kCaptured;
  charge.reserved = 10;
  charge.captured = 8;
  // Spent from grant 1 first (4 kept), then grant 2 (4 kept of 6 reserved).
  charge.allocations = {{1, 4, 4, 0}, {2, 6, 4, 0}};
  return charge;
}

TEST(ChargeTest, PriceIsUnitsTimesThePerUnitPriceAndUnitsAreBounded) {
  EXPECT_EQ(*PriceOf(ImageTool(4), 3), 12);
  EXPECT_EQ(*PriceOf(ImageTool(0), 5), 0);
  EXPECT_EQ(PriceOf(ImageTool(4), 0).status().reason(), "invalid_field");
  EXPECT_EQ(PriceOf(ImageTool(4), kMaxUnits + 1).status().field(), "units");
  EXPECT_EQ(PriceOf(ImageTool(kMaxCreditsPerOperation), 2).status().reason(), "amount_overflow");
}

TEST(ChargeTest, AToolWithARequiredFeatureNeedsThatFeatureOrAllFeatures) {
  Tool tool = ImageTool(2);
  EXPECT_TRUE(CheckFeature(tool, {}).ok());
  tool.required_feature = "advanced_models";
  const Status denied = CheckFeature(tool, {"basic_chat"});
  EXPECT_EQ(denied.reason(), "upgrade_required");
  EXPECT_NE(denied.message().find("advanced_models"), std::string::npos);
  EXPECT_TRUE(CheckFeature(tool, {"basic_chat", "advanced_models"}).ok());
  EXPECT_TRUE(CheckFeature(tool, {"all_features"}).ok());
}

TEST(ChargeTest, ARefundReturnsCreditsLatestSpentFirstAndNeverMoreThanCaptured) {
  Charge charge = CapturedCharge();
  const auto partial = PlanRefund(charge, 5);
  ASSERT_TRUE(partial.ok()) << partial.status().ToString();
  ASSERT_EQ(partial->size(), 2U);
  EXPECT_EQ((*partial)[0].grant_id, 2);
  EXPECT_EQ((*partial)[0].amount, 4);
  EXPECT_EQ((*partial)[1].grant_id, 1);
  EXPECT_EQ((*partial)[1].amount, 1);

  charge.refunded = 5;
  charge.allocations = {{1, 4, 4, 1}, {2, 6, 4, 4}};
  EXPECT_EQ(PlanRefund(charge, 4).status().reason(), "refund_exceeds_captured");
  EXPECT_EQ(PlanRefund(charge, 0).status().field(), "amount");
  const auto rest = PlanRefund(charge, 3);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1U);
  EXPECT_EQ((*rest)[0].grant_id, 1);
  EXPECT_EQ((*rest)[0].amount, 3);
}

TEST(ChargeTest, OnlyACapturedChargeCanBeRefunded) {
  Charge charge = CapturedCharge();
  for (HoldStatus status : {HoldStatus::kPending, HoldStatus::kReleased, HoldStatus::kExpired}) {
    charge.status = status;
    EXPECT_EQ(PlanRefund(charge, 1).status().reason(), "charge_not_captured");
  }
}

TEST(ChargeTest, TheHoldViewCarriesTheReservedAllocations) {
  const Hold hold = CapturedCharge().AsHold();
  EXPECT_EQ(hold.amount, 10);
  ASSERT_EQ(hold.allocations.size(), 2U);
  EXPECT_EQ(hold.allocations[1].grant_id, 2);
  EXPECT_EQ(hold.allocations[1].amount, 6);
}

TEST(ChargeTest, InvariantsCountCreditsHeldFromAGrant) {
  AccountSnapshot snapshot;
  snapshot.account.id = 1;
  snapshot.account.balance = 10;
  snapshot.account.held = 4;
  Grant grant;
  grant.id = 7;
  grant.account_id = 1;
  grant.amount = 10;
  grant.remaining = 6;  // 4 of its 10 are held by a pending charge.
  snapshot.grants = {grant};
  LedgerEntry entry;
  entry.id = 1;
  entry.account_id = 1;
  entry.amount = 10;
  entry.balance_after = 10;
  snapshot.entries = {entry};
  snapshot.movements = {{1, 7, 10}};
  snapshot.pending_holds = 4;
  snapshot.pending_allocations = {{7, 4}};
  EXPECT_TRUE(CheckInvariants(snapshot).ok()) << CheckInvariants(snapshot).ToString();
  snapshot.pending_allocations = {{7, 3}};
  EXPECT_FALSE(CheckInvariants(snapshot).ok());
  snapshot.pending_allocations = {{7, 4}};
  snapshot.grants[0].remaining = 5;
  EXPECT_FALSE(CheckInvariants(snapshot).ok());
}

TEST(ChargeTest, FundingIsFreeForAMemberRefusedWhenFrozenOrShortAndThePriceOtherwise) {
  const Timestamp now = FromUnixSeconds(1'800'000'000);
  Account account;
  account.balance = 30;
  account.held = 10;
  const auto funding = DecideFunding(account, 20, now);
  ASSERT_TRUE(funding.ok());
  EXPECT_FALSE(funding->member_free);
  EXPECT_EQ(funding->price, 20);
  EXPECT_EQ(DecideFunding(account, 21, now).status().reason(), "insufficient_credits");
  // A member pays nothing, whatever is available.
  account.member_expired_at = now + std::chrono::hours(1);
  EXPECT_TRUE(DecideFunding(account, 500, now)->member_free);
  EXPECT_EQ(DecideFunding(account, 500, now)->price, 0);
  account.member_expired_at = now;  // Membership ends at its expiry.
  EXPECT_EQ(DecideFunding(account, 500, now).status().reason(), "insufficient_credits");
  // A frozen account spends nothing, member or not.
  account.member_expired_at = now + std::chrono::hours(1);
  account.frozen_reason = "dispute dp_1";
  EXPECT_EQ(DecideFunding(account, 0, now).status().reason(), "account_frozen");
}

}  // namespace
}  // namespace creditd::domain
