#include "domain/order.h"

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

const Timestamp kNow = FromUnixSeconds(1'800'000'000);
constexpr auto kDay = std::chrono::hours(24);

Order Pending() {
  Order order;
  order.status = OrderStatus::kPending;
  order.created_at = kNow;
  order.expires_at = kNow + kPendingOrderLifetime;
  return order;
}

TEST(OrderTest, APendingOrderIsPaidOnlyBeforeItsDeadline) {
  Order order = Pending();
  EXPECT_EQ(DecidePayment(order, kNow + std::chrono::minutes(29)), PaymentDecision::kApply);
  EXPECT_EQ(DecidePayment(order, kNow + std::chrono::minutes(30)), PaymentDecision::kExpire);
  order.status = OrderStatus::kPaid;
  EXPECT_EQ(DecidePayment(order, kNow + kDay), PaymentDecision::kAlreadyPaid);
  order.status = OrderStatus::kExpired;
  EXPECT_EQ(DecidePayment(order, kNow), PaymentDecision::kRefuse);
  order.status = OrderStatus::kFailed;
  EXPECT_EQ(DecidePayment(order, kNow), PaymentDecision::kRefuse);
}

TEST(OrderTest, OnlyAPendingOrderInTimeIsCancelled) {
  Order order = Pending();
  EXPECT_EQ(DecideCancel(order, kNow + std::chrono::minutes(29)), CancelDecision::kCancel);
  EXPECT_EQ(DecideCancel(order, kNow + std::chrono::minutes(30)), CancelDecision::kExpire);
  order.status = OrderStatus::kFailed;
  EXPECT_EQ(DecideCancel(order, kNow), CancelDecision::kAlreadyCancelled);
  order.status = OrderStatus::kPaid;
  EXPECT_EQ(DecideCancel(order, kNow), CancelDecision::kRefuse);
  order.status = OrderStatus::kExpired;
  EXPECT_EQ(DecideCancel(order, kNow), CancelDecision::kRefuse);
}

TEST(OrderTest, BuyingMembershipAgainExtendsFromTheCurrentExpiry) {
  const Timestamp first = ExtendMembership(std::nullopt, kNow, 30);
  EXPECT_EQ(first, kNow + 30 * kDay);
  EXPECT_EQ(ExtendMembership(first, kNow + kDay, 30), kNow + 60 * kDay);
  // A lapsed membership starts again from now.
  EXPECT_EQ(ExtendMembership(kNow - kDay, kNow, 90), kNow + 90 * kDay);
}

TEST(OrderTest, MembershipEndsByItselfAtItsExpiry) {
  const Timestamp expiry = kNow + 30 * kDay;
  EXPECT_TRUE(IsMember(expiry, kNow));
  EXPECT_FALSE(IsMember(expiry, expiry));
  EXPECT_FALSE(IsMember(std::nullopt, kNow));
  EXPECT_EQ(MembershipDaysLeft(expiry, kNow), 30);
  EXPECT_EQ(MembershipDaysLeft(expiry, kNow + std::chrono::hours(1)), 30);
  EXPECT_EQ(MembershipDaysLeft(expiry, expiry - std::chrono::seconds(1)), 1);
  EXPECT_EQ(MembershipDaysLeft(expiry, expiry), 0);
}

TEST(OrderTest, NamesRoundTrip) {
  EXPECT_EQ(ParsePaymentMethod("wechat"), PaymentMethod::kWechat);
  EXPECT_EQ(ParsePaymentMethod("creem"), PaymentMethod::kCreem);
  EXPECT_EQ(PaymentMethodName(PaymentMethod::kCreem), "creem");
  EXPECT_FALSE(ParsePaymentMethod("paypal").has_value());
  EXPECT_EQ(ParseOrderKind(OrderKindName(OrderKind::kMembership)), OrderKind::kMembership);
  EXPECT_EQ(ParseOrderStatus("expired"), OrderStatus::kExpired);
  EXPECT_EQ(OrderNumberPrefix(OrderKind::kRecharge), 'R');
}

TEST(RefundTakesBackTest, PartialRefundsAddUpToTheWholeOrder) {
  Order order;
  order.kind = OrderKind::kRecharge;
  order.amount = 1000;
  order.bonus = 100;
  order.price = Money(990, Currency::Cny());
  // 1100 credits for 990: a third, then the rest.
  const RefundShare first = RefundTakesBack(order, 0, 330);
  EXPECT_EQ(first.credits, 366);  // 1100 * 330 / 990 = 366.67, rounded down.
  const RefundShare rest = RefundTakesBack(order, 330, 990);
  EXPECT_EQ(first.credits + rest.credits, 1100);
  // Nothing new refunded (a repeated or older notice), or more than paid: clamped.
  EXPECT_EQ(RefundTakesBack(order, 990, 990).credits, 0);
  EXPECT_EQ(RefundTakesBack(order, 500, 300).credits, 0);
  EXPECT_EQ(RefundTakesBack(order, 0, 5000).credits, 1100);
}

TEST(RefundTakesBackTest, AMembershipGivesBackItsShareOfTime) {
  Order order;
  order.kind = OrderKind::kMembership;
  order.duration_days = 30;
  order.price = Money(3000, Currency::Cny());
  EXPECT_EQ(RefundTakesBack(order, 0, 1500).membership, std::chrono::hours(24 * 15));
  EXPECT_EQ(RefundTakesBack(order, 0, 1500).credits, 0);
  const Timestamp now = FromUnixSeconds(1'800'000'000);
  const Timestamp expiry = now + std::chrono::hours(24 * 40);
  EXPECT_EQ(ShortenMembership(expiry, now, std::chrono::hours(24 * 15)),
            now + std::chrono::hours(24 * 25));
  // Never into the past; an ended membership stays as it is.
  EXPECT_EQ(ShortenMembership(expiry, now, std::chrono::hours(24 * 50)), now);
  EXPECT_EQ(ShortenMembership(now - std::chrono::hours(1), now, std::chrono::hours(24)),
            now - std::chrono::hours(1));
  EXPECT_EQ(ShortenMembership(std::nullopt, now, std::chrono::hours(24)), std::nullopt);
}

}  // namespace
}  // namespace creditd::domain
