// CatalogService: puts the catalog file's contents into the database on first start and reads
// the stored catalog. Later starts never overwrite what operators changed.
//
// Thread-safe; each method runs its own unit of work.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "domain/catalog.h"
#include "domain/ledger.h"
#include "domain/subscription.h"

namespace creditd::app {

class CatalogService {
 public:
  CatalogService(Database& database, const Clock& clock) : database_(database), clock_(clock) {}

  // Validates `catalog` and stores it if no catalog was ever stored, recording the time in the
  // "catalog_seeded_at" setting, all in one transaction. Returns true if it stored it, false if
  // a catalog was already there (nothing is changed). Errors: "config_invalid".
  Result<bool> SeedIfFirstStart(const domain::Catalog& catalog);

  // Returns the stored catalog.
  Result<domain::Catalog> Load();

  // Returns the active tools, ordered by key.
  Result<std::vector<domain::Tool>> ListActiveTools();

  // Returns the active tool `key` from the tools cached at the first call (the catalog changes
  // only at first start until the admin console can edit it). Errors: "tool_not_found".
  Result<domain::Tool> FindTool(std::string_view key);

  // The plan an account is on (its current subscription's while that grants access, else
  // "free"), read inside the caller's unit of work. An unknown plan key yields an empty plan of
  // that key (no features, no quotas).
  Result<domain::Plan> PlanOf(UnitOfWork& uow, int64_t account_id);

  // The plan in effect for a current subscription (nullopt: never subscribed), as PlanOf.
  Result<domain::Plan> PlanFor(const std::optional<domain::Subscription>& subscription);

  // The catalog's plan with `key`; a key the catalog lacks yields a plan of that key with no
  // credits, features or quotas (a plan removed from the catalog).
  Result<domain::Plan> PlanByKey(std::string_view key);

  // The features of the plan an account is on (PlanOf).
  Result<std::vector<std::string>> FeaturesOf(UnitOfWork& uow, int64_t account_id);

  // OK if the account's plan has the feature `tool` requires; "upgrade_required" otherwise. A
  // tool that requires nothing costs no read (the charging hot path).
  Status CheckToolAllowed(UnitOfWork& uow, int64_t account_id, const domain::Tool& tool);

  // The stored catalog, read once and then served from memory.
  Result<std::shared_ptr<const domain::Catalog>> Cached();

 private:
  Database& database_;
  const Clock& clock_;
  Mutex cache_mutex_;
  std::shared_ptr<const domain::Catalog> cache_ GUARDED_BY(cache_mutex_);
};

}  // namespace creditd::app
