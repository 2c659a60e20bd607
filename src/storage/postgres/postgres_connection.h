// PgConnection: one libpq connection with its prepared statements, and PgQuery/PgRows, the
// small typed layer the repositories use. Parameters and results use the text format.
//
// Round trips: a statement whose rows the caller does not need (a transaction's BEGIN, an
// UPDATE of a locked row, an INSERT whose id nobody reads) can be deferred: it is sent in one
// libpq pipeline with the next statement that is run, or with the transaction's COMMIT, so a
// ledger write costs about one round trip per result it needs instead of one per statement
// (issue 15 point 3). A deferred statement's failure is reported by that later call; the
// transaction fails as a whole either way.
//
// libpq errors become Status here (STYLE.md B.3): serialization failures and deadlocks
// (SQLSTATE 40001, 40P01) -> kUnavailable/"database_conflict", which InTransaction retries;
// a lost or refused connection -> kUnavailable/"database_busy"; anything else ->
// kInternal/"database_error" with the server's message as internal detail. Unique violations
// (23505) are reported to the caller separately so repositories can name the conflict.
//
// Thread-safety: a connection is used by one thread at a time (PostgresDatabase's pool).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <libpq-fe.h>

#include "common/clock.h"
#include "common/result.h"
#include "common/status_macros.h"
#include "storage/common/row_reader.h"

namespace creditd::storage::postgres {

class PgRows;

// One row of a result, read by column: the RowReader (storage/common/row_reader.h) the shared
// mappers read. Valid while its PgRows lives.
class PgRow {
 public:
  PgRow(const PgRows& rows, int row) : rows_(&rows), row_(row) {}
  int64_t Int64(int column) const;
  std::optional<int64_t> OptionalInt64(int column) const;
  std::string Text(int column) const;
  bool IsNull(int column) const;

 private:
  const PgRows* rows_;
  int row_;
};

// The rows of one result; owns the PGresult.
class PgRows {
 public:
  explicit PgRows(PGresult* result) : result_(result, &PQclear) {}

  int size() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  int64_t Int64(int row, int column) const;
  std::optional<int64_t> OptionalInt64(int row, int column) const;
  std::string Text(int row, int column) const;
  PgRow row(int index) const { return {*this, index}; }
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t affected() const;
  // The command tag ("COMMIT", "ROLLBACK", "INSERT 0 1", ...).
  std::string_view command() const { return PQcmdStatus(result_.get()); }

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> result_;
};

class PgConnection {
 public:
  // Connects to `dsn` (a postgres:// URL or key=value string). Returns kUnavailable/
  // "database_busy" if the server cannot be reached.
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& dsn);

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // Runs one or more statements without parameters (simple query protocol), after sending
  // whatever is deferred (whose first failure it then returns, running nothing).
  Status Exec(const char* sql);

  // Queues a statement to be sent with the next Run/Exec/Finish, in the same round trip. `sql`
  // must be a string literal (prepared once, keyed by its address) unless `prepare` is false.
  // The server must refuse it when it is wrong, since the statements after it (the COMMIT
  // among them) run before the client sees its result: a write that must change exactly one
  // row wraps itself in creditd_exactly_one (migration 0011), and its SQLSTATE P0002 is then
  // reported as `must_change_one`.
  void Defer(const char* sql, std::vector<std::optional<std::string>> params, bool prepare,
             std::optional<Status> must_change_one);

  // Runs `sql` (no parameters, extended protocol) after everything deferred, in one round
  // trip: a transaction's COMMIT. Returns the first failure, and fails as well when the server
  // answers ROLLBACK (a COMMIT of a transaction that had already failed).
  Status Finish(const char* sql);

  // Runs two prepared statements (after whatever is deferred) in one round trip and returns
  // both results; the second runs after the first (e.g. a row lock, then rows it guards).
  Result<std::pair<PgRows, PgRows>> RunPair(
      const char* first_sql, const std::vector<std::optional<std::string>>& first_params,
      const char* second_sql, const std::vector<std::optional<std::string>>& second_params);

  // Drops the deferred statements unsent (a unit of work ending without a commit, or rolling
  // back to a savepoint taken while nothing was deferred).
  void DiscardDeferred() { deferred_.clear(); }

  // True while the server holds an open (or failed) transaction on this connection.
  bool InTransaction() const;

  // Runs `sql` as a prepared statement (prepared once per connection, keyed by the literal's
  // address) with text parameters. Sets *unique_violation instead of failing on SQLSTATE 23505
  // when it is given.
  Result<PgRows> Run(const char* sql, const std::vector<std::optional<std::string>>& params,
                     bool* unique_violation);

  // True while the connection is usable (idle, nothing deferred); a broken one is reset by the
  // pool.
  bool healthy() const;
  void Reset();

 private:
  struct Statement {
    const char* sql = nullptr;
    std::vector<std::optional<std::string>> params;
    bool prepare = true;
    std::optional<Status> must_change_one;
    bool keep_rows = false;  // Its rows are returned by RunPipeline.
  };

