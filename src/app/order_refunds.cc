#include "app/order_refunds.h"

#include "app/event_inbox.h"
#include "app/ports/order_repository.h"
#include "app/transaction.h"
#include "common/money.h"
#include "common/status_macros.h"

namespace creditd::app {

Result<OrderRefunds::Refunded> OrderRefunds::Refund(std::string_view order_no,
                                                    std::optional<std::string> amount,
                                                    std::string_view idempotency_key) {
  if (provider_ == nullptr) {
    return BillingUnavailable();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::Order order,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.orders().FindByNo(order_no);
                           }));
  const std::optional<domain::PaymentMethod> method = provider_->checkout_method();
  if (!method || order.payment_method != *method || order.status != domain::OrderStatus::kPaid ||
      order.payment_ref.empty()) {
    const std::string name(provider_->name());
    return Status(reason::kOrderNotRefundable, "order " + order.order_no + " is not a paid " +
                                                   name +
                                                   " order; only those are refunded "
                                                   "through " +
                                                   name);
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
  // Without the caller's key, the same request before the provider's notification arrives is the
  // same refund: a double click never refunds twice.
  const std::string key = idempotency_key.empty()
                              ? "refund-" + order.order_no + "-" +
                                    std::to_string(order.refunded.amount_minor()) + "-" +
                                    (minor ? std::to_string(*minor) : "rest")
                              : "refund-" + order.order_no + "-" + std::string(idempotency_key);
  CREDITD_ASSIGN_OR_RETURN(ProviderRefund refund,
                           provider_->CreateRefund(order.payment_ref, minor, key));
  return Refunded{std::move(refund), std::move(order)};
}

}  // namespace creditd::app
