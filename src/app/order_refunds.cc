#include "app/order_refunds.h"

#include "app/order_service.h"
#include "app/ports/order_repository.h"
#include "app/transaction.h"
#include "common/money.h"
#include "common/status_macros.h"

namespace creditd::app {

Result<OrderRefunds::Refunded> OrderRefunds::Refund(std::string_view order_no,
                                                    std::optional<std::string> amount,
                                                    std::string_view idempotency_key) {
  const Result<InFlightKeys::Claim> claim =
      refunding_.Acquire({"refund", std::string(order_no), ""});
  if (!claim.ok()) {
    return Status(reason::kIdempotencyKeyInFlight,
                  "a refund of order " + std::string(order_no) + " is in progress; retry shortly");
  }
  CREDITD_ASSIGN_OR_RETURN(domain::Order order,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.orders().FindByNo(order_no);
                           }));
  PaymentProvider* const provider = providers_.Find(order.provider);
  if (provider == nullptr || order.status != domain::OrderStatus::kPaid ||
      order.payment_ref.empty()) {
    return Status(reason::kOrderNotRefundable,
                  "order " + order.order_no +
                      " is not a paid order of a payment provider configured here; only those "
                      "are refunded through the provider (sandbox orders are not)");
  }
  const Money left = order.price - order.refunded;
  if (left.amount_minor() <= 0) {
    return Status(reason::kOrderNotRefundable, "order " + order.order_no + " is refunded in full");
  }
  std::optional<int64_t> minor;
  if (amount) {
    const Result<Money> parsed = Money::Parse(*amount, order.currency());
    if (!parsed.ok()) {
      return Status(parsed.status()).WithField("amount");
    }
    if (parsed->amount_minor() <= 0 || parsed->amount_minor() > left.amount_minor()) {
      return Status(reason::kInvalidField, "amount must be more than 0 and at most " +
                                               left.ToDecimalString() +
                                               " (what is not refunded yet)")
          .WithField("amount");
    }
    minor = parsed->amount_minor();
  }
  if (minor && idempotency_key.empty()) {
    // Without a key a retry after a lost answer could not be told from a second partial refund
    // (the first may have been applied meanwhile, and a key derived from what is left would
    // change).
    return Status(reason::kInvalidIdempotencyKey,
                  "a partial refund needs an Idempotency-Key, so that a retry is the same refund")
        .WithField("Idempotency-Key");
  }
  // Without the caller's key (a refund of all that is left), the same request is the same refund
  // until it is applied: a double click never refunds twice, and once it is applied nothing is
  // left to refund.
  const std::string key = idempotency_key.empty()
                              ? "refund-" + order.order_no + "-" +
                                    std::to_string(order.refunded.amount_minor()) + "-rest"
                              : "refund-" + order.order_no + "-" + std::string(idempotency_key);
  CREDITD_ASSIGN_OR_RETURN(ProviderRefund refund, provider->Refund(order, minor, key));
  if (!refund.settled && !refund.refunded_total && !refund.request_no.empty()) {
    // Accepted, not settled: noted, so that reconciliation asks about it if its notification is
    // lost.
    CREDITD_RETURN_IF_ERROR(
        InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
          return uow.orders().NotePendingRefund(order.id, provider->name(), refund.id,
                                                refund.request_no, refund.amount, clock_.Now());
        }));
  }
  if (refund.refunded_total || refund.settled) {
    // Settled in the answer: the claw-back is applied now, once (a cumulative total, or this
    // refund kept by its id, so the provider's own refund notification, if any, changes nothing).
    const RefundReport report =
        refund.refunded_total
            ? RefundReport::Cumulative(*refund.refunded_total)
            : RefundReport::One(std::string(provider->name()), refund.id, refund.amount);
    CREDITD_ASSIGN_OR_RETURN(
        order,
        InTransaction(
            database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<domain::Order> {
              CREDITD_RETURN_IF_ERROR(
                  OrderService::ApplyProviderRefund(uow, order.id, report,
                                                    std::string(provider->name()) + ":" + refund.id,
                                                    clock_.Now())
                      .status());
              return uow.orders().FindById(order.id);  // As it now stands.
            }));
  }
  return Refunded{std::move(refund), std::move(order)};
}

}  // namespace creditd::app
