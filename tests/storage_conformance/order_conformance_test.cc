// Conformance of the order repositories: orders, order-number sequences and settings (meta), and
// idempotency records.
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "app/ports/idempotency_repository.h"
#include "app/ports/meta_repository.h"
#include "app/ports/order_repository.h"
#include "storage_conformance/storage_conformance_test.h"

namespace creditd::conformance {
namespace {

class OrderRepositoryConformanceTest : public StorageConformanceTest {
 protected:
  void SetUp() override {
    StorageConformanceTest::SetUp();
    if (!IsSkipped()) {
      user_id_ = AddUser("o@b.co", &account_id_);
    }
  }
  domain::Order Find(int64_t id) {
    return Read([&](UnitOfWork& uow) { return uow.orders().FindById(id); }).value();
  }
  bool MarkPaid(int64_t id, const app::OrderPayment& payment) {
    return Write([&](UnitOfWork& uow) { return uow.orders().MarkPaid(id, payment); }).value();
  }
  bool MarkClosed(int64_t id, domain::OrderStatus status) {
    return Write([&](UnitOfWork& uow) { return uow.orders().MarkClosed(id, status, now_); })
        .value();
  }

  int64_t user_id_ = 0;
  int64_t account_id_ = 0;
};

TEST_P(OrderRepositoryConformanceTest, FindByNoAndByIdReturnEveryStoredField) {
  domain::Order order = NewOrder("M20270115000001", user_id_, account_id_, now_);
  order.kind = domain::OrderKind::kMembership;
  order.price_id = 3;
  order.amount = 0;
  order.bonus = 5;
  order.membership_type = "monthly";
  order.duration_days = 30;
  order.price = Money(2900, *Currency::FromCode("USD"));
  order.refunded = Money(0, *Currency::FromCode("USD"));
  order.payment_method = domain::PaymentMethod::kAlipay;
  const int64_t id = AddOrder(order);
  const auto by_no =
      Read([&](UnitOfWork& uow) { return uow.orders().FindByNo("M20270115000001"); });
  ASSERT_TRUE(by_no.ok());
  const domain::Order& found = *by_no;
  EXPECT_EQ(found.id, id);
  EXPECT_EQ(found.order_no, "M20270115000001");
  EXPECT_EQ(found.kind, domain::OrderKind::kMembership);
  EXPECT_EQ(found.user_id, user_id_);
  EXPECT_EQ(found.account_id, account_id_);
  EXPECT_EQ(found.price_id, 3);
  EXPECT_EQ(found.amount, 0);
  EXPECT_EQ(found.bonus, 5);
  EXPECT_EQ(found.membership_type, "monthly");
  EXPECT_EQ(found.duration_days, 30);
  EXPECT_EQ(found.price, Money(2900, *Currency::FromCode("USD")));
  EXPECT_EQ(found.payment_method, domain::PaymentMethod::kAlipay);
  EXPECT_EQ(found.status, domain::OrderStatus::kPending);
  EXPECT_EQ(found.created_at, now_);
  EXPECT_EQ(found.expires_at, now_ + minutes(30));
  EXPECT_FALSE(found.paid_at.has_value());
  EXPECT_FALSE(found.start_date.has_value());
  EXPECT_FALSE(found.end_date.has_value());
  EXPECT_EQ(found.checkout_ref, "");
  EXPECT_EQ(found.payment_ref, "");
  EXPECT_FALSE(found.credit_entry_id.has_value());
  EXPECT_EQ(found.refunded, Money(0, *Currency::FromCode("USD")));
  EXPECT_EQ(Find(id).order_no, "M20270115000001");
  const auto no = Read([&](UnitOfWork& uow) { return uow.orders().FindByNo("R0"); });
  EXPECT_EQ(no.status().reason(), "order_not_found");
  EXPECT_EQ(no.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(
      Read([&](UnitOfWork& uow) { return uow.orders().FindById(id + 100); }).status().reason(),
      "order_not_found");
}

TEST_P(OrderRepositoryConformanceTest, OrderNumbersAreUnique) {
  AddOrder(NewOrder("R1", user_id_, account_id_, now_));
  EXPECT_FALSE(Write([&](UnitOfWork& uow) {
                 return uow.orders().Insert(NewOrder("R1", user_id_, account_id_, now_));
               }).ok());
  EXPECT_EQ(Read([&](UnitOfWork& uow) {
              return uow.orders().ListForUser(user_id_, domain::OrderKind::kRecharge, 0, 10);
            })->total,
            1);
}

TEST_P(OrderRepositoryConformanceTest, SetCheckoutStoresThePayUrlAndReference) {
  const int64_t id = AddOrder(NewOrder("R1", user_id_, account_id_, now_));
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.orders().PayUrl(id); }).value(), "");
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.orders().SetCheckout(
                    id, {"https://pay/cs_1", "cs_1", "stripe", domain::PayKind::kQr});
              }).ok());
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.orders().PayUrl(id); }).value(),
            "https://pay/cs_1");
  EXPECT_EQ(Find(id).checkout_ref, "cs_1");
  EXPECT_EQ(Find(id).provider, "stripe");
  EXPECT_EQ(Find(id).pay_kind, domain::PayKind::kQr);
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.orders().PayUrl(id + 100); }).status().reason(),
            "order_not_found");
  EXPECT_EQ(
      Write([&](UnitOfWork& uow) {
        return uow.orders().SetCheckout(id + 100, {"u", "r", "x", domain::PayKind::kRedirect});
      }).reason(),
      "order_not_found");
}

