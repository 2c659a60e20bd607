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
//     operators; an expired one closed here; one still waiting for its payer at the provider
//     after the order's deadline (and a grace) is closed there (PaymentProvider::CloseCheckout).
//   - refunds a provider accepted without settling them (ProviderRefund::request_no), noted
//     pending `checkout_age` ago or earlier, are asked about (PaymentProvider::QueryRefund): a
//     succeeded one takes back the unspent credits as its lost notification would have;
//   - the scheduled passes ask about each unpaid order as its age passes each of kCheckpoints
//     (ReconcileOrdersAtCheckpoints): a lost notification is recovered within minutes, a checkout
//     closed at the provider soon after its deadline, and every order of the last day is asked
//     about a dozen times in all, however many orders were abandoned (a window of the oldest
//     would ask about the same ones again and again and never reach the rest).
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
  // subscriptions, or nullptr. Not owned. A checkout is closed at its provider `close_grace`
  // after the order's deadline at the earliest.
  BillingReconciler(Database& database, CatalogService& catalog, const Clock& clock,
                    const PaymentProviders& providers, BillingProvider* billing,
                    std::chrono::seconds close_grace = std::chrono::minutes(2));

  // Up to `limit` of each kind above. Returns how many subscriptions and checkouts were
  // fetched. Idempotent. Errors: the first provider or storage error; every provider and order
  // is still asked about (what was applied stays applied).
  Result<int64_t> Reconcile(Timestamp now, int limit,
                            std::chrono::seconds checkout_age = std::chrono::hours(1));
  // Reconcile at the clock's now, 100 of each (an operator's "reconcile now"), asking about every
  // unpaid checkout of the last 26 hours however young.
  Result<int64_t> ReconcileNow() { return Reconcile(clock_.Now(), 100, std::chrono::seconds(0)); }

  // The ages at which an unpaid order is asked about: soon after the payer could have paid, after
  // a default 30-minute payment deadline, then spaced out over the day providers keep retrying.
  static constexpr std::chrono::minutes kCheckpoints[] = {
      std::chrono::minutes(2),   std::chrono::minutes(5),   std::chrono::minutes(10),
      std::chrono::minutes(20),  std::chrono::minutes(35),  std::chrono::minutes(60),
      std::chrono::minutes(120), std::chrono::minutes(240), std::chrono::minutes(480),
      std::chrono::minutes(960), std::chrono::minutes(1500)};

  // Queries each provider's unpaid orders whose age passed a checkpoint in the last `band` (the
  // caller's interval, with some overlap: asking twice is harmless), up to `limit` per provider
  // and checkpoint, as Reconcile does. Returns how many were queried. Errors as Reconcile's.
  Result<int64_t> ReconcileOrdersAtCheckpoints(Timestamp now, int limit, std::chrono::seconds band);

  // The billing provider's subscriptions and every provider's pending refunds noted over an
  // hour ago (the first and the refund kinds above), up to `limit` of each; orders are the
  // checkpoints' pass. Returns how many were fetched. Errors as Reconcile's.
  Result<int64_t> ReconcileSubscriptionsAndRefunds(Timestamp now, int limit);

 private:
  // The billing provider's subscriptions (the first three kinds above); how many were fetched.
  Result<int64_t> ReconcileSubscriptions(Timestamp now, int limit);
  // `provider`'s refunds noted pending before `noted_before` (their notification may be lost):
  // a succeeded one is applied as its notification would be, a failed one marked failed; how
  // many were queried.
  Result<int64_t> ReconcileRefunds(PaymentProvider& provider, Timestamp noted_before, int limit);
  // `provider`'s unpaid orders created in [from, to); how many were queried.
  Result<int64_t> ReconcileOrders(PaymentProvider& provider, Timestamp from, Timestamp to,
                                  int limit);

  Database& database_;
  const Clock& clock_;
  const PaymentProviders& providers_;
  BillingProvider* const billing_;
  const std::chrono::seconds close_grace_;
  std::optional<SubscriptionSync> sync_;
};

}  // namespace creditd::app
