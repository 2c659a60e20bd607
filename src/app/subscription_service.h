// SubscriptionService: what a user reads about their plan (seed 003's GET /api/subscription and
// GET /api/subscription/usage): the current subscription, the plan in effect, and usage per
// resource type in a month against the plan's quotas, counted from the charges recorded.
//
// Read-only; each method runs one read unit of work. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "app/catalog_service.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/subscription.h"

namespace creditd::app {

struct SubscriptionOverview {
  std::optional<domain::Subscription> subscription;  // nullopt: never subscribed.
  domain::Plan plan;                                 // The plan in effect (free by default).
  std::string period;                                // "2026-11".
  std::map<std::string, domain::ResourceUsage> usage;
};

class SubscriptionService {
 public:
  SubscriptionService(Database& database, CatalogService& catalog, const Clock& clock)
      : database_(database), catalog_(catalog), clock_(clock) {}

  // The account's subscription, plan and usage in `period` (default: this UTC month): the
  // caller's personal account or a team it acts for (TeamService::ResolveAccount). Errors:
  // "account_not_found", "invalid_query" (field "period").
  Result<SubscriptionOverview> Get(int64_t account_id, const std::optional<std::string>& period);

 private:
  Database& database_;
  CatalogService& catalog_;
  const Clock& clock_;
};

}  // namespace creditd::app
