#include "storage/postgres/postgres_unit_of_work.h"

#include "storage/postgres/postgres_account_repository.h"
#include "storage/postgres/postgres_api_key_repository.h"
#include "storage/postgres/postgres_billing_repository.h"
#include "storage/postgres/postgres_catalog_repository.h"
#include "storage/postgres/postgres_charge_repository.h"
#include "storage/postgres/postgres_database.h"
#include "storage/postgres/postgres_idempotency_repository.h"
#include "storage/postgres/postgres_ledger_repository.h"
#include "storage/postgres/postgres_meta_repository.h"
#include "storage/postgres/postgres_order_repository.h"
#include "storage/postgres/postgres_session_repository.h"
#include "storage/postgres/postgres_subscription_repository.h"
#include "storage/postgres/postgres_team_repository.h"
#include "storage/postgres/postgres_user_repository.h"

namespace creditd::storage::postgres {

// One adapter per repository port, all over this unit of work's connection.
struct PostgresUnitOfWork::Repositories {
  explicit Repositories(PgConnection& connection)
      : users(connection),
        accounts(connection),
        ledger(connection),
        sessions(connection),
        catalog(connection),
        meta(connection),
        idempotency(connection),
        orders(connection),
        api_keys(connection),
        charges(connection),
        subscriptions(connection),
        billing(connection),
        teams(connection) {}
  PostgresUserRepository users;
  PostgresAccountRepository accounts;
  PostgresLedgerRepository ledger;
  PostgresSessionRepository sessions;
  PostgresCatalogRepository catalog;
  PostgresMetaRepository meta;
  PostgresIdempotencyRepository idempotency;
  PostgresOrderRepository orders;
  PostgresApiKeyRepository api_keys;
  PostgresChargeRepository charges;
  PostgresSubscriptionRepository subscriptions;
  PostgresBillingRepository billing;
  PostgresTeamRepository teams;
};

PostgresUnitOfWork::PostgresUnitOfWork(PostgresDatabase& database,
                                       std::unique_ptr<PgConnection> connection)
    : database_(database),
      connection_(std::move(connection)),
      repositories_(std::make_unique<Repositories>(*connection_)) {}

app::UserRepository& PostgresUnitOfWork::users() {
  return repositories_->users;
}
app::AccountRepository& PostgresUnitOfWork::accounts() {
  return repositories_->accounts;
}
app::LedgerRepository& PostgresUnitOfWork::ledger() {
  return repositories_->ledger;
}
app::SessionRepository& PostgresUnitOfWork::sessions() {
  return repositories_->sessions;
}
app::CatalogRepository& PostgresUnitOfWork::catalog() {
  return repositories_->catalog;
}
app::MetaRepository& PostgresUnitOfWork::meta() {
  return repositories_->meta;
}
app::IdempotencyRepository& PostgresUnitOfWork::idempotency() {
  return repositories_->idempotency;
}
app::OrderRepository& PostgresUnitOfWork::orders() {
  return repositories_->orders;
}
app::ApiKeyRepository& PostgresUnitOfWork::api_keys() {
  return repositories_->api_keys;
}

PostgresUnitOfWork::~PostgresUnitOfWork() {
  repositories_.reset();  // They refer to the connection, which goes back to the pool below.
  if (!finished_) {
    connection_->DiscardDeferred();  // Including a BEGIN never sent: then nothing to roll back.
    if (connection_->InTransaction()) {
      connection_->Exec("ROLLBACK").IgnoreError();  // Nothing to report: the work failed already.
    }
  }
  database_.Release(std::move(connection_));
}

app::ChargeRepository& PostgresUnitOfWork::charges() {
  return repositories_->charges;
}
app::SubscriptionRepository& PostgresUnitOfWork::subscriptions() {
  return repositories_->subscriptions;
}
app::BillingRepository& PostgresUnitOfWork::billing() {
  return repositories_->billing;
}
app::TeamRepository& PostgresUnitOfWork::teams() {
  return repositories_->teams;
}

Status PostgresUnitOfWork::Savepoint() {
  return connection_->Exec("SAVEPOINT operation");
}
Status PostgresUnitOfWork::ReleaseSavepoint() {
  return connection_->Exec("RELEASE SAVEPOINT operation");
}
Status PostgresUnitOfWork::RollbackToSavepoint() {
  // Savepoint() sent everything deferred before it, so what is deferred now is the failed
  // operation's own and is dropped unsent. Also recovers a transaction that an error inside the
  // operation had aborted.
  connection_->DiscardDeferred();
  return connection_->Exec("ROLLBACK TO SAVEPOINT operation; RELEASE SAVEPOINT operation");
}

Status PostgresUnitOfWork::Commit() {
  CREDITD_CHECK(!finished_);
  // The deferred writes and the COMMIT go in one round trip.
  Status status = connection_->Finish("COMMIT");
  if (!status.ok() && connection_->InTransaction()) {
    // A deferred statement failed, so the COMMIT never ran: the transaction is still open.
    connection_->Exec("ROLLBACK").IgnoreError();
  }
  // After a failed COMMIT the transaction is over either way; the destructor must not roll back.
  finished_ = true;
  return status;
}

}  // namespace creditd::storage::postgres
