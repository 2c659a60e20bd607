// PostgresDatabase: the scale-out storage backend (DESIGN.md section 6). Implements the Database
// port over a pool of libpq connections to one PostgreSQL database, shared by any number of
// creditd processes.
//
// Write units of work run at READ COMMITTED; every money operation locks its account row first
// (SELECT ... FOR UPDATE through AccountRepository::GetForUpdate) and status changes are
// conditional updates, so concurrent operations serialise in the database, never in process
// memory. Serialization failures and deadlocks surface as "database_conflict", which
// InTransaction retries. Read units of work are REPEATABLE READ READ ONLY snapshots.
// Migrations (storage/postgres/migrations) are applied by Open() under an advisory lock, so
// processes starting together apply each step once. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/ports/unit_of_work.h"
#include "storage/connection_pool.h"
#include "storage/migration.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

// Returns the embedded migrations of the PostgreSQL backend (generated at build time).
const std::vector<creditd::storage::Migration>& Migrations();

class PostgresDatabase final : public app::Database {
 public:
  // Connects `pool_size` connections to `dsn` and applies pending migrations when `migrate`.
  // Fails with "database_busy" if the server is unreachable, "database_error" if the schema is
  // newer than this binary or (without `migrate`) not current.
  static Result<std::unique_ptr<PostgresDatabase>> Open(const std::string& dsn, int pool_size,
                                                        bool migrate = true);

  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;
  ~PostgresDatabase() override;

  Result<std::unique_ptr<app::UnitOfWork>> Begin(app::TransactionMode mode) override;
  Status Ping() override;
  void Close() override;
  std::string_view backend_name() const override { return "postgres"; }
  void WriteMetrics(metrics::TextWriter& out) const override {
    pool_.WriteMetrics(out, "postgres");
  }

  // Returns the schema version recorded in the database.
  Result<int> SchemaVersion();

  // Returns a connection to the pool; called by units of work. Not for other callers.
  void Release(std::unique_ptr<PgConnection> connection);

 private:
  PostgresDatabase() = default;
  Result<std::unique_ptr<PgConnection>> Acquire();

  ConnectionPool<PgConnection> pool_;
};

// Applies every migration newer than the database's version, each in its own transaction,
// holding a session advisory lock. Returns the number applied.
Result<int> ApplyMigrations(PgConnection& connection,
                            const std::vector<creditd::storage::Migration>& migrations);

}  // namespace creditd::storage::postgres
