#include "storage/sqlite/sqlite_unit_of_work.h"

#include "common/status_macros.h"
#include "storage/sqlite/sqlite_account_repository.h"
#include "storage/sqlite/sqlite_account_snapshots.h"
#include "storage/sqlite/sqlite_api_key_repository.h"
#include "storage/sqlite/sqlite_billing_repository.h"
#include "storage/sqlite/sqlite_catalog_repository.h"
#include "storage/sqlite/sqlite_charge_repository.h"
#include "storage/sqlite/sqlite_database.h"
#include "storage/sqlite/sqlite_idempotency_repository.h"
#include "storage/sqlite/sqlite_ledger_repository.h"
#include "storage/sqlite/sqlite_meta_repository.h"
#include "storage/sqlite/sqlite_order_repository.h"
#include "storage/sqlite/sqlite_session_repository.h"
#include "storage/sqlite/sqlite_subscription_repository.h"
#include "storage/sqlite/sqlite_team_repository.h"
#include "storage/sqlite/sqlite_user_repository.h"

namespace creditd::storage::sqlite {

// One adapter per repository port, all over this unit of work's connection.
struct SqliteUnitOfWork::Repositories {
  Repositories(SqliteConnection& connection, AccountWriteLog& writes)
      : users(connection, writes),
        accounts(connection, writes),
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
  SqliteUserRepository users;
  SqliteAccountRepository accounts;
  SqliteLedgerRepository ledger;
  SqliteSessionRepository sessions;
  SqliteCatalogRepository catalog;
  SqliteMetaRepository meta;
  SqliteIdempotencyRepository idempotency;
  SqliteOrderRepository orders;
  SqliteApiKeyRepository api_keys;
  SqliteChargeRepository charges;
  SqliteSubscriptionRepository subscriptions;
  SqliteBillingRepository billing;
  SqliteTeamRepository teams;
};

SqliteUnitOfWork::SqliteUnitOfWork(SqliteDatabase& database,
                                   std::unique_ptr<SqliteConnection> connection,
                                   bool restore_full_sync)
    : database_(database),
      connection_(std::move(connection)),
      writes_(database.snapshots()),
      repositories_(std::make_unique<Repositories>(*connection_, writes_)),
      restore_full_sync_(restore_full_sync) {}

app::UserRepository& SqliteUnitOfWork::users() {
  return repositories_->users;
}
app::AccountRepository& SqliteUnitOfWork::accounts() {
  return repositories_->accounts;
}
app::LedgerRepository& SqliteUnitOfWork::ledger() {
  return repositories_->ledger;
}
app::SessionRepository& SqliteUnitOfWork::sessions() {
  return repositories_->sessions;
}
app::CatalogRepository& SqliteUnitOfWork::catalog() {
  return repositories_->catalog;
}
app::MetaRepository& SqliteUnitOfWork::meta() {
  return repositories_->meta;
}
app::IdempotencyRepository& SqliteUnitOfWork::idempotency() {
  return repositories_->idempotency;
}
app::OrderRepository& SqliteUnitOfWork::orders() {
  return repositories_->orders;
}
app::ApiKeyRepository& SqliteUnitOfWork::api_keys() {
  return repositories_->api_keys;
}

app::ChargeRepository& SqliteUnitOfWork::charges() {
  return repositories_->charges;
}
app::SubscriptionRepository& SqliteUnitOfWork::subscriptions() {
  return repositories_->subscriptions;
}
app::BillingRepository& SqliteUnitOfWork::billing() {
  return repositories_->billing;
}
app::TeamRepository& SqliteUnitOfWork::teams() {
  return repositories_->teams;
}

// Savepoints run once per batched operation, so they use cached prepared statements rather than
// compiling the SQL text each time.
namespace {
Status RunCached(SqliteConnection& connection, const char* sql) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(sql));
  return statement.Run();
}
}  // namespace

Status SqliteUnitOfWork::Savepoint() {
  return RunCached(*connection_, "SAVEPOINT operation");
}
Status SqliteUnitOfWork::ReleaseSavepoint() {
  return RunCached(*connection_, "RELEASE SAVEPOINT operation");
}
Status SqliteUnitOfWork::RollbackToSavepoint() {
  CREDITD_RETURN_IF_ERROR(RunCached(*connection_, "ROLLBACK TO SAVEPOINT operation"));
  return RunCached(*connection_, "RELEASE SAVEPOINT operation");
}

SqliteUnitOfWork::~SqliteUnitOfWork() {
  repositories_.reset();  // They refer to the connection, which goes back to the pool below.
  if (!finished_) {
    connection_->Exec("ROLLBACK").IgnoreError();  // Nothing to report: the work failed already.
  }
  if (restore_full_sync_) {
    // The pooled connection's next user expects durable commits.
    connection_->Exec("PRAGMA synchronous=FULL").IgnoreError();
  }
  database_.Release(std::move(connection_));
}

Status SqliteUnitOfWork::Commit() {
  CREDITD_CHECK(!finished_);
  if (writes_.empty()) {
    Status status = connection_->Exec("COMMIT");
    finished_ = status.ok();
    return status;
  }
  // The rows as this transaction leaves them, read before COMMIT (the pages are hot), published
  // only once it succeeded. Savepoints rolled back are already undone in what is read here.
  const std::vector<int64_t> changed = writes_.Accounts();
  std::vector<domain::Account> rows;
  rows.reserve(changed.size());
  bool all_read = true;
  for (const int64_t account_id : changed) {
    Result<domain::Account> row = repositories_->accounts.Get(account_id);
    if (!row.ok()) {
      all_read = false;  // Then the entries are dropped instead: a miss reads the database.
      break;
    }
    rows.push_back(std::move(*row));
  }
  Status status = connection_->Exec("COMMIT");
  finished_ = status.ok();
  SqliteAccountSnapshots& snapshots = database_.snapshots();
  if (status.ok() && all_read) {
    snapshots.Publish(rows, writes_.users(), writes_.sequence());
  } else {
    snapshots.Forget(changed, writes_.users());
  }
  return status;
}

}  // namespace creditd::storage::sqlite
