#include "storage/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <system_error>

#include <sys/resource.h>
#include <sys/stat.h>

#include "storage/migration.h"
#include "storage/sqlite/sqlite_unit_of_work.h"

namespace creditd::storage::sqlite {

namespace {
// How long Begin() waits for a free pooled connection before answering "database_busy".
constexpr auto kAcquireTimeout = std::chrono::seconds(10);

Result<int> ReadSchemaVersion(SqliteConnection& connection) {
  CREDITD_RETURN_IF_ERROR(connection.Exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT "
      "NULL, applied_at INTEGER NOT NULL)"));
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      connection.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return connection.Error("read schema version");
  }
  return static_cast<int>(statement.Int64(0));
}
}  // namespace

Result<int> ApplyMigrations(SqliteConnection& connection,
                            const std::vector<creditd::storage::Migration>& migrations) {
  CREDITD_RETURN_IF_ERROR(connection.Exec("BEGIN IMMEDIATE"));
  auto current = ReadSchemaVersion(connection);
  CREDITD_RETURN_IF_ERROR(connection.Exec(current.ok() ? "COMMIT" : "ROLLBACK"));
  CREDITD_RETURN_IF_ERROR(current);
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (*current > latest) {
    return Status(reason::kDatabaseError, "the database was created by a newer creditd")
        .WithInternalDetail("schema version " + std::to_string(*current) + " > " +
                            std::to_string(latest));
  }
  int applied = 0;
  for (const auto& migration : migrations) {
    // BEGIN IMMEDIATE then re-check: two processes starting together apply each step once.
    CREDITD_RETURN_IF_ERROR(connection.Exec("BEGIN IMMEDIATE"));
    auto version = ReadSchemaVersion(connection);
    if (!version.ok() || *version >= migration.version) {
      CREDITD_RETURN_IF_ERROR(connection.Exec("ROLLBACK"));
      CREDITD_RETURN_IF_ERROR(version);
      continue;
    }
    const std::string sql(migration.sql);
    Status status = connection.Exec(sql.c_str());
    if (status.ok()) {
      auto record = connection.Prepare(
          "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, "
          "CAST(strftime('%s','now') AS INTEGER))");
      if (record.ok()) {
        status = record->Bind(1, int64_t{migration.version}).Bind(2, migration.name).Run();
      } else {
        status = record.status();
      }
    }
    if (!status.ok()) {
      connection.Exec("ROLLBACK").IgnoreError();  // The migration's own error is the one to report.
      std::string detail = "migration " + std::to_string(migration.version) + " " +
                           std::string(migration.name) + ": " + status.internal_detail();
      return std::move(status).WithInternalDetail(std::move(detail));
    }
    CREDITD_RETURN_IF_ERROR(connection.Exec("COMMIT"));
    ++applied;
  }
  return applied;
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const SqliteOptions& options,
                                                             int pool_size, bool migrate) {
  std::unique_ptr<SqliteDatabase> database(new SqliteDatabase());
  database->path_ = options.path;
  database->defer_syncs_ = options.synchronous == "FULL";
  database->options_ = options;
  CREDITD_ASSIGN_OR_RETURN(auto first, SqliteConnection::Open(options));
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
    CREDITD_ASSIGN_OR_RETURN(auto connection, SqliteConnection::Open(options));
    database->pool_.Add(std::move(connection));
  }
  return database;
}

SqliteDatabase::~SqliteDatabase() {
  Close();
  if (wal_fd_ >= 0) {
    ::close(wal_fd_);
  }
}

Result<std::unique_ptr<SqliteConnection>> SqliteDatabase::Acquire() {
  return pool_.Acquire(kAcquireTimeout);
}

void SqliteDatabase::Release(std::unique_ptr<SqliteConnection> connection) {
  // Closing the last connection (after Close()) checkpoints the WAL.
  pool_.Release(std::move(connection));
}

Result<std::unique_ptr<app::UnitOfWork>> SqliteDatabase::Begin(app::TransactionMode mode) {
  CREDITD_ASSIGN_OR_RETURN(auto connection, Acquire());
  const bool deferred_sync = mode == app::TransactionMode::kWriteDeferredSync && defer_syncs_;
  const Status begun = connection->Exec(deferred_sync ? "PRAGMA synchronous=NORMAL; BEGIN IMMEDIATE"
                                        : mode == app::TransactionMode::kRead ? "BEGIN"
                                                                              : "BEGIN IMMEDIATE");
  if (!begun.ok()) {
    if (deferred_sync) {
      connection->Exec("PRAGMA synchronous=FULL").IgnoreError();
    }
    Release(std::move(connection));
    return begun;
  }
  return std::unique_ptr<app::UnitOfWork>(
      std::make_unique<SqliteUnitOfWork>(*this, std::move(connection), deferred_sync));
}

