// SqliteDatabase: the embedded storage backend (DESIGN.md section 6). Implements the Database
// port over a small pool of connections to one WAL-mode file.
//
// Write units of work start with BEGIN IMMEDIATE, so SQLite serialises writers at BEGIN and
// read-then-write logic inside one unit of work never races; readers run concurrently on their
// own snapshots. With synchronous=FULL (the default) a commit is on disk before Commit()
// returns, except in kWriteDeferredSync units of work: those commit with synchronous=NORMAL (the
// WAL is written, not yet fsync'd) and SyncCommitted() then fdatasyncs the WAL file, so the
// group-commit writer can run its next batch while the previous one is being flushed. Migrations
// (storage/sqlite/migrations) are applied by Open(). Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/ports/unit_of_work.h"
#include "common/mutex.h"
#include "storage/connection_pool.h"
#include "storage/migration.h"
#include "storage/sqlite/sqlite_account_snapshots.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

// Returns the embedded migrations of the SQLite backend (generated at build time).
const std::vector<creditd::storage::Migration>& Migrations();

class SqliteDatabase final : public app::Database {
 public:
  // Opens the database at `options.path` with `pool_size` connections and applies pending
  // migrations when `migrate` is true; otherwise fails with "database_error" if the schema is
  // not current. Fails if the file was migrated by a newer creditd.
  static Result<std::unique_ptr<SqliteDatabase>> Open(const SqliteOptions& options, int pool_size,
                                                      bool migrate = true);

  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  ~SqliteDatabase() override;

  Result<std::unique_ptr<app::UnitOfWork>> Begin(app::TransactionMode mode) override;
  Status SyncCommitted() override;
  Status Ping() override;
  void Close() override;
  std::string_view backend_name() const override { return "sqlite"; }
  bool reads_local() const override { return true; }
  void WriteMetrics(metrics::TextWriter& out) const override { pool_.WriteMetrics(out, "sqlite"); }
  // Every writer of the file is in this process (one serving creditd per data directory), so
  // the newest committed account rows can be kept here.
  app::AccountSnapshots* account_snapshots() override { return &snapshots_; }
  SqliteAccountSnapshots& snapshots() { return snapshots_; }

  // Starts a thread (at a lower CPU priority) that copies the write-ahead log back into the
  // database file (a PASSIVE checkpoint) every `interval`, on a connection of its own, so the
  // writers seldom pay for a checkpoint and its fsync themselves (each connection still
  // checkpoints past 10,000 WAL pages, which bounds the log under a load no passive checkpoint
  // can catch up with). Stopped by Close(). Call once.
  Status StartCheckpointer(std::chrono::milliseconds interval);

  // Returns the schema version recorded in the file.
  Result<int> SchemaVersion();

  // Copies the whole database into `path` with SQLite's online backup API while serving.
  Status BackupTo(const std::string& path);

  // Returns a connection to the pool; called by units of work. Not for other callers.
  void Release(std::unique_ptr<SqliteConnection> connection);

 private:
  SqliteDatabase() = default;
  Result<std::unique_ptr<SqliteConnection>> Acquire();

  ConnectionPool<SqliteConnection> pool_;
  SqliteAccountSnapshots snapshots_;
  std::string path_;
  // Whether deferred-sync writes defer their fsync: with synchronous=FULL (the default). With
  // NORMAL or OFF nothing is synced per commit anyway, with EXTRA every commit syncs itself; then
  // they are plain writes and SyncCommitted() does nothing.
  bool defer_syncs_ = true;
  Mutex wal_mutex_;
  int wal_fd_ GUARDED_BY(wal_mutex_) = -1;  // The WAL file, opened by the first SyncCommitted().
  SqliteOptions options_;
  Mutex checkpointer_mutex_;
  std::condition_variable checkpointer_wake_;
  bool checkpointer_stopping_ GUARDED_BY(checkpointer_mutex_) = false;
  std::thread checkpointer_;
};

// Applies every migration newer than the file's version, each in its own transaction.
// Returns the number applied.
Result<int> ApplyMigrations(SqliteConnection& connection,
                            const std::vector<creditd::storage::Migration>& migrations);

}  // namespace creditd::storage::sqlite
