#include "app/billing_reconciler.h"

#include <string>
#include <utility>
#include <vector>

#include "app/order_service.h"
#include "app/ports/billing_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"

namespace creditd::app {

using domain::Subscription;

BillingReconciler::BillingReconciler(Database& database, CatalogService& catalog,
                                     const Clock& clock, const PaymentProviders& providers,
                                     BillingProvider* billing, std::chrono::seconds close_grace)
    : database_(database),
      clock_(clock),
      providers_(providers),
      billing_(billing),
      close_grace_(close_grace) {
  if (billing_ != nullptr) {
    sync_.emplace(catalog, *billing_);
  }
}

namespace {

// What a pass fetched, and its first failure: one provider down, or one order it cannot answer
// about, holds up nothing else; everything is asked and the first failure is reported at the end.
class Tally {
 public:
  void Count(const Result<int64_t>& done) {
    if (done.ok()) {
      fetched_ += *done;
    } else {
      Fail(done.status());
    }
  }
  void Fail(const Status& status) {
    if (failure_.ok()) {
      failure_ = status;
    }
  }
  void Add(int64_t fetched) { fetched_ += fetched; }
  Result<int64_t> Total() const {
    if (!failure_.ok()) {
      return failure_;
    }
    return fetched_;
  }

 private:
  int64_t fetched_ = 0;
  Status failure_;
};

}  // namespace

Result<int64_t> BillingReconciler::Reconcile(Timestamp now, int limit,
                                             std::chrono::seconds checkout_age) {
  Tally tally;
  if (billing_ != nullptr) {
    tally.Count(ReconcileSubscriptions(now, limit));
  }
  for (PaymentProvider* provider : providers_.all()) {
    tally.Count(ReconcileOrders(*provider, now - std::chrono::hours(26),
                                now - checkout_age + std::chrono::seconds(1), limit));
    tally.Count(ReconcileRefunds(*provider, now - checkout_age + std::chrono::seconds(1), limit));
  }
  return tally.Total();
}

Result<int64_t> BillingReconciler::ReconcileSubscriptionsAndRefunds(Timestamp now, int limit) {
  Tally tally;
  if (billing_ != nullptr) {
    tally.Count(ReconcileSubscriptions(now, limit));
  }
  for (PaymentProvider* provider : providers_.all()) {
    tally.Count(ReconcileRefunds(*provider, now - std::chrono::hours(1), limit));
  }
  return tally.Total();
}

Result<int64_t> BillingReconciler::ReconcileOrdersAtCheckpoints(Timestamp now, int limit,
                                                                std::chrono::seconds band) {
  Tally tally;
  for (PaymentProvider* provider : providers_.all()) {
    for (const auto age : kCheckpoints) {
      tally.Count(
          ReconcileOrders(*provider, now - age - band, now - age + std::chrono::seconds(1), limit));
    }
  }
  return tally.Total();
}

Result<int64_t> BillingReconciler::ReconcileSubscriptions(Timestamp now, int limit) {
  const std::string_view provider = billing_->name();
  struct Work {
    std::vector<std::pair<int64_t, std::string>> customers;
    std::vector<Subscription> stale;
  };
  CREDITD_ASSIGN_OR_RETURN(
      const Work work,
      InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<Work> {
        Work out;
        CREDITD_ASSIGN_OR_RETURN(out.customers, uow.billing().ListCustomersWithoutSubscription(
                                                    provider, now - std::chrono::hours(48), limit));
        CREDITD_ASSIGN_OR_RETURN(out.stale, uow.subscriptions().ListDueForRenewal(
                                                provider, now - std::chrono::hours(1), limit));
        return out;
      }));
  std::vector<ProviderSubscription> fetched;
  for (const auto& [account_id, customer] : work.customers) {
    CREDITD_ASSIGN_OR_RETURN(auto found, billing_->ListSubscriptions(customer, 3));
    for (ProviderSubscription& subscription : found) {
      subscription.account_id = subscription.account_id.value_or(account_id);
      fetched.push_back(std::move(subscription));
    }
  }
  for (const Subscription& stale : work.stale) {
    CREDITD_ASSIGN_OR_RETURN(ProviderSubscription subscription,
                             billing_->RetrieveSubscription(stale.provider_subscription_id));
    fetched.push_back(std::move(subscription));
  }
  for (const ProviderSubscription& subscription : fetched) {
    CREDITD_ASSIGN_OR_RETURN(const std::vector<ProviderInvoice> invoices,
                             billing_->ListPaidInvoices(subscription.id, 3));
    const Timestamp at = clock_.Now();
    CREDITD_RETURN_IF_ERROR(
        InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
          // The state fetched now is newer than any event sent before.
          CREDITD_RETURN_IF_ERROR(sync_->ApplySubscription(uow, subscription, at, at).status());
          for (const ProviderInvoice& invoice : invoices) {
            CREDITD_RETURN_IF_ERROR(sync_->ApplyInvoicePaid(uow, invoice, at).status());
          }
          return Status::Ok();
        }));
  }
  return static_cast<int64_t>(fetched.size());
}