Status SqliteDatabase::SyncCommitted() {
  if (!defer_syncs_) {
    return Status::Ok();
  }
  const MutexLock lock(wal_mutex_);
  // SQLite keeps the WAL file (same inode) while any connection is open; should it ever have
  // been replaced, the descriptor is reopened so the sync reaches the file SQLite writes.
  const std::string wal_path = path_ + "-wal";
  struct stat current {};
  if (::stat(wal_path.c_str(), &current) != 0) {
    return Status(reason::kDatabaseError, "cannot sync the write-ahead log")
        .WithInternalDetail(wal_path + ": " + std::generic_category().message(errno));
  }
  struct stat open_file {};
  if (wal_fd_ >= 0 && (::fstat(wal_fd_, &open_file) != 0 || open_file.st_ino != current.st_ino ||
                       open_file.st_dev != current.st_dev)) {
    ::close(wal_fd_);
    wal_fd_ = -1;
  }
  if (wal_fd_ < 0) {
    wal_fd_ = ::open(wal_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (wal_fd_ < 0) {
      return Status(reason::kDatabaseError, "cannot sync the write-ahead log")
          .WithInternalDetail(wal_path + ": " + std::generic_category().message(errno));
    }
  }
  if (::fdatasync(wal_fd_) != 0) {
    return Status(reason::kDatabaseError, "cannot sync the write-ahead log")
        .WithInternalDetail(wal_path + ": fdatasync: " + std::generic_category().message(errno));
  }
  return Status::Ok();
}

Status SqliteDatabase::Ping() {
  CREDITD_ASSIGN_OR_RETURN(auto connection, Acquire());
  Status status = connection->Exec("SELECT 1");
  Release(std::move(connection));
  return status;
}

Status SqliteDatabase::StartCheckpointer(std::chrono::milliseconds interval) {
  CREDITD_ASSIGN_OR_RETURN(std::shared_ptr<SqliteConnection> connection,
                           SqliteConnection::Open(options_));
  checkpointer_ = std::thread([this, connection, interval] {
    // Background work: the writers come first for the CPU.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), 10);
    MutexLock lock(checkpointer_mutex_);
    for (;;) {
      const auto due = std::chrono::steady_clock::now() + interval;
      while (!checkpointer_stopping_ && std::chrono::steady_clock::now() < due) {
        lock.WaitUntil(checkpointer_wake_, due);
      }
      if (checkpointer_stopping_) {
        return;
      }
      lock.Unlock();
      // PASSIVE never waits for readers or the writer; whatever it cannot copy now waits for the
      // next round. A failure (disk full, I/O error) shows up in the writers' own statements.
      connection->Exec("PRAGMA wal_checkpoint(PASSIVE)").IgnoreError();
      lock.Lock();
    }
  });
  return Status::Ok();
}

void SqliteDatabase::Close() {
  {
    const MutexLock lock(checkpointer_mutex_);
    checkpointer_stopping_ = true;
  }
  checkpointer_wake_.notify_all();
  if (checkpointer_.joinable() && checkpointer_.get_id() != std::this_thread::get_id()) {
    checkpointer_.join();
  }
  pool_.Close();
}

Result<int> SqliteDatabase::SchemaVersion() {
  CREDITD_ASSIGN_OR_RETURN(auto connection, Acquire());
  auto version = ReadSchemaVersion(*connection);
  Release(std::move(connection));
  return version;
}

Status SqliteDatabase::BackupTo(const std::string& path) {
  sqlite3* destination = nullptr;
  if (sqlite3_open_v2(path.c_str(), &destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    Status status = SqliteStatus(sqlite3_errcode(destination), "open backup " + path,
                                 sqlite3_errmsg(destination));
    sqlite3_close(destination);
    return status;
  }
  sqlite3* source = nullptr;
  sqlite3_open_v2(path_.c_str(), &source, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_backup* backup = sqlite3_backup_init(destination, "main", source, "main");
  int code = SQLITE_OK;
  if (backup != nullptr) {
    // Copy in steps so writers are only briefly excluded; a busy source is retried.
    do {
      code = sqlite3_backup_step(backup, 256);
      if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
        sqlite3_sleep(20);
      }
    } while (code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
  }
  Status status = (backup != nullptr && code == SQLITE_DONE)
                      ? Status::Ok()
                      : SqliteStatus(sqlite3_errcode(destination), "backup to " + path,
                                     sqlite3_errmsg(destination));
  sqlite3_close(source);
  sqlite3_close(destination);
  return status;
}

}  // namespace creditd::storage::sqlite
