// BillingReconciler: converges what the payment providers' notifications may have missed
// (issue 6 point 8, issue 16) by asking the providers:
//   - customers created in the last two days without any subscription (a checkout whose events
//     were lost) get the subscriptions the provider has for them;
//   - subscriptions whose period ended more than an hour ago without a new period or an end (a
//     lost renewal or deletion) are fetched again;
//   - each of those gets the paid invoices the provider lists (credits at most once per invoice);
//   - orders each provider settles, created between 26 hours and `checkout_age` ago and still
//     unpaid here, have their checkout queried: a paid one is applied (even after the order
//     expired here) when it paid the order's price, else kept aside as a poison event for
//     operators; an expired one closed.
//
// Thread-safe. Provider calls never run inside a database transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "app/catalog_service.h"
#include "app/payment_providers.h"
#include "app/ports/billing_provider.h"
#include "app/ports/unit_of_work.h"
#include "app/subscription_sync.h"
#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

class BillingReconciler {
 public:
  // `providers` are the configured payment providers; `billing` the one that bills
  // subscriptions, or nullptr. Not owned.
  BillingReconciler(Database& database, CatalogService& catalog, const Clock& clock,
                    const PaymentProviders& providers, BillingProvider* billing);

  // Up to `limit` of each kind above. Returns how many subscriptions and checkouts were
  // fetched. Idempotent. Errors: the first provider or storage error; every provider and order
  // is still asked about (what was applied stays applied).
  Result<int64_t> Reconcile(Timestamp now, int limit,
                            std::chrono::seconds checkout_age = std::chrono::hours(1));
  // Reconcile at the clock's now, 100 of each (an operator's "reconcile now"), asking about every
  // unpaid checkout of the last 26 hours however young.
  Result<int64_t> ReconcileNow() { return Reconcile(clock_.Now(), 100, std::chrono::seconds(0)); }

 private:
  // The billing provider's subscriptions (the first three kinds above); how many were fetched.
  Result<int64_t> ReconcileSubscriptions(Timestamp now, int limit);
  // `provider`'s unpaid orders; how many were queried.
  Result<int64_t> ReconcileOrders(PaymentProvider& provider, Timestamp now, int limit,
                                  std::chrono::seconds checkout_age);

  Database& database_;
  const Clock& clock_;
  const PaymentProviders& providers_;
  BillingProvider* const billing_;
  std::optional<SubscriptionSync> sync_;
};

}  // namespace creditd::app
