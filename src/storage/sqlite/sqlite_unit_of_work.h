// SqliteUnitOfWork: one SQLite transaction on a pooled connection, handing out the repository
// adapters (sqlite_*_repository.h) over it. Rolls back on destruction unless committed, then
// returns the connection to the pool. Used by one thread at a time (see app/ports/unit_of_work.h).
#pragma once

#include <memory>

#include "app/ports/unit_of_work.h"
#include "storage/sqlite/sqlite_account_snapshots.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteDatabase;

class SqliteUnitOfWork final : public app::UnitOfWork {
 public:
  // `restore_full_sync`: the connection began with synchronous=NORMAL (a deferred-sync write)
  // and goes back to FULL before it returns to the pool.
  SqliteUnitOfWork(SqliteDatabase& database, std::unique_ptr<SqliteConnection> connection,
                   bool restore_full_sync);
  SqliteUnitOfWork(const SqliteUnitOfWork&) = delete;
  SqliteUnitOfWork& operator=(const SqliteUnitOfWork&) = delete;
  ~SqliteUnitOfWork() override;

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
  // After a successful COMMIT, publishes the accounts this transaction changed to the
  // database's SqliteAccountSnapshots (or drops them there when it failed).
  Status Commit() override;

 private:
  struct Repositories;  // The repository adapters, defined in the .cc file.

  SqliteDatabase& database_;
  std::unique_ptr<SqliteConnection> connection_;
  AccountWriteLog writes_;  // Before repositories_, which refer to it.
  std::unique_ptr<Repositories> repositories_;
  bool finished_ = false;
  bool restore_full_sync_ = false;
};

}  // namespace creditd::storage::sqlite
