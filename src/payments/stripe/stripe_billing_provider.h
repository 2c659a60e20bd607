// StripeBillingProvider: the billing port on Stripe (seed 003 Task 2). Customers carry the
// account id in their metadata; subscription checkouts put it in client_reference_id and in the
// subscription's metadata, so every later event names the account. Upgrades are invoiced at
// once with proration (`always_invoice`); downgrades change the price without proration, so
// the next period is billed at the lower price (creditd keeps the old plan until then). Orders
// (credit packs, memberships) are paid through Checkout in payment mode with an inline price, the
// order number as client_reference_id; refunds are created on the order's payment intent.
//
// Thread-safe (StripeClient is).
#pragma once

#include <map>
#include <string>

#include "app/ports/billing_provider.h"
#include "payments/stripe/stripe_client.h"

namespace creditd::payments::stripe {

// A hosted checkout for one order paid once (Stripe Checkout in payment mode).
struct PaymentCheckoutRequest {
  std::string order_no;     // Becomes client_reference_id and metadata.order_no.
  std::string description;  // The line item's name.
  int64_t amount_minor = 0;
  std::string currency;  // Upper-case ISO code.
  int64_t account_id = 0;
  Timestamp expires_at{};  // When the checkout stops accepting payment.
  std::string success_url;
  std::string cancel_url;
  std::string idempotency_key;
};

// The checkout created for a PaymentCheckoutRequest.
struct ProviderCheckoutLink {
  std::string id;  // cs_...
  std::string url;
};

class StripeBillingProvider final : public app::BillingProvider {
 public:
  // `webhook_secret` is STRIPE_WEBHOOK_SECRET (whsec_...), used as-is.
  StripeBillingProvider(StripeClientOptions options, std::string webhook_secret)
      : client_(std::move(options)), webhook_secret_(std::move(webhook_secret)) {}

  std::string_view name() const override { return "stripe"; }

  // The configured prices (STRIPE_PRICE_PRO_MONTHLY=price_... and so on). Set before serving.
  void set_prices(std::map<std::string, app::PlanPrice> prices) { prices_ = std::move(prices); }
  Result<std::map<std::string, app::PlanPrice>> Prices() override { return prices_; }

  Result<std::string> CreateCustomer(int64_t account_id, std::string_view email,
                                     std::string_view idempotency_key) override;
  Result<std::string> CreateSubscriptionCheckout(
      const app::SubscriptionCheckoutRequest& request) override;
  Result<std::string> CreatePortalSession(std::string_view customer_id,
                                          std::string_view return_url) override;
  Result<app::ProviderSubscription> RetrieveSubscription(std::string_view subscription_id) override;
  Result<app::ProviderSubscription> ChangePrice(std::string_view subscription_id,
                                                std::string_view item_id, std::string_view price_id,
                                                bool prorate,
                                                std::string_view idempotency_key) override;
  Result<app::ProviderSubscription> Cancel(std::string_view subscription_id, bool at_period_end,
                                           std::string_view idempotency_key) override;
  Result<std::vector<app::ProviderSubscription>> ListSubscriptions(std::string_view customer_id,
                                                                   int limit) override;
  Result<std::vector<app::ProviderInvoice>> ListPaidInvoices(std::string_view subscription_id,
                                                             int limit) override;
  Result<std::optional<std::string>> FindInvoiceOfPayment(
      std::string_view payment_intent_id) override;
  // The order's Checkout Session (its checkout_ref, cs_...).
  Result<app::ProviderCheckout> QueryCheckout(const domain::Order& order) override;
  // A refund on the order's payment intent (its payment_ref, pi_...); charge.refunded follows.
  Result<app::ProviderRefund> Refund(const domain::Order& order, std::optional<int64_t> amount,
                                     std::string_view idempotency_key) override;
  // Verifies the Stripe-Signature header against the raw body (webhook_signature.h).
  Result<app::ProviderEvent> ParseEvent(const app::ProviderNotification& notification,
                                        Timestamp now) override;

  // Creates a hosted checkout (Checkout in payment mode) that collects one payment for an order.
  // Errors: "provider_unavailable", "provider_error".
  Result<ProviderCheckoutLink> CreatePaymentCheckout(const PaymentCheckoutRequest& request);

 private:
  StripeClient client_;
  const std::string webhook_secret_;
  std::map<std::string, app::PlanPrice> prices_;
};

}  // namespace creditd::payments::stripe