TEST_P(OrderRepositoryConformanceTest, ListForUserPagesOneKindNewestFirst) {
  const int64_t other_user = AddUser("p@b.co");
  for (int i = 1; i <= 4; ++i) {
    AddOrder(NewOrder("R" + std::to_string(i), user_id_, account_id_, now_));
  }
  domain::Order membership = NewOrder("M1", user_id_, account_id_, now_);
  membership.kind = domain::OrderKind::kMembership;
  AddOrder(membership);
  AddOrder(NewOrder("R9", other_user, account_id_, now_));
  const auto list = [&](domain::OrderKind kind, int64_t skip, int64_t limit) {
    return Read([&](UnitOfWork& uow) {
             return uow.orders().ListForUser(user_id_, kind, skip, limit);
           })
        .value();
  };
  const app::OrderPage page = list(domain::OrderKind::kRecharge, 1, 2);
  EXPECT_EQ(page.total, 4);
  ASSERT_EQ(page.items.size(), 2U);
  EXPECT_EQ(page.items[0].order_no, "R3");
  EXPECT_EQ(page.items[1].order_no, "R2");
  const app::OrderPage memberships = list(domain::OrderKind::kMembership, 0, 10);
  EXPECT_EQ(memberships.total, 1);
  ASSERT_EQ(memberships.items.size(), 1U);
  EXPECT_EQ(memberships.items[0].order_no, "M1");
  EXPECT_TRUE(list(domain::OrderKind::kRecharge, 4, 10).items.empty());
}

TEST_P(OrderRepositoryConformanceTest, MarkPaidStoresThePaymentOnlyOnce) {
  const int64_t id = AddOrder(NewOrder("M1", user_id_, account_id_, now_));
  app::OrderPayment payment;
  payment.paid_at = now_ + minutes(1);
  payment.start_date = now_;
  payment.end_date = now_ + hours(24 * 30);
  payment.credit_entry_id = 17;
  payment.payment_ref = "pi_9";
  EXPECT_TRUE(MarkPaid(id, payment));
  const domain::Order paid = Find(id);
  EXPECT_EQ(paid.status, domain::OrderStatus::kPaid);
  EXPECT_EQ(paid.paid_at, now_ + minutes(1));
  EXPECT_EQ(paid.start_date, now_);
  EXPECT_EQ(paid.end_date, now_ + hours(24 * 30));
  EXPECT_EQ(paid.credit_entry_id, 17);
  EXPECT_EQ(paid.payment_ref, "pi_9");
  // A second payment changes nothing, even when it accepts closed orders.
  payment.payment_ref = "pi_other";
  payment.accept_closed = true;
  EXPECT_FALSE(MarkPaid(id, payment));
  EXPECT_EQ(Find(id).payment_ref, "pi_9");
  EXPECT_FALSE(MarkClosed(id, domain::OrderStatus::kFailed));
  EXPECT_EQ(Find(id).status, domain::OrderStatus::kPaid);
  EXPECT_FALSE(MarkPaid(id + 100, payment));
}

