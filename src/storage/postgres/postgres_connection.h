// PgConnection: one libpq connection with its prepared statements, and PgQuery/PgRows, the
// small typed layer the repositories use. Parameters and results use the text format.
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
#include <vector>

#include <libpq-fe.h>

#include "common/clock.h"
#include "common/result.h"
#include "common/status_macros.h"

namespace creditd::storage::postgres {

// The rows of one result; owns the PGresult.
class PgRows {
 public:
  explicit PgRows(PGresult* result) : result_(result, &PQclear) {}

  int size() const { return PQntuples(result_.get()); }
  bool IsNull(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  int64_t Int64(int row, int column) const;
  std::optional<int64_t> OptionalInt64(int row, int column) const;
  std::string Text(int row, int column) const;
  // Rows changed by an INSERT/UPDATE/DELETE.
  int64_t affected() const;

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

  // Runs one or more statements without parameters (simple query protocol).
  Status Exec(const char* sql);

  // Runs `sql` as a prepared statement (prepared once per connection, keyed by the literal's
  // address) with text parameters. Sets *unique_violation instead of failing on SQLSTATE 23505
  // when it is given.
  Result<PgRows> Run(const char* sql, const std::vector<std::optional<std::string>>& params,
                     bool* unique_violation);

  // True while the connection is usable; a broken one is reset by the pool.
  bool healthy() const;
  void Reset();

 private:
  explicit PgConnection(PGconn* connection) : connection_(connection) {}

  PGconn* connection_;
  std::unordered_map<const char*, std::string> prepared_;  // SQL literal -> statement name.
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

 private:
  PgConnection& connection_;
  const char* sql_;
  std::vector<std::optional<std::string>> params_;
};

// Helpers shared by the repository adapters.
// A stored value the code cannot interpret: "database_error" with `what` as internal detail.
Status Corrupt(const std::string& what);
// Runs a statement that must change exactly one row; zero rows means `missing`.
Status RunOne(PgQuery& query, const Status& missing);
// A nullable seconds column as a time, and back.
std::optional<Timestamp> OptionalTime(const PgRows& rows, int row, int column);
// The first column of every row, as ids.
std::vector<int64_t> Ids(const PgRows& rows);
std::optional<int64_t> OptionalSeconds(const std::optional<Timestamp>& time);

}  // namespace creditd::storage::postgres
