// CatalogService: puts the catalog file's contents into the database on first start and reads
// the stored catalog. Later starts never overwrite what operators changed.
//
// Thread-safe; each method runs its own unit of work.
#pragma once

#include <vector>

#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/catalog.h"

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

 private:
  Database& database_;
  const Clock& clock_;
};

}  // namespace creditd::app
