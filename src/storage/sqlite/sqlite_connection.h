// SqliteConnection: one sqlite3 handle with its cache of prepared statements, and Statement,
// a lease on a cached statement that resets it when it goes out of scope.
//
// SQLite errors become Status here (STYLE.md B.3): SQLITE_BUSY/LOCKED -> kUnavailable/
// "database_busy", anything else -> kInternal/"database_error" with sqlite's message as
// internal detail. A unique-constraint violation is reported as StepResult::kUniqueViolation so
// repositories can name the conflict ("email_taken").
//
// Thread-safety: a connection (and its statements) is used by one thread at a time; the pool in
// SqliteDatabase enforces that.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "common/status_macros.h"
#include "storage/common/row_reader.h"

namespace creditd::storage::sqlite {

enum class StepResult { kRow, kDone, kUniqueViolation };

class Statement {
 public:
  explicit Statement(sqlite3_stmt* statement) : statement_(statement) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement(Statement&& other) noexcept : statement_(std::exchange(other.statement_, nullptr)) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Binds parameter `index` (1-based). Text is copied by SQLite.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view value);
  Statement& Bind(int index, const std::optional<int64_t>& value);
  Statement& BindNull(int index);

  // Rewinds the statement so it can run again with new bindings.
  void Reset();

  // Advances the statement.
  Result<StepResult> Step();
  // Steps a statement expected to produce no rows (INSERT/UPDATE/DELETE).
  Status Run();

  int64_t Int64(int column) const;
  std::optional<int64_t> OptionalInt64(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  sqlite3_stmt* statement_;
};

struct SqliteOptions {
  std::string path;
  std::string synchronous = "FULL";  // FULL (default: fsync before every answer), NORMAL, OFF.
  int busy_timeout_ms = 5000;
};

class SqliteConnection {
 public:
  // Opens (creating if needed) the database and applies the connection pragmas: WAL,
  // synchronous, busy timeout, foreign keys. Returns kInternal/"database_error" on failure.
  static Result<std::unique_ptr<SqliteConnection>> Open(const SqliteOptions& options);

  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection();

  // Runs one or more statements without results.
  Status Exec(const char* sql);

  // Returns the cached prepared statement for `sql` (prepared on first use). `sql` must outlive
  // the connection; callers pass string literals.
  Result<Statement> Prepare(const char* sql);

  int64_t LastInsertRowId() const;
  int Changes() const;

  // Converts the connection's last error into a Status describing `what`.
  Status Error(std::string_view what) const;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;  // Keyed by the literal's address.
};

// Steps `statement` to its end, calling `row(statement)` for each result row; stops at the first
// non-OK Status that `row` or stepping returns.
template <typename RowFn>
Status ForEachRow(Statement& statement, RowFn&& row) {
  for (;;) {
    CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
    if (step != StepResult::kRow) {
      return Status::Ok();
    }
    CREDITD_RETURN_IF_ERROR(row(static_cast<const Statement&>(statement)));
  }
}

// Appends parameters in placeholder order from `first` on: the ParamWriter (storage/common/
// row_reader.h) through which the shared parameter lists bind a statement.
class ParamBinder {
 public:
  explicit ParamBinder(Statement& statement, int first = 1) : statement_(statement), next_(first) {}
  ParamBinder& Bind(int64_t value) {
    statement_.Bind(next_++, value);
    return *this;
  }
  ParamBinder& Bind(std::string_view value) {
    statement_.Bind(next_++, value);
    return *this;
  }
  ParamBinder& Bind(const std::optional<int64_t>& value) {
    statement_.Bind(next_++, value);
    return *this;
  }

 private:
  Statement& statement_;
  int next_;
};

// Steps `statement` to its end and returns every row through `map` (a shared mapper returning
// Result<T>); the first error stops it.
template <typename Map>
auto CollectRows(Statement& statement, Map map) -> Result<std::vector<MappedType<Map, Statement>>> {
  std::vector<MappedType<Map, Statement>> items;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    CREDITD_ASSIGN_OR_RETURN(auto item, map(row));
    items.push_back(std::move(item));
    return Status::Ok();
  }));
  return items;
}

// Steps `statement` once and returns its row through `map`, or nullopt when there is none.
template <typename Map>
auto FirstRow(Statement& statement, Map map) -> Result<std::optional<MappedType<Map, Statement>>> {
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<MappedType<Map, Statement>>();
  }
  CREDITD_ASSIGN_OR_RETURN(auto item, map(static_cast<const Statement&>(statement)));
  return std::optional<MappedType<Map, Statement>>(std::move(item));
}

// As FirstRow, but no row is `missing`.
template <typename Map>
auto OneRow(Statement& statement, Map map, const Status& missing)
    -> Result<MappedType<Map, Statement>> {
  CREDITD_ASSIGN_OR_RETURN(auto row, FirstRow(statement, map));
  if (!row) {
    return missing;
  }
  return std::move(*row);
}

// Runs a statement that must change exactly one row; zero rows means `missing`.
Status RunOne(SqliteConnection& db, Statement& statement, const Status& missing);

// Maps a SQLite result code and message to a Status.
Status SqliteStatus(int code, std::string_view what, std::string_view message);

}  // namespace creditd::storage::sqlite
