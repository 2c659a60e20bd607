// FreePlanCredits: the free plan's monthly credits (issue 6 point 7), granted on each account's
// monthly anniversary (counted from the account's creation) while it is on the free plan, one
// grant per account and period, expiring at the period's end.
//
// Thread-safe; safe with several processes (each grant is keyed by account and period).
#pragma once

#include <cstdint>

#include "app/catalog_service.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

class FreePlanCredits {
 public:
  FreePlanCredits(Database& database, CatalogService& catalog)
      : database_(database), catalog_(catalog) {}

  // Grants the credits of up to `limit` accounts due at `now`; returns how many were granted.
  // Idempotent. Errors: storage errors, "plan_not_found" without a free plan in the catalog.
  Result<int64_t> GrantDue(Timestamp now, int limit);

 private:
  Database& database_;
  CatalogService& catalog_;
};

}  // namespace creditd::app
