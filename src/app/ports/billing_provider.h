// The subscription-billing provider port (DESIGN.md section 7, seed 003 Task 2): customers,
// subscription checkouts, the customer portal and subscription changes, on top of what every
// payment provider does (PaymentProvider: notifications, order checkouts, refunds).
//
// Implementations are thread-safe. Every method but Prices may perform network I/O, so callers
// never hold a database transaction open across one. Methods taking an idempotency key are safe
// to retry with the same key: the provider performs the effect at most once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/payment_provider.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/subscription.h"

namespace creditd::app {

// The plan and billing interval a provider price stands for.
struct PlanPrice {
  std::string plan_key;
  domain::BillingInterval interval = domain::BillingInterval::kMonth;
};

struct SubscriptionCheckoutRequest {
  int64_t account_id = 0;
  std::string customer_id;
  std::string price_id;
  int trial_days = 0;
  std::string success_url;
  std::string cancel_url;
  std::string idempotency_key;
};

class BillingProvider : public PaymentProvider {
 public:
  // The prices on offer (price id -> plan), ordered by price id. No I/O beyond the catalog.
  virtual Result<std::map<std::string, PlanPrice>> Prices() = 0;

  // Creates a customer for an account and returns its id. Errors: "provider_unavailable" (not
  // reachable, or 5xx after retries), "provider_error" (the provider refused the request).
  virtual Result<std::string> CreateCustomer(int64_t account_id, std::string_view email,
                                             std::string_view idempotency_key) = 0;

  // Creates a hosted checkout for a subscription to `price_id` and returns its URL. Errors as
  // CreateCustomer's.
  virtual Result<std::string> CreateSubscriptionCheckout(
      const SubscriptionCheckoutRequest& request) = 0;

  // Creates a customer-portal session and returns its URL. Errors as CreateCustomer's.
  virtual Result<std::string> CreatePortalSession(std::string_view customer_id,
                                                  std::string_view return_url) = 0;

  // Fetches a subscription as it stands now. Errors as CreateCustomer's.
  virtual Result<ProviderSubscription> RetrieveSubscription(std::string_view subscription_id) = 0;

  // Moves the subscription's item to `price_id`. With `prorate` the provider invoices the
  // difference now (an upgrade); without, the new price applies from the next period (a
  // downgrade). Returns the updated subscription. Errors as CreateCustomer's.
  virtual Result<ProviderSubscription> ChangePrice(std::string_view subscription_id,
                                                   std::string_view item_id,
                                                   std::string_view price_id, bool prorate,
                                                   std::string_view idempotency_key) = 0;

  // Cancels at the end of the current period (`at_period_end`) or at once. Returns the updated
  // subscription. Errors as CreateCustomer's.
  virtual Result<ProviderSubscription> Cancel(std::string_view subscription_id, bool at_period_end,
                                              std::string_view idempotency_key) = 0;

  // The customer's subscriptions (any status), newest first, at most `limit`. Errors as
  // CreateCustomer's.
  virtual Result<std::vector<ProviderSubscription>> ListSubscriptions(std::string_view customer_id,
                                                                      int limit) = 0;

  // The subscription's paid invoices, newest first, at most `limit`. Errors as CreateCustomer's.
  virtual Result<std::vector<ProviderInvoice>> ListPaidInvoices(std::string_view subscription_id,
                                                                int limit) = 0;

  // Finds the invoice a payment (payment intent) paid, or nullopt for a payment outside
  // invoices. Errors as CreateCustomer's.
  virtual Result<std::optional<std::string>> FindInvoiceOfPayment(
      std::string_view payment_intent_id) = 0;
};

}  // namespace creditd::app
