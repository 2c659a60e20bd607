#include "app/billing_reconciler.h"

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "app/auth_service.h"
#include "app/credit_service.h"
#include "app/order_service.h"
#include "app/payment_providers.h"
#include "app/ports/catalog_repository.h"
#include "app/ports/payment_gateway.h"
#include "app/transaction.h"
#include "security/jwt.h"
#include "security/opaque_tokens.h"
#include "security/password_hasher.h"
#include "testing/test_database.h"

namespace creditd::app {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

// A remote provider that takes alipay orders and answers queries from `checkouts`, counting what
// it is asked.
class RemoteProvider final : public PaymentProvider, public PaymentGateway {
 public:
  std::string_view name() const override { return "remote"; }
  Result<Checkout> StartCheckout(const domain::Order& order, const CheckoutContext&) override {
    return Checkout{"https://remote.test/pay/" + order.order_no, "", "remote",
                    domain::PayKind::kRedirect};
  }
  Result<ProviderEvent> ParseEvent(const ProviderNotification&, Timestamp) override {
    return Status(reason::kInvalidSignature, "no notifications");
  }
  Result<ProviderCheckout> QueryCheckout(const domain::Order& order) override {
    ++queries[order.order_no];
    ProviderCheckout checkout;
    checkout.kind = CheckoutKind::kPayment;
    checkout.client_reference_id = order.order_no;
    if (paid || paid_orders.contains(order.order_no)) {
      checkout.state = CheckoutState::kComplete;
      checkout.paid = true;
      checkout.amount_total = order.price.amount_minor();
      checkout.currency = "CNY";
      checkout.payment_intent_id = "pay_" + order.order_no;
    } else if (closed_there) {
      checkout.state = CheckoutState::kExpired;
    } else {
      checkout.closable = waiting;
    }
    return checkout;
  }
  Status CloseCheckout(const domain::Order& order) override {
    ++closes[order.order_no];
    if (pay_before_close) {
      paid = true;  // The payer paid just before: the provider refuses to close it.
      return Status(reason::kProviderError, "order paid");
    }
    closed_there = true;
    return Status::Ok();
  }
  Result<ProviderRefund> Refund(const domain::Order&, std::optional<int64_t>,
                                std::string_view) override {
    return Status(reason::kProviderError, "no refunds");
  }

