// BillingService: subscriptions paid through a billing provider (Stripe), seed 003 Tasks 2 to 5
// and DESIGN.md section 7: checkout, the customer portal, cancel at period end, plan changes,
// and the provider's signed events applied through one inbox.
//
// Credits follow the plan, done right (issue 6 point 6):
//   - every paid invoice of a period grants that period's allowance once (keyed by the invoice),
//     expiring at the period's end; a plan change's proration invoice grants only the prorated
//     difference of the two allowances for the time left, never a full allowance;
//   - an upgrade takes effect at once; a downgrade is recorded as pending and takes effect when
//     the next period starts; cancel at period end keeps the plan until the period ends, and
//     the subscription's deletion returns the account to the free plan.
// Events may arrive in any order and any number of times: each is applied at most once (the
// inbox), a subscription state older than the stored one is ignored, and credits are granted
// under unique references.
//
// Thread-safe. Provider calls (network I/O) never run inside a database transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/catalog_service.h"
#include "app/ports/billing_provider.h"
#include "app/ports/billing_repository.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/order.h"

namespace creditd::app {

// The plan and billing interval a provider price stands for.
struct PlanPrice {
  std::string plan_key;
  std::string interval;  // "month" or "year".
};

struct BillingConfig {
  // The provider, or nullptr when none is configured (no STRIPE_SECRET_KEY): every method then
  // answers "payment_method_unavailable". Not owned.
  BillingProvider* provider = nullptr;
  // Provider price id -> plan (STRIPE_PRICE_PRO_MONTHLY=price_... and so on).
  std::map<std::string, PlanPrice> prices;
  // Deliveries of one event that may fail before it is recorded as poison and acknowledged.
  int max_event_attempts = 5;
  // Without a provider, development plays subscriptions itself (the sandbox): a local checkout
  // page at /sandbox/subscription/{id}, renewals and lapses by the scheduler (RenewDue), every
  // paid plan of the catalog on offer as "sandbox_<plan>_<monthly|yearly>".
  bool sandbox_enabled = false;
  // Length of a sandbox billing period; 0 = a calendar month or year. Demos and tests shorten it.
  std::chrono::seconds sandbox_period{0};
};

// One price a user can subscribe to.
struct PriceOption {
  std::string price_id;
  PlanPrice plan;
};

// What became of one delivered event.
struct EventReceipt {
  std::string event_id;
  std::string type;
  EventOutcome outcome = EventOutcome::kProcessed;
  bool duplicate = false;  // Seen before: acknowledged, nothing changed.
};

// The user-facing methods act for the caller's personal account, or for `account_id` when
// given: a team account the caller manages, checked by the caller (TeamService::ResolveAccount).
class BillingService {
 public:
  BillingService(Database& database, CatalogService& catalog, const Clock& clock,
                 BillingConfig config)
      : database_(database), catalog_(catalog), clock_(clock), config_(std::move(config)) {}

  // The public base URL ("http://127.0.0.1:8080"): checkout and the portal send the payer
  // back to <base>/subscription; sandbox checkout pages live under it. Set before serving.
  void set_public_url(std::string url);

  // The prices on offer (Stripe's configured ones, or the sandbox's), ordered by price id;
  // empty when neither is available.
  Result<std::vector<PriceOption>> Prices();

  // Starts a subscription checkout for the user's account and returns the provider's page URL.
  // Creates the provider customer on first use. Errors: "payment_method_unavailable",
  // "price_not_found" (field priceId), "subscription_exists" (the account has a subscription
  // that still grants access: change it with ChangePlan), "user_not_found",
  // "provider_unavailable", "provider_error".
  Result<std::string> Checkout(int64_t user_id, std::string_view price_id,
                               std::optional<int64_t> account_id = std::nullopt);

  // Returns a customer-portal URL. Errors: "payment_method_unavailable",
  // "subscription_not_found" (the account never checked out), provider errors.
  Result<std::string> Portal(int64_t user_id, std::optional<int64_t> account_id = std::nullopt);

  // Cancels the account's subscription at the end of its period (the plan stays until then).
  // Idempotent. Errors: "payment_method_unavailable", "subscription_not_found" (none that grants
  // access), provider errors.
  Status Cancel(int64_t user_id, std::optional<int64_t> account_id = std::nullopt);