TEST_P(OrderRepositoryConformanceTest, MarkClosedMovesOnlyPendingOrders) {
  const int64_t failed = AddOrder(NewOrder("R1", user_id_, account_id_, now_));
  const int64_t expired = AddOrder(NewOrder("R2", user_id_, account_id_, now_));
  EXPECT_TRUE(MarkClosed(failed, domain::OrderStatus::kFailed));
  EXPECT_TRUE(MarkClosed(expired, domain::OrderStatus::kExpired));
  EXPECT_EQ(Find(failed).status, domain::OrderStatus::kFailed);
  EXPECT_EQ(Find(expired).status, domain::OrderStatus::kExpired);
  EXPECT_FALSE(MarkClosed(failed, domain::OrderStatus::kExpired));
  EXPECT_EQ(Find(failed).status, domain::OrderStatus::kFailed);
  // A failed order is paid only with accept_closed.
  app::OrderPayment payment;
  payment.paid_at = now_;
  EXPECT_FALSE(MarkPaid(failed, payment));
  payment.accept_closed = true;
  EXPECT_TRUE(MarkPaid(failed, payment));
  EXPECT_EQ(Find(failed).status, domain::OrderStatus::kPaid);
  EXPECT_EQ(Find(failed).payment_ref, "");
  EXPECT_FALSE(MarkClosed(failed + 100, domain::OrderStatus::kFailed));
}

TEST_P(OrderRepositoryConformanceTest, OrdersPaidThroughAProviderCheckout) {
  const int64_t early = AddOrder(NewOrder("R1", user_id_, account_id_, now_ - hours(3)));
  const int64_t late = AddOrder(NewOrder("R2", user_id_, account_id_, now_ - minutes(5)));
  const int64_t no_checkout = AddOrder(NewOrder("R3", user_id_, account_id_, now_ - hours(4)));
  domain::Order sandbox = NewOrder("R4", user_id_, account_id_, now_ - hours(5));
  sandbox.payment_method = domain::PaymentMethod::kSandbox;
  const int64_t other_method = AddOrder(sandbox);
  const int64_t older = AddOrder(NewOrder("R5", user_id_, account_id_, now_ - hours(6)));
  const int64_t paid = AddOrder(NewOrder("R6", user_id_, account_id_, now_ - hours(2)));
  // The sandbox order is settled by another provider.
  for (const auto& [id, ref, provider] :
       std::vector<std::tuple<int64_t, std::string, std::string>>{{early, "cs_1", "stripe"},
                                                                  {late, "cs_2", "stripe"},
                                                                  {other_method, "cs_4", "epay"},
                                                                  {older, "cs_5", "stripe"},
                                                                  {paid, "cs_6", "stripe"}}) {
    ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                  return uow.orders().SetCheckout(
                      id, {"https://checkout/" + ref, ref, provider, domain::PayKind::kRedirect});
                }).ok());
  }
  EXPECT_NE(no_checkout, 0);
  ASSERT_TRUE(MarkClosed(early, domain::OrderStatus::kExpired));
  app::OrderPayment payment;
  payment.paid_at = now_;
  ASSERT_TRUE(MarkPaid(paid, payment));
  // Only checkouts created in the window, pending or expired, oldest first.
  const auto unpaid = [&](int limit) {
    return Read([&](UnitOfWork& uow) {
             return uow.orders().ListUnpaidCheckouts("stripe", now_ - hours(26), now_ - hours(1),
                                                     limit);
           })
        .value();
  };
  const std::vector<domain::Order> all = unpaid(10);
  ASSERT_EQ(all.size(), 2U);
  EXPECT_EQ(all[0].order_no, "R5");
  EXPECT_EQ(all[1].order_no, "R1");
  EXPECT_EQ(all[1].checkout_ref, "cs_1");
  EXPECT_EQ(all[1].status, domain::OrderStatus::kExpired);
  EXPECT_EQ(all[1].payment_method, domain::PaymentMethod::kStripe);
  ASSERT_EQ(unpaid(1).size(), 1U);
  EXPECT_EQ(unpaid(1)[0].order_no, "R5");

  payment.credit_entry_id = 42;
  payment.payment_ref = "pi_1";
  // An expired order is paid only when the provider says it took the money.
  EXPECT_FALSE(MarkPaid(early, payment));
  payment.accept_closed = true;
  EXPECT_TRUE(MarkPaid(early, payment));
  EXPECT_FALSE(MarkPaid(early, payment));
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.orders().SetRefunded(early, 495, now_); }).ok());
  Restart();
  const auto found =
      Read([&](UnitOfWork& uow) { return uow.orders().FindByPaymentRef("stripe", "pi_1"); });
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->order_no, "R1");
  EXPECT_EQ((*found)->status, domain::OrderStatus::kPaid);
  EXPECT_EQ((*found)->credit_entry_id, 42);
  EXPECT_EQ((*found)->refunded, Money(495, Currency::Cny()));
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.orders().FindByPaymentRef("stripe", "pi_none");
               })->has_value());
  // Another provider's payment of the same id is not this one.
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.orders().FindByPaymentRef("epay", "pi_1");
               })->has_value());
  // "" never matches, although orders paid without a reference store "".
  EXPECT_FALSE(
      Read([&](UnitOfWork& uow) { return uow.orders().FindByPaymentRef("", ""); })->has_value());
  // More refunded than paid is refused by the schema.
  EXPECT_FALSE(
      Write([&](UnitOfWork& uow) { return uow.orders().SetRefunded(early, 991, now_); }).ok());
  EXPECT_EQ(Find(early).refunded.amount_minor(), 495);
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return uow.orders().SetRefunded(early + 100, 1, now_);
            }).reason(),
            "order_not_found");
}