  std::map<std::string, int> queries;
  std::map<std::string, int> closes;
  bool paid = false;
  std::set<std::string> paid_orders;  // Paid at the provider, whatever `paid` says.
  bool waiting = true;  // Waiting for the payer (closable), not unknown or being paid.
  bool closed_there = false;
  bool pay_before_close = false;
};

class BillingReconcilerTest : public ::testing::Test {
 protected:
  BillingReconcilerTest()
      : database_(testing::OpenSqlite(dir_.path(), 4)),
        codec_(std::string(40, 'k')),
        auth_(*database_, hasher_, codec_, tokens_, ids_, clock_, AuthConfig()),
        orders_(*database_, clock_, Config()),
        catalog_(*database_, clock_),
        reconciler_(*database_, catalog_, clock_, Providers(), nullptr) {
    EXPECT_TRUE(InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
                  return uow.catalog().InsertCreditPack(
                      {1, 100, 10, Money(1000, Currency::Cny()), true, 1});
                }).ok());
    user_ = auth_.Register("buyer@example.com", "password123", std::nullopt, "t")->user.id;
  }
  OrderServiceConfig Config() {
    OrderServiceConfig config;
    config.gateways[domain::PaymentMethod::kAlipay] = &remote_;
    config.payment_timeout = minutes(30);
    return config;
  }
  const PaymentProviders& Providers() {
    providers_.Add(remote_);
    return providers_;
  }
  std::string Buy() {
    CreateOrderCommand command;
    command.user_id = user_;
    command.price_id = 1;
    command.payment_method = "alipay";
    return orders_.Create(command)->view.order.order_no;
  }
  // Runs the checkpoints' pass every minute for `span`, as OrderReconcileJob does.
  void RunEveryMinute(minutes span) {
    for (int minute = 0; minute < span.count(); ++minute) {
      clock_.Advance(minutes(1));
      ASSERT_TRUE(reconciler_.ReconcileOrdersAtCheckpoints(clock_.Now(), 100, seconds(90)).ok());
    }
  }
  domain::OrderStatus StatusOf(const std::string& order_no) {
    return orders_.Get(user_, order_no)->order.status;
  }

  ManualClock clock_{FromUnixSeconds(1'800'000'000)};
  testing::TempDir dir_;
  std::unique_ptr<storage::sqlite::SqliteDatabase> database_;
  security::Argon2idPasswordHasher hasher_;
  security::Hs256AccessTokenCodec codec_;
  security::RandomOpaqueTokens tokens_;
  SequenceIdGenerator ids_;
  AuthService auth_;
  RemoteProvider remote_;
  PaymentProviders providers_;
  OrderService orders_;
  CatalogService catalog_;
  BillingReconciler reconciler_;
  int64_t user_ = 0;
};

TEST_F(BillingReconcilerTest, AnOrderIsAskedAboutAsItsAgePassesEachCheckpointOnly) {
  const std::string order_no = Buy();
  RunEveryMinute(minutes(1));
  EXPECT_EQ(remote_.queries[order_no], 0) << "not before two minutes";
  RunEveryMinute(minutes(1));
  EXPECT_GE(remote_.queries[order_no], 1) << "within a minute of the 2-minute checkpoint";
  RunEveryMinute(minutes(38));
  // Five checkpoints, each seen by at most two runs (the overlap): a handful of queries, not one
  // a minute.
  EXPECT_GE(remote_.queries[order_no], 5);
  EXPECT_LE(remote_.queries[order_no], 10);
  const int asked = remote_.queries[order_no];
  RunEveryMinute(minutes(15));
  EXPECT_EQ(remote_.queries[order_no], asked) << "nothing between 35 minutes and an hour";
  RunEveryMinute(minutes(26 * 60 - 55));
  // Eleven checkpoints in all, the last at 25 hours: at most twice each.
  EXPECT_GE(remote_.queries[order_no], 11);
  EXPECT_LE(remote_.queries[order_no], 22);
}

TEST_F(BillingReconcilerTest, ManyAbandonedOrdersDoNotHideALaterLostPayment) {
  // More abandoned checkouts than one query's limit, then a paid order whose notification was
  // lost: its checkpoints reach it all the same.
  for (int i = 0; i < 120; ++i) {
    Buy();
  }
  clock_.Advance(minutes(3));
  const std::string paid = Buy();
  remote_.paid_orders.insert(paid);
  RunEveryMinute(minutes(3));
  EXPECT_EQ(StatusOf(paid), domain::OrderStatus::kPaid);
}

TEST_F(BillingReconcilerTest, APaymentWhoseNotificationWasLostIsAppliedWithinMinutes) {
  const std::string order_no = Buy();
  remote_.paid = true;
  RunEveryMinute(minutes(3));
  EXPECT_EQ(StatusOf(order_no), domain::OrderStatus::kPaid);
  EXPECT_TRUE(remote_.closes.empty());
}

TEST_F(BillingReconcilerTest, AfterItsDeadlineAndAGraceAWaitingCheckoutIsClosedThereOnce) {
  const std::string order_no = Buy();
  RunEveryMinute(minutes(31));
  EXPECT_TRUE(remote_.closes.empty()) << "never before the deadline and its grace";
  RunEveryMinute(minutes(5));
  EXPECT_EQ(remote_.closes[order_no], 1);
  // The next query (the overlapping run) found it closed there: expired here.
  EXPECT_EQ(StatusOf(order_no), domain::OrderStatus::kExpired);
  RunEveryMinute(minutes(10));
  ASSERT_TRUE(reconciler_.ReconcileNow().ok());
  EXPECT_EQ(remote_.closes[order_no], 1);
}

TEST_F(BillingReconcilerTest, ACheckoutPaidJustBeforeItsCloseIsAppliedByTheNextQuery) {
  const std::string order_no = Buy();
  remote_.pay_before_close = true;
  clock_.Advance(minutes(33));
  EXPECT_FALSE(reconciler_.ReconcileNow().ok()) << "the refused close is reported";
  EXPECT_EQ(remote_.closes[order_no], 1);
  ASSERT_TRUE(reconciler_.ReconcileNow().ok());
  EXPECT_EQ(StatusOf(order_no), domain::OrderStatus::kPaid);
}

TEST_F(BillingReconcilerTest, ACheckoutUnknownThereOrBeingPaidIsNeverClosed) {
  const std::string order_no = Buy();
  remote_.waiting = false;
  RunEveryMinute(minutes(40));
  ASSERT_TRUE(reconciler_.ReconcileNow().ok());
  EXPECT_TRUE(remote_.closes.empty());
  EXPECT_GE(remote_.queries[order_no], 5);
}

}  // namespace
}  // namespace creditd::app
