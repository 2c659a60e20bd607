#include "app/order_service.h"

#include <thread>

#include <gtest/gtest.h>

#include "app/account_service.h"
#include "app/auth_service.h"
#include "app/credit_service.h"
#include "app/ports/catalog_repository.h"
#include "app/transaction.h"
#include "payments/sandbox/sandbox_gateway.h"
#include "security/jwt.h"
#include "security/opaque_tokens.h"
#include "security/password_hasher.h"
#include "testing/test_database.h"

namespace creditd::app {
namespace {

using domain::OrderKind;
constexpr auto kDay = std::chrono::hours(24);

class OrderServiceTest : public ::testing::Test {
 protected:
  OrderServiceTest()
      : database_(testing::OpenSqlite(dir_.path(), 8)),
        codec_(std::string(40, 'k')),
        auth_(*database_, hasher_, codec_, tokens_, ids_, clock_, AuthConfig()),
        sandbox_("http://pay.test"),
        orders_(*database_, clock_, Config(true)),
        credits_(*database_, clock_),
        accounts_(*database_, clock_) {
    domain::Catalog catalog;
    const Currency cny = Currency::Cny();
    catalog.credit_packs = {{1, 10, 0, Money(100, cny), true, 1},
                            {2, 100, 10, Money(1000, cny), true, 2},
                            {9, 5, 0, Money(50, cny), false, 9}};
    catalog.memberships = {{1, "monthly", 30, Money(990, cny), Money(1990, cny), true, 1}};
    EXPECT_TRUE(CatalogServiceSeed(catalog));
    user_ = auth_.Register("buyer@example.com", "password123", std::nullopt, "t")->user.id;
    other_ = auth_.Register("other@example.com", "password123", std::nullopt, "t")->user.id;
  }

  bool CatalogServiceSeed(const domain::Catalog& catalog) {
    return InTransaction(
               *database_, TransactionMode::kWrite,
               [&](UnitOfWork& uow) -> Status {
                 for (const auto& pack : catalog.credit_packs) {
                   CREDITD_RETURN_IF_ERROR(uow.catalog().InsertCreditPack(pack));
                 }
                 for (const auto& membership : catalog.memberships) {
                   CREDITD_RETURN_IF_ERROR(uow.catalog().InsertMembershipPrice(membership));
                 }
                 return Status::Ok();
               })
        .ok();
  }

  OrderServiceConfig Config(bool sandbox) {
    OrderServiceConfig config;
    if (sandbox) {
      config.gateways[domain::PaymentMethod::kSandbox] = &sandbox_;
      config.gateways[domain::PaymentMethod::kAlipay] = &sandbox_;
    }
    return config;
  }

  Result<CreateOrderOutcome> Buy(OrderKind kind, int64_t price_id, std::string key = "",
                                 std::string method = "alipay") {
    // The fingerprint stands for the request as the HTTP layer would digest it.
    const std::string fingerprint =
        std::string(domain::OrderKindName(kind)) + " " + std::to_string(price_id) + " " + method;
    IdempotentRequest idempotency{"user:" + std::to_string(user_), std::move(key), fingerprint};
    return orders_.Create(
        {user_, kind, price_id, std::move(method), "", "", std::move(idempotency)});
  }