TEST_P(OrderRepositoryConformanceTest, KeepRefundKeepsEachRefundOnceAndSumsAnOrdersRefunds) {
  const int64_t order = AddOrder(NewOrder("R1", user_id_, account_id_, now_));
  const int64_t other = AddOrder(NewOrder("R2", user_id_, account_id_, now_));
  const auto keep = [&](int64_t id, const char* provider, const char* refund, int64_t amount) {
    return Write([&](UnitOfWork& uow) {
      return uow.orders().KeepRefund(id, provider, refund, amount, now_);
    });
  };
  EXPECT_EQ(keep(order, "wechatpay", "50301", 300).value(), 300);
  // A refund reported again (a repeated notification) is kept once, whatever amount it names.
  EXPECT_EQ(keep(order, "wechatpay", "50301", 300).value(), 300);
  EXPECT_EQ(keep(order, "wechatpay", "50301", 900).value(), 300);
  EXPECT_EQ(keep(order, "wechatpay", "50302", 200).value(), 500);
  // Refund ids are the provider's: another provider's refund of the same id is another refund.
  EXPECT_EQ(keep(order, "creem", "50301", 100).value(), 600);
  // An id kept for one order adds nothing to another.
  EXPECT_EQ(keep(other, "wechatpay", "50302", 50).value(), 0);
  Restart();
  EXPECT_EQ(keep(order, "wechatpay", "50302", 200).value(), 600);
  // Nothing is kept for no money.
  EXPECT_FALSE(keep(order, "wechatpay", "50303", 0).ok());
  EXPECT_EQ(keep(order, "wechatpay", "50302", 200).value(), 600);
}

