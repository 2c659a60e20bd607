// SubscriptionCommands: what a user asks of the billing provider for an account (seed 003
// Tasks 2 to 5): the prices on offer, checkout, the customer portal, cancel at period end and
// plan changes. Each command calls the provider outside any transaction and stores the state it
// returns through SubscriptionSync; the provider's later notifications (EventInbox) bring the
// rest (the period's credits, renewals, the end).
//
// The user-facing methods act for the caller's personal account, or for `account_id` when
// given: a team account the caller manages, checked by the caller (TeamService::ResolveAccount).
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/catalog_service.h"
#include "app/ports/billing_provider.h"
#include "app/ports/unit_of_work.h"
#include "app/subscription_sync.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"

namespace creditd::app {

// One price a user can subscribe to.
struct PriceOption {
  std::string price_id;
  PlanPrice plan;
};

class SubscriptionCommands {
 public:
  // `provider` is the configured billing provider, or nullptr when none is: every command then
  // answers "payment_method_unavailable" and Prices() is empty. Not owned.
  SubscriptionCommands(Database& database, CatalogService& catalog, const Clock& clock,
                       BillingProvider* provider);

  // The public base URL ("http://127.0.0.1:8080"): checkout and the portal send the payer
  // back to <base>/subscription. Set before serving.
  void set_public_url(std::string url);

  // The prices on offer, ordered by price id; empty without a provider.
  Result<std::vector<PriceOption>> Prices();

  // Starts a subscription checkout for the account and returns the provider's page URL.
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

  // Moves the subscription to another price: a change that takes effect now
  // (domain::ChangeTakesEffectNow) is invoiced at once with proration; any other applies from
  // the next period. Errors: "payment_method_unavailable", "price_not_found" (field priceId),
  // "invalid_field" (the subscription already has that price), "subscription_not_found",
  // provider errors.
  Status ChangePlan(int64_t user_id, std::string_view price_id,
                    std::optional<int64_t> account_id = std::nullopt);

 private:
  Status RequireProvider() const;
  std::string PublicUrl() const;
  // The account (the caller's personal one unless `account_id`) and its current subscription.
  Result<std::pair<int64_t, std::optional<domain::Subscription>>> CurrentOf(
      int64_t user_id, std::optional<int64_t> account_id);
  // The account's subscription through this provider while it grants access, or
  // "subscription_not_found" with `not_found` as the message.
  Result<domain::Subscription> ActiveSubscriptionOf(int64_t user_id,
                                                    std::optional<int64_t> account_id,
                                                    const std::string& not_found);
  // Stores the state a provider call that changed the subscription returned.
  Status ApplyReturnedState(const Result<ProviderSubscription>& state);

  Database& database_;
  CatalogService& catalog_;
  const Clock& clock_;
  BillingProvider* const provider_;
  std::optional<SubscriptionSync> sync_;
  mutable Mutex url_mutex_;
  std::string public_url_ GUARDED_BY(url_mutex_);
};

}  // namespace creditd::app
