#include "storage/postgres/postgres_database.h"

#include <chrono>

#include "storage/postgres/postgres_unit_of_work.h"

namespace creditd::storage::postgres {

namespace {
constexpr auto kAcquireTimeout = std::chrono::seconds(10);
// An arbitrary constant naming creditd's migration lock among advisory locks.
constexpr const char* kLockMigrations = "SELECT pg_advisory_lock(727274001)";
constexpr const char* kUnlockMigrations = "SELECT pg_advisory_unlock(727274001)";

Result<int> ReadSchemaVersion(PgConnection& connection) {
  CREDITD_RETURN_IF_ERROR(connection.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at BIGINT NOT NULL)"));
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Run());
  return static_cast<int>(rows.Int64(0, 0));
}
}  // namespace

Result<int> ApplyMigrations(PgConnection& connection,
                            const std::vector<creditd::storage::Migration>& migrations) {
  CREDITD_RETURN_IF_ERROR(connection.Exec(kLockMigrations));
  const auto apply = [&]() -> Result<int> {
    CREDITD_ASSIGN_OR_RETURN(const int current, ReadSchemaVersion(connection));
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (current > latest) {
      return Status(reason::kDatabaseError, "the database was created by a newer creditd")
          .WithInternalDetail("schema version " + std::to_string(current) + " > " +
                              std::to_string(latest));
    }
    int applied = 0;
    for (const auto& migration : migrations) {
      if (migration.version <= current) {
        continue;
      }
      const std::string sql = "BEGIN;\n" + std::string(migration.sql) +
                              "\nINSERT INTO schema_migrations (version, name, applied_at) "
                              "VALUES (" +
                              std::to_string(migration.version) + ", '" +
                              std::string(migration.name) +
                              "', EXTRACT(EPOCH FROM now())::BIGINT);\nCOMMIT;";
      Status status = connection.Exec(sql.c_str());
      if (!status.ok()) {
        connection.Exec("ROLLBACK").IgnoreError();  // The migration's error is the one to report.
        std::string detail = "migration " + std::to_string(migration.version) + " " +
                             std::string(migration.name) + ": " + status.internal_detail();
        return std::move(status).WithInternalDetail(std::move(detail));
      }
      ++applied;
    }
    return applied;
  };
  auto applied = apply();
  connection.Exec(kUnlockMigrations).IgnoreError();  // Ends with the session anyway.
  return applied;
}

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(const std::string& dsn,
                                                                 int pool_size, bool migrate) {
  std::unique_ptr<PostgresDatabase> database(new PostgresDatabase());
  CREDITD_ASSIGN_OR_RETURN(auto first, PgConnection::Open(dsn));
  if (migrate) {
    CREDITD_RETURN_IF_ERROR(ApplyMigrations(*first, Migrations()));
  }
  CREDITD_ASSIGN_OR_RETURN(const int version, ReadSchemaVersion(*first));
  if (version != Migrations().back().version) {
    return Status(reason::kDatabaseError, "the database schema is not current; run creditd migrate")
        .WithInternalDetail("schema version " + std::to_string(version));
  }
  database->pool_.Add(std::move(first));
  for (int i = 1; i < pool_size; ++i) {
    CREDITD_ASSIGN_OR_RETURN(auto connection, PgConnection::Open(dsn));
    database->pool_.Add(std::move(connection));
  }
  return database;
}

PostgresDatabase::~PostgresDatabase() {
  Close();
}

Result<std::unique_ptr<PgConnection>> PostgresDatabase::Acquire() {
  CREDITD_ASSIGN_OR_RETURN(auto connection, pool_.Acquire(kAcquireTimeout));
  if (!connection->healthy()) {
    // A connection the server dropped (restart, failover) is re-established here once.
    connection->Reset();
  }
  return connection;
}

void PostgresDatabase::Release(std::unique_ptr<PgConnection> connection) {
  pool_.Release(std::move(connection));
}

Result<std::unique_ptr<app::UnitOfWork>> PostgresDatabase::Begin(app::TransactionMode mode) {
  CREDITD_ASSIGN_OR_RETURN(auto connection, Acquire());
  // Sent with the transaction's first statement, in the same round trip.
  connection->Defer(mode != app::TransactionMode::kRead
                        ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                        : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                    {}, false, std::nullopt);
  return std::unique_ptr<app::UnitOfWork>(
      std::make_unique<PostgresUnitOfWork>(*this, std::move(connection)));
}

Status PostgresDatabase::Ping() {
  CREDITD_ASSIGN_OR_RETURN(auto connection, Acquire());
  Status status = connection->Exec("SELECT 1");
  Release(std::move(connection));
  return status;
}

void PostgresDatabase::Close() {
  pool_.Close();
}

Result<int> PostgresDatabase::SchemaVersion() {
  CREDITD_ASSIGN_OR_RETURN(auto connection, Acquire());
  auto version = ReadSchemaVersion(*connection);
  Release(std::move(connection));
  return version;
}

}  // namespace creditd::storage::postgres