TEST_P(OrderRepositoryConformanceTest, SumCheckoutsAddsAnAccountsPendingAndPaidOrdersSince) {
  const auto add = [&](const char* no, Timestamp created, const char* provider, const char* ref) {
    const int64_t id = AddOrder(NewOrder(no, user_id_, account_id_, created));  // 990 each.
    EXPECT_TRUE(Write([&](UnitOfWork& uow) {
                  return uow.orders().SetCheckout(id, {"https://pay/" + std::string(no), ref,
                                                       provider, domain::PayKind::kRedirect});
                }).ok());
    return id;
  };
  add("R1", now_ - hours(1), "epay", "1001");
  const int64_t paid = add("R2", now_ - hours(2), "epay", "1001");
  const int64_t expired = add("R3", now_ - hours(1), "epay", "1001");
  add("R4", now_ - hours(30), "epay", "1001");   // Before the day.
  add("R5", now_ - hours(1), "epay", "1002");    // Another merchant.
  add("R6", now_ - hours(1), "stripe", "1001");  // Another provider.
  app::OrderPayment payment;
  payment.paid_at = now_;
  ASSERT_TRUE(MarkPaid(paid, payment));
  ASSERT_TRUE(MarkClosed(expired, domain::OrderStatus::kExpired));
  const auto sum = [&](const char* provider, const char* ref) {
    return Read([&](UnitOfWork& uow) {
             return uow.orders().SumCheckouts(provider, ref, now_ - hours(24));
           })
        .value();
  };
  const int64_t price = Find(paid).price.amount_minor();
  EXPECT_EQ(sum("epay", "1001"), 2 * price);
  EXPECT_EQ(sum("epay", "1002"), price);
  EXPECT_EQ(sum("epay", "1003"), 0);
  EXPECT_EQ(sum("stripe", "1001"), price);
}

TEST_P(OrderRepositoryConformanceTest, PendingRefundsAreListedUntilTheySucceedOrFail) {
  const int64_t order = AddOrder(NewOrder("R1", user_id_, account_id_, now_));
  const auto note = [&](const char* provider, const char* refund, int64_t amount, Timestamp at) {
    return Write([&](UnitOfWork& uow) {
      return uow.orders().NotePendingRefund(order, provider, refund,
                                            std::string("refund-R1-") + refund, amount, at);
    });
  };
  const auto pending = [&](const char* provider, Timestamp before) {
    return Read([&](UnitOfWork& uow) {
             return uow.orders().ListPendingRefunds(provider, before, 10);
           })
        .value();
  };
  const auto keep = [&](const char* refund, int64_t amount) {
    return Write([&](UnitOfWork& uow) {
             return uow.orders().KeepRefund(order, "wechatpay", refund, amount, now_);
           })
        .value();
  };
  ASSERT_TRUE(note("wechatpay", "50401", 300, now_ - minutes(5)).ok());
  ASSERT_TRUE(note("wechatpay", "50402", 200, now_ - minutes(1)).ok());
  ASSERT_TRUE(note("alipay", "50403", 100, now_ - minutes(9)).ok());
  // Noted again: nothing changes.
  ASSERT_TRUE(note("wechatpay", "50401", 999, now_).ok());
  std::vector<app::PendingRefund> listed = pending("wechatpay", now_ - minutes(2));
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].order_id, order);
  EXPECT_EQ(listed[0].refund_id, "50401");
  EXPECT_EQ(listed[0].request_no, "refund-R1-50401");
  EXPECT_EQ(listed[0].amount_minor, 300);
  EXPECT_EQ(listed[0].noted_at, now_ - minutes(5));
  EXPECT_EQ(pending("wechatpay", now_ + minutes(1)).size(), 2U);
  // Pending refunds are not refunded money.
  EXPECT_EQ(keep("50404", 100), 100);
  // Succeeded: counted, and no longer pending.
  EXPECT_EQ(keep("50401", 300), 400);
  EXPECT_EQ(keep("50401", 300), 400);
  listed = pending("wechatpay", now_ + minutes(1));
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].refund_id, "50402");
  // Failed: no longer pending, not counted; a later success (after a manual fix) counts.
  EXPECT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.orders().MarkRefundFailed("wechatpay", "50402", now_);
              }).value());
  EXPECT_FALSE(Write([&](UnitOfWork& uow) {
                 return uow.orders().MarkRefundFailed("wechatpay", "50402", now_);
               }).value());
  EXPECT_TRUE(pending("wechatpay", now_ + minutes(1)).empty());
  EXPECT_EQ(keep("50403", 1), 401) << "another provider's pending refund of the same id is apart";
  EXPECT_EQ(keep("50402", 200), 601);
  EXPECT_EQ(pending("alipay", now_ + minutes(1)).size(), 1U);
}

