#include "storage/sqlite/sqlite_connection.h"

#include <utility>

#include "common/check.h"

namespace creditd::storage::sqlite {

Status SqliteStatus(int code, std::string_view what, std::string_view message) {
  const int primary = code & 0xFF;
  std::string detail =
      std::string(what) + ": " + std::string(message) + " (sqlite " + std::to_string(code) + ")";
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Status(reason::kDatabaseBusy, "the database is busy; retry shortly")
        .WithRetryAfter(1)
        .WithInternalDetail(std::move(detail));
  }
  return Status(reason::kDatabaseError, "a storage error occurred")
      .WithInternalDetail(std::move(detail));
}

Statement::~Statement() {
  if (statement_ != nullptr) {
    // Resetting releases the statement's read snapshot and lets the cache hand it out again.
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  CREDITD_CHECK(sqlite3_bind_int64(statement_, index, value) == SQLITE_OK);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view value) {
  CREDITD_CHECK(sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                    SQLITE_UTF8) == SQLITE_OK);
  return *this;
}

Statement& Statement::Bind(int index, const std::optional<int64_t>& value) {
  return value ? Bind(index, *value) : BindNull(index);
}

Statement& Statement::BindNull(int index) {
  CREDITD_CHECK(sqlite3_bind_null(statement_, index) == SQLITE_OK);
  return *this;
}

void Statement::Reset() {
  sqlite3_reset(statement_);
}

Result<StepResult> Statement::Step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) {
    return StepResult::kRow;
  }
  if (code == SQLITE_DONE) {
    return StepResult::kDone;
  }
  const int extended = sqlite3_extended_errcode(sqlite3_db_handle(statement_));
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return StepResult::kUniqueViolation;
  }
  return SqliteStatus(extended, sqlite3_sql(statement_),
                      sqlite3_errmsg(sqlite3_db_handle(statement_)));
}

Status Statement::Run() {
  CREDITD_ASSIGN_OR_RETURN(const StepResult result, Step());
  if (result == StepResult::kUniqueViolation) {
    return Status(reason::kDatabaseError, "a storage error occurred")
        .WithInternalDetail(std::string("unexpected unique violation: ") + sqlite3_sql(statement_));
  }
  return Status::Ok();
}

int64_t Statement::Int64(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::optional<int64_t> Statement::OptionalInt64(int column) const {
  if (IsNull(column)) {
    return std::nullopt;
  }
  return Int64(column);
}

std::string Statement::Text(int column) const {
  const auto* text = sqlite3_column_text(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  if (text == nullptr) {
    return {};
  }
  return {reinterpret_cast<const char*>(text), static_cast<size_t>(size)};
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const SqliteOptions& options) {
  // SQLite's allocation statistics take a global mutex on every allocation, which every
  // connection's thread would contend for; nothing reads them. Must precede the first open (a
  // later call is refused, harmlessly).
  static const bool kConfigured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)kConfigured;
  sqlite3* db = nullptr;
  const int code =
      sqlite3_open_v2(options.path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (code != SQLITE_OK) {
    Status status = SqliteStatus(code, "open " + options.path,
                                 db != nullptr ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return status;
  }
  // A larger lookaside pool (per connection, lock-free) keeps most of SQLite's small
  // allocations out of malloc: 2,000 slots of 256 bytes instead of 123 of 1,200.
  sqlite3_db_config(db, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 256, 2000);
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db));
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  // Reads go through a memory map of the file (no copy into each connection's page cache), each
  // connection keeps up to 16 MiB of pages (the charge writer touches random accounts of a
  // database much larger than SQLite's 2 MiB default cache). Every connection maps the file on
  // its own and the process's resident size counts each mapping's pages, though they are the
  // kernel's one page cache of the file (charged to a container either way): with 1 GiB creditd
  // showed 705 MiB resident, 41 MiB of it its own memory, on a database of 100,000 accounts and
  // 10 million entries; a 128 MiB map showed 210 MiB but charged 13% slower on it (0.73x the
  // 1M-entry database against 0.83x), so the map stays at 1 GiB. And a committing connection
  // checkpoints only past 10,000 WAL pages: the server's checkpointer thread normally does it
  // (SqliteDatabase::StartCheckpointer), off the writers' path.
  const std::string pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=" + options.synchronous +
                              "; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                              " PRAGMA mmap_size=1073741824; PRAGMA cache_size=-16384;"
                              " PRAGMA wal_autocheckpoint=10000;";
  CREDITD_RETURN_IF_ERROR(connection->Exec(pragmas.c_str()));
  return connection;
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, statement] : statements_) {
    sqlite3_finalize(statement);
  }
  sqlite3_close(db_);
}

Status SqliteConnection::Exec(const char* sql) {
  char* message = nullptr;
  const int code = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
  if (code != SQLITE_OK) {
    Status status = SqliteStatus(sqlite3_extended_errcode(db_), sql,
                                 message != nullptr ? message : sqlite3_errmsg(db_));
    sqlite3_free(message);
    return status;
  }
  return Status::Ok();
}

Result<Statement> SqliteConnection::Prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* statement = nullptr;
    const int code =
        sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
    if (code != SQLITE_OK) {
      return SqliteStatus(code, sql, sqlite3_errmsg(db_));
    }
    it = statements_.emplace(sql, statement).first;
  }
  return Statement(it->second);
}

int64_t SqliteConnection::LastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}

int SqliteConnection::Changes() const {
  return sqlite3_changes(db_);
}

Status SqliteConnection::Error(std::string_view what) const {
  return SqliteStatus(sqlite3_extended_errcode(db_), what, sqlite3_errmsg(db_));
}

Status RunOne(SqliteConnection& db, Statement& statement, const Status& missing) {
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db.Changes() == 1 ? Status::Ok() : missing;
}

}  // namespace creditd::storage::sqlite
