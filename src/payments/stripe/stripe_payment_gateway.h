// StripePaymentGateway: credit packs and memberships paid through Stripe Checkout in payment mode
// (issue 6 point 3, `payment_method: "stripe"`). The checkout carries the order number as
// client_reference_id, so checkout.session.completed names the order; BillingService confirms it
// from that event (or from reconciliation) after checking the amount and currency.
//
// Thread-safe once configured: set_base_url() is called before the server starts serving.
#pragma once

#include <string>

#include "app/ports/payment_gateway.h"
#include "payments/stripe/stripe_billing_provider.h"

namespace creditd::payments::stripe {

// Stripe refuses a Checkout Session that expires sooner than 30 minutes after its creation; the
// session of an order lives at least this long after the order was created.
inline constexpr std::chrono::seconds kMinimumCheckoutLifetime{31 * 60};

class StripePaymentGateway final : public app::PaymentGateway {
 public:
  // `provider` must outlive the gateway. `base_url` is this server's public address, where the
  // payer returns after the checkout.
  StripePaymentGateway(StripeBillingProvider& provider, std::string base_url)
      : provider_(provider), base_url_(std::move(base_url)) {}

  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

  std::string_view name() const override { return "stripe"; }

  // Creates (or, called again for the same order, returns) the order's Checkout Session; the
  // checkout reference is the session id. The session expires with the order, but no sooner
  // than kMinimumCheckoutLifetime after the order's creation. Errors: "provider_unavailable",
  // "provider_error".
  Result<app::Checkout> StartCheckout(const domain::Order& order,
                                      const app::CheckoutContext& context) override;

 private:
  StripeBillingProvider& provider_;
  std::string base_url_;
};

}  // namespace creditd::payments::stripe
