// The storage port: a Database hands out units of work, each one database transaction that
// exposes the repositories (DESIGN.md section 6, STYLE.md B.1).
//
// A use case opens one UnitOfWork, reads and writes through its repositories and commits once.
// Destroying an uncommitted UnitOfWork rolls it back, so an early `return status;` never leaves
// a partial write. SQLite and PostgreSQL adapters implement these interfaces; app/ and domain/
// never see which one is in use.
//
// Deferred writes: a write whose only result is success (the methods that say "may be
// deferred") may be sent by the adapter later, with the unit of work's next statement or its
// Commit (PostgreSQL sends them in one pipelined round trip). Its failure is then returned by
// that later call (another repository method, Savepoint/ReleaseSavepoint, or Commit) instead of
// by the write itself; the unit of work fails as a whole either way, so nothing partial is ever
// committed. Callers must therefore not treat a later call's failure as that call's own.
//
// Thread-safety: Database is thread-safe. A UnitOfWork and its repositories belong to the thread
// that began it until it is committed or destroyed.
#pragma once

#include <memory>
#include <string_view>

#include "common/metrics.h"
#include "common/result.h"
#include "common/sleeper.h"

namespace creditd::app {

class AccountSnapshots;

class AccountRepository;
class ApiKeyRepository;
class BillingRepository;
class CatalogRepository;
class ChargeRepository;
class IdempotencyRepository;
class LedgerRepository;
class MetaRepository;
class OrderRepository;
class SessionRepository;
class SubscriptionRepository;
class TeamRepository;
class UserRepository;

// kRead takes a snapshot and may not write; kWrite takes the write lock at BEGIN (SQLite
// BEGIN IMMEDIATE) so read-then-write logic inside it cannot race another writer.
// kWriteDeferredSync is kWrite whose Commit() may return before the commit is on disk; the
// caller must call Database::SyncCommitted() before telling anyone it happened (the group-commit
// writer does, on another thread, while it runs the next batch).
enum class TransactionMode { kRead, kWrite, kWriteDeferredSync };

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;

  virtual UserRepository& users() = 0;
  virtual AccountRepository& accounts() = 0;
  virtual LedgerRepository& ledger() = 0;
  virtual SessionRepository& sessions() = 0;
  virtual CatalogRepository& catalog() = 0;
  virtual MetaRepository& meta() = 0;
  virtual IdempotencyRepository& idempotency() = 0;
  virtual OrderRepository& orders() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual ChargeRepository& charges() = 0;
  virtual SubscriptionRepository& subscriptions() = 0;
  virtual BillingRepository& billing() = 0;
  virtual TeamRepository& teams() = 0;

  // Savepoints, for group commit (storage/common/write_batcher.h): one operation's writes can be
  // undone without undoing the rest of the transaction. Not nested: Savepoint(), then exactly one
  // of ReleaseSavepoint() (keep) or RollbackToSavepoint() (undo). Return "database_error" on
  // failure.
  virtual Status Savepoint() = 0;
  virtual Status ReleaseSavepoint() = 0;
  virtual Status RollbackToSavepoint() = 0;

  // Commits the transaction; the changes are durable (fsync'd under the configured
  // synchronous mode) when this returns OK. Returns kUnavailable/"database_busy" or
  // kInternal/"database_error" on failure, after which nothing was written. Call at most once.
  virtual Status Commit() = 0;
};

class Database {
 public:
  virtual ~Database() = default;

  // Begins a transaction. Returns kUnavailable/"database_busy" if the write lock cannot be taken
  // within the busy timeout, kUnavailable/"shutting_down" after Close().
  virtual Result<std::unique_ptr<UnitOfWork>> Begin(TransactionMode mode) = 0;

  // Makes every transaction committed so far durable (the commits of kWriteDeferredSync units of
  // work included). Backends whose Commit() is always durable return OK at once. A failure means
  // durability is unknown: the caller must not acknowledge those commits. Thread-safe; may run
  // while another thread writes.
  virtual Status SyncCommitted() { return Status::Ok(); }

  // Checks that the database answers a trivial query; used by /readyz.
  virtual Status Ping() = 0;

  // Finishes outstanding work and closes every connection. Later Begin() calls fail. Idempotent.
  virtual void Close() = 0;

  // "sqlite" or "postgres", for logs and health output.
  virtual std::string_view backend_name() const = 0;

  // True when a short read is served in this process, in microseconds and without a network
  // round trip (the embedded SQLite file), so a request that needs only such reads may make
  // them on the HTTP I/O thread (http::Router::AddRead). False for a database server.
  virtual bool reads_local() const { return false; }

  // The newest committed account rows kept in memory, when every writer of the database is in
  // this process (the embedded SQLite file); nullptr for a database server, which other
  // processes write. Owned by the database. Thread-safe.
  virtual AccountSnapshots* account_snapshots() { return nullptr; }

  // Writes the backend's metrics (its connection pool) for /metrics. Thread-safe.
  virtual void WriteMetrics(metrics::TextWriter& /*out*/) const {}

  // What InTransaction's retries wait through: the system's unless a test injects its own
  // (set before any transaction runs; `sleeper` must outlive the database).
  Sleeper& retry_sleeper() const { return *retry_sleeper_; }
  void set_retry_sleeper(Sleeper& sleeper) { retry_sleeper_ = &sleeper; }

 private:
  Sleeper* retry_sleeper_ = &SystemSleeper::Instance();
};

}  // namespace creditd::app