TEST_P(OrderRepositoryConformanceTest, ListOverdueReturnsPendingOrdersPastTheirDeadline) {
  // Deadlines: created + 30 minutes.
  const int64_t first = AddOrder(NewOrder("R1", user_id_, account_id_, now_ - hours(2)));
  const int64_t second = AddOrder(NewOrder("R2", user_id_, account_id_, now_ - minutes(30)));
  AddOrder(NewOrder("R3", user_id_, account_id_, now_ - minutes(29)));  // Still in time.
  const int64_t closed = AddOrder(NewOrder("R4", user_id_, account_id_, now_ - hours(3)));
  ASSERT_TRUE(MarkClosed(closed, domain::OrderStatus::kFailed));
  // A write unit of work, as the expiry job uses: PostgreSQL locks the rows it returns (FOR
  // UPDATE SKIP LOCKED), which a read-only transaction refuses.
  const auto overdue = [&](int limit) {
    return Write([&](UnitOfWork& uow) { return uow.orders().ListOverdue(now_, limit); }).value();
  };
  EXPECT_EQ(overdue(10), (std::vector<int64_t>{first, second}));
  EXPECT_EQ(overdue(1), (std::vector<int64_t>{first}));
}

TEST_P(OrderRepositoryConformanceTest, PaidTotalsSumPaidOrdersPerCurrency) {
  const int64_t other_user = AddUser("p@b.co");
  app::OrderPayment payment;
  payment.paid_at = now_;
  const auto add = [&](const std::string& no, domain::OrderKind kind, const std::string& currency,
                       int64_t price_minor, int64_t user, bool pay) {
    domain::Order order = NewOrder(no, user, account_id_, now_);
    order.kind = kind;
    order.price = Money(price_minor, *Currency::FromCode(currency));
    order.refunded = Money(0, order.currency());
    const int64_t id = AddOrder(order);
    if (pay) {
      ASSERT_TRUE(MarkPaid(id, payment));
    }
  };
  add("M1", domain::OrderKind::kMembership, "USD", 1000, user_id_, true);
  add("M2", domain::OrderKind::kMembership, "USD", 500, user_id_, true);
  add("M3", domain::OrderKind::kMembership, "CNY", 3000, user_id_, true);
  add("M4", domain::OrderKind::kMembership, "USD", 7000, user_id_, false);
  add("M5", domain::OrderKind::kMembership, "USD", 9000, other_user, true);
  add("R1", domain::OrderKind::kRecharge, "USD", 800, user_id_, true);
  const auto totals = Read([&](UnitOfWork& uow) {
                        return uow.orders().PaidTotals(user_id_, domain::OrderKind::kMembership);
                      }).value();
  ASSERT_EQ(totals.size(), 2U);
  EXPECT_EQ(totals[0].currency, "CNY");
  EXPECT_EQ(totals[0].total_minor, 3000);
  EXPECT_EQ(totals[0].orders, 1);
  EXPECT_EQ(totals[1].currency, "USD");
  EXPECT_EQ(totals[1].total_minor, 1500);
  EXPECT_EQ(totals[1].orders, 2);
  EXPECT_TRUE(Read([&](UnitOfWork& uow) {
                return uow.orders().PaidTotals(AddUser("q@b.co"), domain::OrderKind::kRecharge);
              })->empty());
}

class MetaRepositoryConformanceTest : public StorageConformanceTest {};

TEST_P(MetaRepositoryConformanceTest, OrderSequencesCountPerPrefixAndDay) {
  const auto next = [&](char prefix, const char* day) {
    return Write([&](UnitOfWork& uow) { return uow.meta().NextOrderSequence(prefix, day); })
        .value();
  };
  EXPECT_EQ(next('R', "20260122"), 1);
  EXPECT_EQ(next('R', "20260122"), 2);
  EXPECT_EQ(next('M', "20260122"), 1);
  EXPECT_EQ(next('R', "20260123"), 1);
  Restart();
  EXPECT_EQ(next('R', "20260122"), 3);
}

TEST_P(MetaRepositoryConformanceTest, ARolledBackSequenceNumberIsHandedOutAgain) {
  {
    auto uow = database_->Begin(app::TransactionMode::kWrite);
    ASSERT_TRUE(uow.ok());
    EXPECT_EQ((*uow)->meta().NextOrderSequence('R', "20260122").value(), 1);
    EXPECT_EQ((*uow)->meta().NextOrderSequence('R', "20260122").value(), 2);
  }
  EXPECT_EQ(
      Write([&](UnitOfWork& uow) { return uow.meta().NextOrderSequence('R', "20260122"); }).value(),
      1);
}

