// BillingReconciler: converges what the billing provider's notifications may have missed
// (issue 6 point 8) by asking the provider:
//   - customers created in the last two days without any subscription (a checkout whose events
//     were lost) get the subscriptions the provider has for them;
//   - subscriptions whose period ended more than an hour ago without a new period or an end (a
//     lost renewal or deletion) are fetched again;
//   - each of those gets the paid invoices the provider lists (credits at most once per invoice);
//   - orders of the provider's hosted checkouts (BillingProvider::checkout_method) created
//     between 26 hours and `checkout_age` ago, still unpaid here, have their checkout fetched: a
//     paid one is applied, an expired one closed.
//
// Thread-safe. Provider calls never run inside a database transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "app/catalog_service.h"
#include "app/ports/billing_provider.h"
#include "app/ports/unit_of_work.h"
#include "app/subscription_sync.h"
#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

class BillingReconciler {
 public:
  // `provider` may be nullptr (no billing provider): Reconcile then returns 0. Not owned.
  BillingReconciler(Database& database, CatalogService& catalog, const Clock& clock,
                    BillingProvider* provider);

  // Up to `limit` of each kind above. Returns how many subscriptions and checkouts were
  // fetched. Idempotent. Errors: provider and storage errors (what was applied stays applied).
  Result<int64_t> Reconcile(Timestamp now, int limit,
                            std::chrono::seconds checkout_age = std::chrono::hours(1));
  // Reconcile at the clock's now, 100 of each (an operator's "reconcile now"), asking about every
  // unpaid checkout of the last 26 hours however young.
  Result<int64_t> ReconcileNow() { return Reconcile(clock_.Now(), 100, std::chrono::seconds(0)); }

 private:
  Database& database_;
  const Clock& clock_;
  BillingProvider* const provider_;
  std::optional<SubscriptionSync> sync_;
};

}  // namespace creditd::app