  // Moves the subscription to another price: an upgrade is invoiced at once with proration and
  // applies now; a downgrade applies from the next period. Errors:
  // "payment_method_unavailable", "price_not_found" (field priceId), "invalid_field" (the
  // subscription already has that price), "subscription_not_found", provider errors.
  Status ChangePlan(int64_t user_id, std::string_view price_id,
                    std::optional<int64_t> account_id = std::nullopt);

  // Verifies, records and applies one provider notification (raw body and signature header).
  // A duplicate of an applied event changes nothing. Errors: "payment_method_unavailable",
  // "invalid_signature", "malformed_json" (nothing recorded; the caller answers 400); any other
  // error means the event was recorded as failed and should be answered 500 so the provider
  // retries. After max_event_attempts failures an event is recorded as poison and acknowledged.
  Result<EventReceipt> ReceiveEvent(std::string_view payload, std::string_view signature_header);

  // Lifts a dispute freeze from an account (an operator's decision). Idempotent. Errors:
  // "account_not_found".
  Status LiftFreeze(int64_t account_id);

  // The sandbox checkout of a subscription (provider id "sbx_..."), for its page. Errors:
  // "sandbox_disabled", "subscription_not_found".
  Result<domain::Subscription> GetSandboxSubscription(std::string_view id);

  // Pays a sandbox checkout: the subscription becomes active for its first period and the
  // period's credits are granted. Idempotent (a paid one is returned as it is). Errors as
  // GetSandboxSubscription's, and "subscription_exists" (another subscription of the account
  // grants access meanwhile).
  Result<domain::Subscription> PaySandboxSubscription(std::string_view id);

  // Renews or lapses up to `limit` sandbox subscriptions whose period ended by `now`: one
  // cancelled at period end becomes canceled (the free plan); any other starts its next period
  // (a pending downgrade takes effect) with that period's credits. Returns how many changed.
  // Idempotent; safe with several processes.
  Result<int64_t> RenewDue(Timestamp now, int limit);

  // Grants the free plan's monthly credits to up to `limit` accounts whose monthly anniversary
  // (counted from the account's creation) is due at `now` and that are on the free plan: one
  // grant per account and period, expiring at the period's end. Returns how many were granted.
  // Idempotent; safe with several processes.
  Result<int64_t> GrantFreeCredits(Timestamp now, int limit);

  // Converges what Stripe's events may have missed (issue 6 point 8), asking Stripe: customers
  // created in the last two days without any subscription (a checkout whose events were lost)
  // get the subscriptions Stripe has for them; subscriptions whose period ended more than an
  // hour ago without a new period or an end (a lost renewal or deletion) are fetched again; and
  // each of those gets the paid invoices Stripe lists (credits granted at most once per
  // invoice); Stripe orders created between 26 hours and `checkout_age` ago, still unpaid here,
  // have their Checkout Session fetched, and a paid one is applied. Up to `limit` of each. Returns
  // how many subscriptions and checkouts were fetched. Idempotent. Without Stripe, returns 0.
  // `checkout_age` is how old an unpaid checkout must be before it is asked about.
  Result<int64_t> Reconcile(Timestamp now, int limit,
                            std::chrono::seconds checkout_age = std::chrono::hours(1));
  // Reconcile at the clock's now, 100 of each (an operator's "reconcile now"), asking about every
  // unpaid checkout of the last 26 hours however young.
  Result<int64_t> ReconcileNow() { return Reconcile(clock_.Now(), 100, std::chrono::seconds(0)); }

  // Refunds a paid Stripe order through Stripe: `amount` is a decimal in the order's currency
  // ("4.95"), nullopt for everything not refunded yet. The order's credits (or membership time)
  // are taken back when Stripe's charge.refunded notification arrives, like a refund made in
  // Stripe's dashboard. `idempotency_key` (optional) makes a retry return the first refund;
  // without one, the same amount asked twice before the notification is refunded once. Errors:
  // "payment_method_unavailable", "order_not_found", "order_not_refundable" (not a paid Stripe
  // order, or refunded in full), "invalid_amount" / "invalid_field" (field amount: not more
  // than what is left), provider errors.
  struct OrderRefund {
    ProviderRefund refund;
    domain::Order order;
  };
  Result<OrderRefund> RefundOrder(std::string_view order_no, std::optional<std::string> amount,
                                  std::string_view idempotency_key);