TEST_P(MetaRepositoryConformanceTest, SettingsAreInsertedAndReplaced) {
  EXPECT_FALSE(Read([&](UnitOfWork& uow) { return uow.meta().GetSetting("k"); })->has_value());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.meta().PutSetting("k", "v1"); }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.meta().PutSetting("k", "v2"); }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.meta().PutSetting("other", ""); }).ok());
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.meta().GetSetting("k"); }).value(), "v2");
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.meta().GetSetting("other"); }).value(), "");
  EXPECT_FALSE(Read([&](UnitOfWork& uow) { return uow.meta().GetSetting("x"); })->has_value());
}

class IdempotencyRepositoryConformanceTest : public StorageConformanceTest {};

TEST_P(IdempotencyRepositoryConformanceTest, RecordsAreUniquePerScopeAndKey) {
  const app::IdempotencyRecord record{"admin:1", "key", "fp", "charge", "3:abc~", now_};
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.idempotency().Insert(record); }).ok());
  const Status duplicate = Write([&](UnitOfWork& uow) { return uow.idempotency().Insert(record); });
  EXPECT_EQ(duplicate.reason(), "idempotency_key_in_flight");
  EXPECT_EQ(duplicate.code(), StatusCode::kAborted);
  // The same key in another scope is another record.
  app::IdempotencyRecord other = record;
  other.scope = "user:2";
  other.result_kind = "order";
  other.result = "";
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.idempotency().Insert(other); }).ok());
  const auto found =
      Read([&](UnitOfWork& uow) { return uow.idempotency().Find("admin:1", "key"); });
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->scope, "admin:1");
  EXPECT_EQ((*found)->key, "key");
  EXPECT_EQ((*found)->request_fingerprint, "fp");
  EXPECT_EQ((*found)->result_kind, "charge");
  EXPECT_EQ((*found)->result, "3:abc~");
  EXPECT_EQ((*found)->created_at, now_);
  const auto second =
      Read([&](UnitOfWork& uow) { return uow.idempotency().Find("user:2", "key"); });
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->result_kind, "order");
  EXPECT_EQ((*second)->result, "");
  EXPECT_FALSE(
      Read([&](UnitOfWork& uow) { return uow.idempotency().Find("admin:1", "kex"); })->has_value());
}

TEST_P(IdempotencyRepositoryConformanceTest, DeleteOlderThanPrunesOldRecordsUpToTheLimit) {
  for (int i = 0; i < 4; ++i) {
    const app::IdempotencyRecord record{"s", "k" + std::to_string(i), "fp", "charge",
                                        "",  now_ - hours(4 - i)};  // -4h .. -1h.
    ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.idempotency().Insert(record); }).ok());
  }
  const auto prune = [&](Timestamp before, int limit) {
    return Write([&](UnitOfWork& uow) { return uow.idempotency().DeleteOlderThan(before, limit); })
        .value();
  };
  EXPECT_EQ(prune(now_ - hours(4), 100), 0);  // The cut-off is exclusive.
  EXPECT_EQ(prune(now_ - hours(2), 1), 1);
  EXPECT_EQ(prune(now_ - hours(2), 100), 1);
  const auto exists = [&](const std::string& key) {
    return Read([&](UnitOfWork& uow) { return uow.idempotency().Find("s", key); })->has_value();
  };
  EXPECT_FALSE(exists("k0"));
  EXPECT_FALSE(exists("k1"));
  EXPECT_TRUE(exists("k2"));
  EXPECT_TRUE(exists("k3"));
  EXPECT_EQ(prune(now_ + seconds(1), 100), 2);
  EXPECT_FALSE(exists("k3"));
}

CREDITD_ON_EVERY_BACKEND(OrderRepositoryConformanceTest);
CREDITD_ON_EVERY_BACKEND(MetaRepositoryConformanceTest);
CREDITD_ON_EVERY_BACKEND(IdempotencyRepositoryConformanceTest);

}  // namespace
}  // namespace creditd::conformance
