// SandboxBillingProvider: the billing port played locally for development and demos (issue 6
// point 7), so the whole subscription lifecycle runs offline the way it runs on Stripe. It is a
// provider like any other: app/ drives it through app::BillingProvider and hears from it through
// typed events delivered to the inbox (app::EventSink), never through a branch of its own.
//
// Its far side has no store of its own: the state of a sandbox subscription is what creditd
// stored for it (subscriptions with provider "sandbox"), read back through the unit of work.
//   - checkout: a new subscription is reported incomplete; its page is
//     <base>/sandbox/subscription/<id> (sandbox_routes.h), whose Pay button calls Pay();
//   - Pay: reports it active for its first period and that period's invoice paid;
//   - RenewDue (the scheduler's billing cycle): a subscription cancelled at period end is
//     reported canceled; any other starts its next period (at the price it has now, so a pending
//     downgrade takes effect) with that period's invoice;
//   - ChangePrice: reports the new price; an upgrade also pays a proration invoice for the time
//     left (the inbox grants the difference of the allowances);
//   - every price of the catalog's paid plans is on offer as "sandbox_<plan>_<monthly|yearly>".
// Event and invoice ids derive from the subscription and its period, so a repeated or
// concurrent Pay or renewal delivers the same events, which the inbox applies once.
//
// Thread-safe once configured: set_event_sink and set_base_url are called before serving.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/catalog_service.h"
#include "app/ports/billing_provider.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "domain/subscription.h"

namespace creditd::payments::sandbox {

class SandboxBillingProvider final : public app::BillingProvider {
 public:
  // `period` is the length of a billing period; 0 = a calendar month or year (demos and tests
  // shorten it). Not owned: database, catalog, clock.
  SandboxBillingProvider(app::Database& database, app::CatalogService& catalog, const Clock& clock,
                         std::chrono::seconds period);

  void set_event_sink(app::EventSink* sink) { sink_ = sink; }
  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

  // ----- app::BillingProvider -----
  std::string_view name() const override { return "sandbox"; }
  Result<std::map<std::string, app::PlanPrice>> Prices() override;
  // "sbx_cus_<account>". Never fails.
  Result<std::string> CreateCustomer(int64_t account_id, std::string_view email,
                                     std::string_view idempotency_key) override;
  Result<std::string> CreateSubscriptionCheckout(
      const app::SubscriptionCheckoutRequest& request) override;
  // The page of the customer's latest sandbox subscription. "subscription_not_found".
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
  // Empty: the sandbox delivers each invoice as it is paid.
  Result<std::vector<app::ProviderInvoice>> ListPaidInvoices(std::string_view subscription_id,
                                                             int limit) override;
  // nullopt: the sandbox takes no card payments of its own.
  Result<std::optional<std::string>> FindInvoiceOfPayment(
      std::string_view payment_intent_id) override;
  // The sandbox hosts no order checkouts and takes no refunds (its orders are paid on their
  // own page, in process): "provider_error".
  Result<app::ProviderCheckout> QueryCheckout(const domain::Order& order) override;
  Result<app::ProviderRefund> Refund(const domain::Order& order, std::optional<int64_t> amount,
                                     std::string_view idempotency_key) override;
  // The sandbox sends no notifications over HTTP: always "invalid_signature".
  Result<app::ProviderEvent> ParseEvent(const app::ProviderNotification& notification,
                                        Timestamp now) override;

  // ----- the sandbox's own side -----
  // A sandbox subscription by id. "subscription_not_found".
  Result<domain::Subscription> Find(std::string_view subscription_id);
  // Pays an incomplete subscription's first period (a paid one is returned as it is). Errors:
  // "subscription_not_found", "subscription_exists" (another subscription of the account grants
  // access meanwhile), the inbox's errors.
  Result<domain::Subscription> Pay(std::string_view subscription_id);
  // Renews or lapses up to `limit` subscriptions whose period ended by `now`; returns how many
  // were reported. Idempotent; safe with several processes.
  Result<int64_t> RenewDue(Timestamp now, int limit);

 private:
  Timestamp PeriodEnd(Timestamp start, domain::BillingInterval interval) const;
  Result<app::PlanPrice> PriceOf(std::string_view price_id);
  // An invoice of `state`'s price for its current period.
  Result<app::ProviderInvoice> PeriodInvoice(const app::ProviderSubscription& state, std::string id,
                                             std::string billing_reason);
  Status Deliver(app::ProviderEventKind kind, std::string id, Timestamp at,
                 std::optional<app::ProviderSubscription> subscription,
                 std::optional<app::ProviderInvoice> invoice);

  app::Database& database_;
  app::CatalogService& catalog_;
  const Clock& clock_;
  const std::chrono::seconds period_;
  app::EventSink* sink_ = nullptr;
  std::string base_url_;
  std::atomic<uint64_t> next_id_{0};
};

// The refusal of every simulated payment (sandbox pages, payment/callback, sandbox
// subscriptions) on a server started without the sandbox.
Status SandboxDisabled();

}  // namespace creditd::payments::sandbox