  explicit PgConnection(PGconn* connection) : connection_(connection) {}

  // The prepared statement's name for `sql`, preparing it first if this connection has not.
  Result<std::string> PreparedName(const char* sql);
  // Sends the deferred statements and then `last` in one pipeline and returns the rows of every
  // statement with keep_rows and of `last`, in order. The first failure is returned; a unique
  // violation of `last` sets *unique_violation instead when it is given.
  Result<std::vector<PgRows>> RunPipeline(Statement last, bool* unique_violation);
  // The two halves of RunPipeline: send every statement and the sync point; read every result.
  Status SendPipeline(const std::vector<Statement>& statements);
  Result<std::vector<PgRows>> ReadPipeline(const std::vector<Statement>& statements,
                                           bool* unique_violation);
  // Files one statement's result (taking ownership): its rows into `kept` when it keeps them,
  // else its failure (Ok for a statement the pipeline skipped after an earlier failure). Given
  // `unique_violation`, a unique violation sets it and counts as rows.
  static Status FileResult(const Statement& statement, PGresult* result, bool* unique_violation,
                           std::vector<PgRows>& kept);
  // A pipeline broke off: drops the server session at once (its transaction and row locks end
  // now, not when the pool next lends the connection), marks the connection broken so every
  // later call fails until the pool resets it, and returns the error for `what`.
  Status Lost(std::string_view what);

  PGconn* connection_;
  std::unordered_map<const char*, std::string> prepared_;  // SQL literal -> statement name.
  std::vector<Statement> deferred_;
  bool broken_ = false;  // A pipeline broke off; unusable until Reset.

  // The error every call answers while broken_.
  static Status BrokenError(const char* sql);
};

// Builds the parameters of one statement in order ($1, $2, ...) and runs it.
class PgQuery {
 public:
  PgQuery(PgConnection& connection, const char* sql) : connection_(connection), sql_(sql) {}

  PgQuery& Bind(int64_t value);
  PgQuery& Bind(std::string_view value);
  PgQuery& Bind(const std::optional<int64_t>& value);
  PgQuery& BindNull();

  // Runs the statement; a unique violation is an error ("database_error").
  Result<PgRows> Run();
  // Runs the statement; a unique violation sets `unique_violation` and returns empty rows.
  Result<PgRows> RunAllowingUnique(bool& unique_violation);
  // Defers the statement (PgConnection::Defer): its rows are never read.
  void Defer();
  // Defers a statement that must change exactly one row, written as
  //   WITH changed AS (UPDATE ... RETURNING 1) SELECT creditd_exactly_one(COUNT(*), '...') ...
  // so the server refuses it when it changed none; that failure is reported as `missing`.
  void DeferOne(const Status& missing);
  // Runs this statement and then `second` in one round trip (PgConnection::RunPair).
  Result<std::pair<PgRows, PgRows>> RunWith(PgQuery& second);

 private:
  PgConnection& connection_;
  const char* sql_;
  std::vector<std::optional<std::string>> params_;
};

inline int64_t PgRow::Int64(int column) const {
  return rows_->Int64(row_, column);
}
inline std::optional<int64_t> PgRow::OptionalInt64(int column) const {
  return rows_->OptionalInt64(row_, column);
}
inline std::string PgRow::Text(int column) const {
  return rows_->Text(row_, column);
}
inline bool PgRow::IsNull(int column) const {
  return rows_->IsNull(row_, column);
}

// Every row of `rows` through `map` (a shared mapper returning Result<T>); the first error
// stops it.
template <typename Map>
auto CollectRows(const PgRows& rows, Map map) -> Result<std::vector<MappedType<Map, PgRow>>> {
  std::vector<MappedType<Map, PgRow>> items;
  items.reserve(static_cast<size_t>(rows.size()));
  for (int index = 0; index < rows.size(); ++index) {
    CREDITD_ASSIGN_OR_RETURN(auto item, map(rows.row(index)));
    items.push_back(std::move(item));
  }
  return items;
}

// The first row of `rows` through `map`, or nullopt when there is none.
template <typename Map>
auto FirstRow(const PgRows& rows, Map map) -> Result<std::optional<MappedType<Map, PgRow>>> {
  if (rows.size() == 0) {
    return std::optional<MappedType<Map, PgRow>>();
  }
  CREDITD_ASSIGN_OR_RETURN(auto item, map(rows.row(0)));
  return std::optional<MappedType<Map, PgRow>>(std::move(item));
}

// As FirstRow, but no row is `missing`.
template <typename Map>
auto OneRow(const PgRows& rows, Map map, const Status& missing) -> Result<MappedType<Map, PgRow>> {
  if (rows.size() == 0) {
    return missing;
  }
  return map(rows.row(0));
}

// Runs a statement that must change exactly one row; zero rows means `missing`.
Status RunOne(PgQuery& query, const Status& missing);

}  // namespace creditd::storage::postgres
