#include "domain/ledger.h"

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

const Timestamp kNow = FromUnixSeconds(1'800'000'000);

Grant MakeGrant(int64_t id, int priority, int64_t remaining, std::optional<int64_t> expires_in,
                int64_t created_offset = 0) {
  Grant grant;
  grant.id = id;
  grant.account_id = 1;
  grant.priority = priority;
  grant.amount = remaining;
  grant.remaining = remaining;
  if (expires_in) {
    grant.expires_at = kNow + std::chrono::seconds(*expires_in);
  }
  grant.created_at = kNow + std::chrono::seconds(created_offset);
  return grant;
}

TEST(LedgerTest, SpendingOrderIsPriorityThenSoonestExpiryThenOldest) {
  std::vector<Grant> grants = {
      MakeGrant(1, kPriorityPurchased, 10, std::nullopt, -100),
      MakeGrant(2, kPriorityPurchased, 10, 3600, -50),
      MakeGrant(3, kPriorityPurchased, 10, 60, -10),
      MakeGrant(4, kPriorityPlanAllowance, 10, std::nullopt, -5),
      MakeGrant(5, kPriorityPurchased, 10, std::nullopt, -200),
  };
  SortForSpending(grants);
  std::vector<int64_t> order;
  for (const auto& grant : grants) {
    order.push_back(grant.id);
  }
  EXPECT_EQ(order, (std::vector<int64_t>{4, 3, 2, 5, 1}));
}

TEST(LedgerTest, PlanDebitDrawsAcrossGrantsInOrder) {
  const std::vector<Grant> grants = {MakeGrant(1, kPriorityPurchased, 100, std::nullopt),
                                     MakeGrant(2, kPriorityPromotional, 10, 3600)};
  const auto draws = PlanDebit(grants, 25, 110, kNow);
  ASSERT_TRUE(draws.ok()) << draws.status().ToString();
  ASSERT_EQ(draws->size(), 2U);
  EXPECT_EQ((*draws)[0].grant_id, 2);
  EXPECT_EQ((*draws)[0].amount, 10);
  EXPECT_EQ((*draws)[1].grant_id, 1);
  EXPECT_EQ((*draws)[1].amount, 15);
}

TEST(LedgerTest, PlanDebitSkipsExpiredGrantsAndRefusesBeyondSpendable) {
  const std::vector<Grant> grants = {MakeGrant(1, kPriorityPurchased, 5, std::nullopt),
                                     MakeGrant(2, kPriorityPromotional, 50, 0)};  // Expires now.
  const auto too_much = PlanDebit(grants, 6, 55, kNow);
  ASSERT_FALSE(too_much.ok());
  EXPECT_EQ(too_much.status().reason(), "insufficient_credits");
  EXPECT_EQ(too_much.status().code(), StatusCode::kPaymentRequired);
  EXPECT_TRUE(PlanDebit(grants, 5, 55, kNow).ok());
}

TEST(LedgerTest, PlanDebitRespectsHeldCredits) {
  const std::vector<Grant> grants = {MakeGrant(1, kPriorityPurchased, 100, std::nullopt)};
  EXPECT_EQ(PlanDebit(grants, 60, /*available=*/50, kNow).status().reason(),
            "insufficient_credits");
}

TEST(LedgerTest, ValidatesOperationAmounts) {
  EXPECT_EQ(ValidateOperationAmount(0).reason(), "invalid_amount");
  EXPECT_EQ(ValidateOperationAmount(-1).field(), "amount");
  EXPECT_EQ(ValidateOperationAmount(kMaxCreditsPerOperation + 1).reason(), "invalid_amount");
  EXPECT_TRUE(ValidateOperationAmount(kMaxCreditsPerOperation).ok());
  EXPECT_EQ(ApplyToBalance(std::numeric_limits<int64_t>::max(), 1).status().reason(),
            "amount_overflow");
  EXPECT_EQ(*ApplyToBalance(10, -3), 7);
}

TEST(LedgerTest, NamesRoundTrip) {
  for (const auto type :
       {EntryType::kRecharge, EntryType::kConsume, EntryType::kRefund, EntryType::kReward,
        EntryType::kExpire, EntryType::kAdjust, EntryType::kGrant}) {
    EXPECT_EQ(ParseEntryType(EntryTypeName(type)), type);
  }
  EXPECT_FALSE(ParseEntryType("consume").has_value());
  EXPECT_EQ(ParseGrantSource("plan_allowance"), GrantSource::kPlanAllowance);
  EXPECT_EQ(DefaultPriority(GrantSource::kBonus), kPriorityPromotional);
}

AccountSnapshot ConsistentSnapshot() {
  AccountSnapshot snapshot;
  snapshot.account.id = 1;
  snapshot.account.balance = 70;
  Grant grant = MakeGrant(10, kPriorityPurchased, 100, std::nullopt);
  grant.remaining = 70;
  snapshot.grants = {grant};
  snapshot.entries = {{1, 1, EntryType::kRecharge, 100, 100, std::nullopt, "", "", kNow},
                      {2, 1, EntryType::kConsume, -30, 70, std::nullopt, "", "", kNow}};
  snapshot.movements = {{1, 10, 100}, {2, 10, -30}};
  return snapshot;
}

TEST(LedgerTest, InvariantsHoldForAConsistentSnapshot) {
  EXPECT_TRUE(CheckInvariants(ConsistentSnapshot()).ok());
}

TEST(LedgerTest, InvariantCheckNamesEachKindOfBreakage) {
  struct Case {
    const char* what;
    void (*mutate)(AccountSnapshot&);
  };
  const Case cases[] = {
      {"!= sum of entries", [](AccountSnapshot& s) { s.account.balance = 71; }},
      {"balance_after", [](AccountSnapshot& s) { s.entries[1].balance_after = 69; }},
      {"grants remaining", [](AccountSnapshot& s) { s.grants[0].remaining = 60; }},
      {"outside 0..", [](AccountSnapshot& s) { s.grants[0].remaining = -1; }},
      {"its grant movements", [](AccountSnapshot& s) { s.movements[1].amount = -20; }},
      {"held", [](AccountSnapshot& s) { s.account.held = 5; }},
      {"out of id order", [](AccountSnapshot& s) { s.entries[1].id = 1; }},
  };
  for (const auto& c : cases) {
    AccountSnapshot snapshot = ConsistentSnapshot();
    c.mutate(snapshot);
    const Status status = CheckInvariants(snapshot);
    ASSERT_FALSE(status.ok()) << c.what;
    EXPECT_EQ(status.reason(), "internal_error");
    EXPECT_NE(status.internal_detail().find(c.what), std::string::npos)
        << c.what << " vs " << status.internal_detail();
  }
}

}  // namespace
}  // namespace creditd::domain
