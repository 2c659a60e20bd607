// PostgresUnitOfWork: one PostgreSQL transaction on a pooled connection, handing out the
// repository adapters (postgres_*_repository.h) over it. Rolls back on destruction unless
// committed, then returns the connection to the pool. Used by one thread at a time (see
// app/ports/unit_of_work.h).
#pragma once

#include <memory>

#include "app/ports/unit_of_work.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresDatabase;

class PostgresUnitOfWork final : public app::UnitOfWork {
 public:
  PostgresUnitOfWork(PostgresDatabase& database, std::unique_ptr<PgConnection> connection);
  PostgresUnitOfWork(const PostgresUnitOfWork&) = delete;
  PostgresUnitOfWork& operator=(const PostgresUnitOfWork&) = delete;
  ~PostgresUnitOfWork() override;

  app::UserRepository& users() override;
  app::AccountRepository& accounts() override;
  app::LedgerRepository& ledger() override;
  app::SessionRepository& sessions() override;
  app::CatalogRepository& catalog() override;
  app::MetaRepository& meta() override;
  app::IdempotencyRepository& idempotency() override;
  app::OrderRepository& orders() override;
  app::ApiKeyRepository& api_keys() override;
  app::ChargeRepository& charges() override;
  app::SubscriptionRepository& subscriptions() override;
  app::BillingRepository& billing() override;
  app::TeamRepository& teams() override;
  Status Savepoint() override;
  Status ReleaseSavepoint() override;
  Status RollbackToSavepoint() override;
  Status Commit() override;

 private:
  struct Repositories;  // The repository adapters, defined in the .cc file.

  PostgresDatabase& database_;
  std::unique_ptr<PgConnection> connection_;
  std::unique_ptr<Repositories> repositories_;
  bool finished_ = false;
};

}  // namespace creditd::storage::postgres
