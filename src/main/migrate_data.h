// MigrateData: copies a SQLite deployment into an empty PostgreSQL database (`creditd
// migrate-data --from sqlite:PATH --to postgres://...`), then verifies it: equal row counts
// per table, equal balances for every account, and the ledger invariants on the copy.
//
// The copy runs in one PostgreSQL transaction, so a failure leaves the target empty. The
// source is read inside one SQLite read transaction (a consistent snapshot even while a server
// writes to it). Not thread-safe; a command-line operation.
#pragma once

#include <functional>
#include <string>

#include "common/result.h"

namespace creditd::main {

struct MigrateDataReport {
  int64_t tables = 0;
  int64_t rows = 0;
  int64_t accounts_verified = 0;
};

// Copies `sqlite_path` into the database at `postgres_dsn` (migrated to the current schema
// first). Refuses a target that holds any user, account or setting ("config_invalid").
// `progress` receives one line per table.
Result<MigrateDataReport> MigrateData(const std::string& sqlite_path,
                                      const std::string& postgres_dsn,
                                      const std::function<void(const std::string&)>& progress);

}  // namespace creditd::main