  // Mail written to the outbox for `recipient` ("" for all), newest first.
  Result<std::vector<OutboxMessage>> Outbox(std::string_view recipient, int limit);

 private:
  struct Prefetched;

  bool sandbox() const { return config_.provider == nullptr && config_.sandbox_enabled; }
  Status RequireBilling() const;
  Result<std::map<std::string, PlanPrice>> PriceTable();
  Result<PlanPrice> FindPrice(std::string_view price_id);
  std::string PublicUrl() const;
  Timestamp PeriodEnd(Timestamp start, const std::string& interval) const;
  Result<std::string> SandboxCheckout(int64_t user_id, const std::string& price_id,
                                      const PlanPrice& price, std::optional<int64_t> account_id);
  Status SandboxChangePlan(const domain::Subscription& subscription, const std::string& price_id,
                           const PlanPrice& price);
  // Grants a sandbox subscription's current period its plan's credits, once per period.
  Status GrantSandboxPeriod(UnitOfWork& uow, const domain::Subscription& subscription,
                            Timestamp now);
  Result<Prefetched> Prefetch(const ProviderEvent& event);
  // `note` receives why an event was recorded as poison.
  Result<EventOutcome> Apply(UnitOfWork& uow, const ProviderEvent& event, const Prefetched& fetched,
                             Timestamp now, std::string& note);
  // A Checkout Session in payment mode: an order paid, failed or expired.
  Result<EventOutcome> ApplyOrderCheckout(UnitOfWork& uow, const std::string& type,
                                          const ProviderCheckout& checkout, Timestamp now,
                                          std::string& note);
  Result<EventOutcome> ApplySubscription(UnitOfWork& uow, const ProviderSubscription& state,
                                         Timestamp state_at, Timestamp now);
  Result<EventOutcome> ApplyInvoicePaid(UnitOfWork& uow, const ProviderInvoice& invoice,
                                        Timestamp now);
  Result<EventOutcome> ApplyPaymentFailed(UnitOfWork& uow, const ProviderInvoice& invoice,
                                          Timestamp event_at, Timestamp now);
  // A refund or dispute of a payment that paid one of our orders, or else the invoice `invoice_id`.
  Result<EventOutcome> ApplyRefund(UnitOfWork& uow, const ProviderCharge& charge,
                                   const std::optional<std::string>& invoice_id, Timestamp now);
  // The credit granted for an invoice, read under its account's lock; nullopt for no invoice or
  // one creditd granted nothing for.
  Result<std::optional<SubscriptionCredit>> LockedCreditOf(
      UnitOfWork& uow, const std::optional<std::string>& invoice_id);
  // A sandbox subscription by its id. "sandbox_disabled", "subscription_not_found".
  Result<domain::Subscription> FindSandbox(UnitOfWork& uow, std::string_view id) const;
  Result<EventOutcome> ApplyDispute(UnitOfWork& uow, const ProviderDispute& dispute,
                                    const std::optional<std::string>& invoice_id, Timestamp now);
  // Runs the provider call that changes a subscription, then applies the state it returns.
  Status ApplyReturnedState(const Result<ProviderSubscription>& state);
  // The account's current subscription through this provider (Stripe, or the sandbox) while it
  // grants access, or "subscription_not_found" with `not_found` as the message.
  Result<domain::Subscription> ActiveSubscriptionOf(int64_t user_id,
                                                    std::optional<int64_t> account_id,
                                                    const std::string& not_found);
  // The user's personal account's current subscription through this provider, if any.
  Result<std::pair<int64_t, std::optional<domain::Subscription>>> CurrentOf(
      int64_t user_id, std::optional<int64_t> account_id);

  Database& database_;
  CatalogService& catalog_;
  const Clock& clock_;
  const BillingConfig config_;
  mutable std::mutex url_mutex_;
  std::string public_url_;
};

}  // namespace creditd::app