namespace {

// A payment found by a query that is not the order's price: never applied, and kept where
// operators see the notifications kept aside (GET /api/v1/admin/billing/events?outcome=poison),
// once per order and payment however often reconciliation finds it.
Status KeepMismatch(UnitOfWork& uow, const PaymentProvider& provider, const domain::Order& order,
                    const ProviderCheckout& checkout, Timestamp at) {
  ProviderEventRecord record;
  record.provider = std::string(provider.name());
  record.event_id = "reconcile:" + order.order_no + ":" + checkout.payment_intent_id;
  record.type = "reconciliation";
  record.created = at;
  record.received_at = at;
  record.outcome = EventOutcome::kPoison;
  record.attempts = 1;
  record.last_error = "checkout " + checkout.id + " paid " + std::to_string(checkout.amount_total) +
                      " " + checkout.currency + ", which is not the price of order " +
                      order.order_no + " (found by reconciliation)";
  record.payload = "order_no=" + order.order_no + "&payment=" + checkout.payment_intent_id +
                   "&amount_total=" + std::to_string(checkout.amount_total) +
                   "&currency=" + checkout.currency;
  return uow.billing().SaveEvent(record);
}

// What a query found, applied inside the caller's unit of work: a paid checkout pays the order
// (a payment of another amount is kept as poison), an expired one closes it here.
Status ApplyCheckout(UnitOfWork& uow, const PaymentProvider& provider, const domain::Order& order,
                     const ProviderCheckout& checkout, Timestamp at) {
  if (checkout.state == CheckoutState::kComplete && checkout.paid) {
    CREDITD_ASSIGN_OR_RETURN(
        const ProviderPaymentResult result,
        OrderService::ApplyProviderPayment(
            uow, ProviderPaymentNotice::Of(provider.name(), order.order_no, checkout), at));
    if (result == ProviderPaymentResult::kMismatch) {
      return KeepMismatch(uow, provider, order, checkout, at);
    }
    return Status::Ok();
  }
  if (checkout.state == CheckoutState::kExpired) {
    return OrderService::CloseUnpaid(uow, order.order_no, provider.name(),
                                     domain::OrderStatus::kExpired, at)
        .status();
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> BillingReconciler::ReconcileRefunds(PaymentProvider& provider,
                                                    Timestamp noted_before, int limit) {
  CREDITD_ASSIGN_OR_RETURN(const std::vector<PendingRefund> pending,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.orders().ListPendingRefunds(provider.name(), noted_before,
                                                                    limit);
                           }));
  Tally tally;
  tally.Add(static_cast<int64_t>(pending.size()));
  for (const PendingRefund& refund : pending) {
    const Result<domain::Order> order =
        InTransaction(database_, TransactionMode::kRead,
                      [&](UnitOfWork& uow) { return uow.orders().FindById(refund.order_id); });
    Result<ProviderRefund> queried =
        order.ok() ? provider.QueryRefund(*order, refund.request_no) : order.status();
    if (queried.ok() && queried->settled && queried->id != refund.refund_id) {
      queried = Status(reason::kProviderError, "the provider answered about refund " + queried->id +
                                                   ", not " + refund.refund_id);
    }
    if (!queried.ok()) {
      tally.Fail(queried.status());
      continue;
    }
    const Timestamp at = clock_.Now();
    const Status applied =
        InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
          if (queried->settled) {
            return OrderService::ApplyProviderRefund(
                       uow, refund.order_id,
                       RefundReport::One(std::string(provider.name()), refund.refund_id,
                                         queried->amount),
                       std::string(provider.name()) + ":" + refund.refund_id, at)
                .status();
          }
          if (queried->status == "failed") {
            return uow.orders().MarkRefundFailed(provider.name(), refund.refund_id, at).status();
          }
          return Status::Ok();
        });
    tally.Fail(applied);
  }
  return tally.Total();
}

Result<int64_t> BillingReconciler::ReconcileOrders(PaymentProvider& provider, Timestamp from,
                                                   Timestamp to, int limit) {
  CREDITD_ASSIGN_OR_RETURN(const std::vector<domain::Order> unpaid,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.orders().ListUnpaidCheckouts(provider.name(), from, to,
                                                                     limit);
                           }));
  Tally tally;
  tally.Add(static_cast<int64_t>(unpaid.size()));
  for (const domain::Order& order : unpaid) {
    const Result<ProviderCheckout> queried = provider.QueryCheckout(order);
    if (!queried.ok()) {
      tally.Fail(queried.status());
      continue;
    }
    const ProviderCheckout& checkout = *queried;
    const Timestamp at = clock_.Now();
    if (checkout.state == CheckoutState::kOpen && checkout.closable &&
        order.expires_at + close_grace_ <= at) {
      // Past its deadline here (and a grace, for a payer confirming at the last moment) and still
      // waiting for a payer there: closed at the provider, so nobody pays it late (one who did
      // meanwhile is applied by the next query).
      const Status closed = provider.CloseCheckout(order);
      tally.Fail(closed);
      continue;
    }
    const Status applied = InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
      return ApplyCheckout(uow, provider, order, checkout, at);
    });
    tally.Fail(applied);
  }
  return tally.Total();
}

}  // namespace creditd::app
