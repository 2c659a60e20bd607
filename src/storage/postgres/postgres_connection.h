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