  ManualClock clock_{FromUnixSeconds(1'800'000'000)};
  testing::TempDir dir_;
  std::unique_ptr<storage::sqlite::SqliteDatabase> database_;
  security::Argon2idPasswordHasher hasher_;
  security::Hs256AccessTokenCodec codec_;
  security::RandomOpaqueTokens tokens_;
  SequenceIdGenerator ids_;
  AuthService auth_;
  payments::sandbox::SandboxPaymentGateway sandbox_;
  OrderService orders_;
  CreditService credits_;
  AccountService accounts_;
  int64_t user_ = 0;
  int64_t other_ = 0;
};

TEST_F(OrderServiceTest, APaidRechargeCreditsAmountPlusBonusOnce) {
  const auto order = Buy(OrderKind::kRecharge, 2);
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  EXPECT_EQ(order->view.order.order_no, "R20270115001");
  EXPECT_EQ(order->view.pay_url, "http://pay.test/sandbox/checkout/R20270115001");
  EXPECT_EQ(order->view.order.total_amount(), 110);
  const auto paid = orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R20270115001");
  ASSERT_TRUE(paid.ok()) << paid.status().ToString();
  EXPECT_FALSE(paid->already_paid);
  EXPECT_EQ(paid->view.order.status, domain::OrderStatus::kPaid);
  const auto again = orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R20270115001");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_paid);
  EXPECT_EQ(credits_.GetBalance(user_)->credits, 110);
  const auto entries = credits_.ListTransactions(user_, std::nullopt, 0, 20);
  ASSERT_EQ(entries->total, 1);
  EXPECT_EQ(entries->items[0].type, domain::EntryType::kRecharge);
  EXPECT_EQ(entries->items[0].amount, 110);
  EXPECT_EQ(entries->items[0].order_id, order->view.order.id);
  ASSERT_TRUE(accounts_.VerifyAll(nullptr).ok());
}

TEST_F(OrderServiceTest, ConcurrentConfirmationsApplyThePaymentExactlyOnce) {
  const auto order = Buy(OrderKind::kRecharge, 2);
  ASSERT_TRUE(order.ok());
  std::atomic<int> applied{0};
  std::atomic<int> acknowledged{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&] {
      const auto result =
          orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, order->view.order.order_no);
      if (result.ok()) {
        ++acknowledged;
        applied += result->already_paid ? 0 : 1;
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(acknowledged.load(), 20);
  EXPECT_EQ(applied.load(), 1);
  EXPECT_EQ(credits_.GetBalance(user_)->credits, 110);
  EXPECT_EQ(credits_.ListTransactions(user_, std::nullopt, 0, 20)->total, 1);
  ASSERT_TRUE(accounts_.VerifyAll(nullptr).ok());
}

TEST_F(OrderServiceTest, BuyingMembershipAgainExtendsIt) {
  ASSERT_TRUE(Buy(OrderKind::kMembership, 1).ok());
  const auto first = orders_.ConfirmForGateway(sandbox_, OrderKind::kMembership, "M20270115001");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(credits_.GetBalance(user_)->member_expired_at, clock_.Now() + 30 * kDay);
  clock_.Advance(kDay);
  ASSERT_TRUE(Buy(OrderKind::kMembership, 1).ok());
  ASSERT_TRUE(orders_.ConfirmForGateway(sandbox_, OrderKind::kMembership, "M20270116001").ok());
  const auto balance = credits_.GetBalance(user_);
  EXPECT_TRUE(balance->is_member);
  EXPECT_EQ(balance->member_expired_at, clock_.Now() - kDay + 60 * kDay);
  const auto statistics = credits_.GetMembershipStatistics(user_);
  EXPECT_EQ(statistics->total_spent, Money(1980, Currency::Cny()));
  EXPECT_EQ(statistics->paid_orders, 2);
  EXPECT_EQ(statistics->days_left, 59);
  clock_.Advance(59 * kDay);
  EXPECT_FALSE(credits_.GetBalance(user_)->is_member);
}

TEST_F(OrderServiceTest, AnOverdueOrderCannotBePaid) {
  ASSERT_TRUE(Buy(OrderKind::kRecharge, 1).ok());
  ASSERT_TRUE(Buy(OrderKind::kRecharge, 1).ok());
  clock_.Advance(std::chrono::minutes(30));
  EXPECT_EQ(
      orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R20270115001").status().reason(),
      "order_expired");
  // The refusal was stored: the order is expired now, and stays refused.
  EXPECT_EQ(orders_.Get(user_, "R20270115001")->order.status, domain::OrderStatus::kExpired);
  EXPECT_EQ(
      orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R20270115001").status().reason(),
      "order_expired");
  EXPECT_EQ(*orders_.ExpireOverdue(clock_.Now(), 100), 1);  // The other one.
  EXPECT_EQ(*orders_.ExpireOverdue(clock_.Now(), 100), 0);
  EXPECT_EQ(credits_.GetBalance(user_)->credits, 0);
}

TEST_F(OrderServiceTest, CancelledOrdersAndWrongKindsAreRefused) {
  ASSERT_TRUE(Buy(OrderKind::kRecharge, 1).ok());
  EXPECT_EQ(
      orders_.ConfirmForGateway(sandbox_, OrderKind::kMembership, "R20270115001").status().reason(),
      "order_not_found");
  ASSERT_TRUE(orders_.CancelForGateway(sandbox_, "R20270115001").ok());
  EXPECT_EQ(
      orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R20270115001").status().reason(),
      "order_not_payable");
  EXPECT_EQ(
      orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R99990101001").status().reason(),
      "order_not_found");
}

TEST_F(OrderServiceTest, OnlyAPendingOrderCanBeCancelledAndAPaidOneStaysPaid) {
  ASSERT_TRUE(Buy(OrderKind::kRecharge, 2).ok());
  ASSERT_TRUE(orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R20270115001").ok());
  EXPECT_EQ(orders_.CancelForGateway(sandbox_, "R20270115001").status().reason(),
            "order_not_cancellable");
  EXPECT_EQ(orders_.Get(user_, "R20270115001")->order.status, domain::OrderStatus::kPaid);
  EXPECT_EQ(credits_.GetBalance(user_)->credits, 110);

  ASSERT_TRUE(Buy(OrderKind::kRecharge, 1).ok());
  const auto cancelled = orders_.CancelForGateway(sandbox_, "R20270115002");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->order.status, domain::OrderStatus::kFailed);
  EXPECT_TRUE(
      orders_.CancelForGateway(sandbox_, "R20270115002").ok());  // Again: no error, no change.
  EXPECT_EQ(orders_.CancelForGateway(sandbox_, "R99990101001").status().reason(),
            "order_not_found");

  // Past its deadline a pending order is expired, not cancelled, whether or not the job ran.
  ASSERT_TRUE(Buy(OrderKind::kRecharge, 1).ok());
  clock_.Advance(std::chrono::minutes(31));
  EXPECT_EQ(orders_.CancelForGateway(sandbox_, "R20270115003").status().reason(),
            "order_not_cancellable");
  EXPECT_EQ(orders_.Get(user_, "R20270115003")->order.status, domain::OrderStatus::kExpired);
}

TEST_F(OrderServiceTest, UsersSeeOnlyTheirOwnOrders) {
  ASSERT_TRUE(Buy(OrderKind::kRecharge, 1).ok());
  EXPECT_TRUE(orders_.Get(user_, "R20270115001").ok());
  EXPECT_EQ(orders_.Get(other_, "R20270115001").status().reason(), "order_not_found");
  EXPECT_EQ(orders_.List(other_, OrderKind::kRecharge, 0, 20)->total, 0);
  EXPECT_EQ(orders_.List(user_, OrderKind::kRecharge, 0, 20)->total, 1);
  EXPECT_EQ(orders_.List(user_, OrderKind::kMembership, 0, 20)->total, 0);
}

TEST_F(OrderServiceTest, CreatingValidatesPriceAndMethodAndHonoursIdempotencyKeys) {
  EXPECT_EQ(Buy(OrderKind::kRecharge, 7).status().reason(), "price_not_found");
  EXPECT_EQ(Buy(OrderKind::kRecharge, 9).status().reason(), "price_not_found");  // Inactive.
  EXPECT_EQ(Buy(OrderKind::kMembership, 2).status().field(), "price_id");
  EXPECT_EQ(Buy(OrderKind::kRecharge, 1, "", "paypal").status().reason(), "invalid_payment_method");
  EXPECT_EQ(Buy(OrderKind::kRecharge, 1, "", "wechat").status().reason(),
            "payment_method_unavailable");
  const auto first = Buy(OrderKind::kRecharge, 1, "order-key-1");
  const auto again = Buy(OrderKind::kRecharge, 1, "order-key-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->view.order.order_no, first->view.order.order_no);
  EXPECT_EQ(again->view.pay_url, first->view.pay_url);
  EXPECT_EQ(Buy(OrderKind::kRecharge, 2, "order-key-1").status().reason(),
            "idempotency_key_reused");
  EXPECT_EQ(orders_.List(user_, OrderKind::kRecharge, 0, 20)->total, 1);
}

TEST_F(OrderServiceTest, AGatewayActsOnlyOnOrdersOfTheMethodsItServes) {
  OrderService production(*database_, clock_, Config(false));
  EXPECT_EQ(
      production.Create({user_, OrderKind::kRecharge, 1, "alipay", "", "", {}}).status().reason(),
      "payment_method_unavailable");
  ASSERT_TRUE(Buy(OrderKind::kRecharge, 1).ok());
  // Where the sandbox serves no method, it can neither see, pay nor cancel the order.
  EXPECT_EQ(production.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R20270115001")
                .status()
                .reason(),
            "order_not_payable");
  EXPECT_EQ(production.GetForGateway(sandbox_, "R20270115001").status().reason(),
            "order_not_found");
  EXPECT_EQ(production.CancelForGateway(sandbox_, "R20270115001").status().reason(),
            "order_not_found");
  EXPECT_EQ(orders_.GetForGateway(sandbox_, "R20270115001")->order.status,
            domain::OrderStatus::kPending);
}

TEST_F(OrderServiceTest, StatisticsCoverTotalsAndThirtyDays) {
  ASSERT_TRUE(Buy(OrderKind::kRecharge, 2).ok());
  ASSERT_TRUE(orders_.ConfirmForGateway(sandbox_, OrderKind::kRecharge, "R20270115001").ok());
  const auto statistics = credits_.GetStatistics(user_);
  ASSERT_TRUE(statistics.ok());
  EXPECT_EQ(statistics->totals.at(domain::EntryType::kRecharge), 110);
  EXPECT_EQ(statistics->balance, 110);
  ASSERT_EQ(statistics->daily.size(), 30U);
  EXPECT_EQ(statistics->daily.back().date, "2027-01-15");
  EXPECT_EQ(statistics->daily.back().totals.at(domain::EntryType::kRecharge), 110);
  EXPECT_TRUE(statistics->daily.front().totals.empty());
}

}  // namespace
}  // namespace creditd::app
