#include "payments/stripe/stripe_payment_gateway.h"

#include <algorithm>

#include "common/status_macros.h"

namespace creditd::payments::stripe {

Result<app::Checkout> StripePaymentGateway::StartCheckout(const domain::Order& order,
                                                          const app::CheckoutContext& /*context*/) {
  PaymentCheckoutRequest request;
  request.order_no = order.order_no;
  if (order.kind == domain::OrderKind::kRecharge) {
    request.description = std::to_string(order.amount) + " credits";
    if (order.bonus > 0) {
      request.description += " + " + std::to_string(order.bonus) + " bonus";
    }
  } else {
    request.description = "Membership " + order.membership_type + " (" +
                          std::to_string(order.duration_days) + " days)";
  }
  request.amount_minor = order.price.amount_minor();
  request.currency = order.currency().code();
  request.account_id = order.account_id;
  request.expires_at = std::max(order.expires_at, order.created_at + kMinimumCheckoutLifetime);
  // The payer comes back to the portal page of the order's kind, which shows its status.
  const std::string page = base_url_ + "/credit/" + std::string(domain::OrderKindName(order.kind)) +
                           "?order_no=" + order.order_no;
  request.success_url = page + "&checkout=success";
  request.cancel_url = page + "&checkout=cancelled";
  // One session per order however often the checkout is started (Stripe replays the answer).
  request.idempotency_key = "order-checkout-" + order.order_no;
  CREDITD_ASSIGN_OR_RETURN(const ProviderCheckoutLink link,
                           provider_.CreatePaymentCheckout(request));
  return app::Checkout{link.url, link.id, "stripe", domain::PayKind::kRedirect};
}

}  // namespace creditd::payments::stripe
