// SubscriptionSync: brings creditd's stored subscriptions and plan credits in line with what the
// billing provider reports (issue 6 point 6, DESIGN.md section 7). The event inbox, the
// subscription commands (a change returns the new state) and reconciliation all apply provider
// states and paid invoices through it, so each rule is applied the same way whatever brought
// the news. The rules themselves (which plan a reported price means now, proration) are
// domain/subscription.h's.
//
//   - every paid invoice of a period grants that period's allowance once (keyed by the invoice),
//     expiring at the period's end; a plan change's proration invoice grants only the prorated
//     difference of the allowances for the time left, never a full allowance;
//   - a state older than the stored one is ignored; a state that starts a new period or ends the
//     subscription expires the credits of the period behind it at once.
//
// Every method runs inside the caller's unit of work (which commits it) and takes the account's
// lock. Thread-safe (stateless but for references).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/catalog_service.h"
#include "app/ports/billing_provider.h"
#include "app/ports/billing_repository.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

class SubscriptionSync {
 public:
  SubscriptionSync(CatalogService& catalog, BillingProvider& provider)
      : catalog_(catalog), provider_(provider) {}

  BillingProvider& provider() const { return provider_; }

  // The plan a provider price stands for. Errors: "price_not_found" (field priceId).
  Result<PlanPrice> FindPrice(std::string_view price_id);

  // Stores a reported subscription state stamped `state_at`: inserted when first seen (for an
  // account named by the state or by its customer), else updated unless stale. kIgnored for a
  // stale state or a subscription creditd did not start.
  Result<EventOutcome> ApplySubscription(UnitOfWork& uow, const ProviderSubscription& state,
                                         Timestamp state_at, Timestamp now);

  // Grants a paid invoice's plan credits once (by invoice id). kIgnored for an invoice of a
  // subscription creditd does not know or one granted before.
  Result<EventOutcome> ApplyInvoicePaid(UnitOfWork& uow, const ProviderInvoice& invoice,
                                        Timestamp now);

 private:
  CatalogService& catalog_;
  BillingProvider& provider_;
};

// Grants plan credits under a unique (provider, reference), at most once: returns false when the
// reference was granted before. Credits of a period that already ended are not granted, but the
// reference is recorded all the same so it stays handled. Inside the caller's unit of work.
Result<bool> GrantPlanCredits(UnitOfWork& uow, std::string_view provider,
                              const std::string& reference, int64_t account_id,
                              std::optional<int64_t> subscription_id, int64_t credits,
                              Timestamp expires, const std::string& description, Timestamp now);

}  // namespace creditd::app
