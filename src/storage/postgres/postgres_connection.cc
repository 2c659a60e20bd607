#include "storage/postgres/postgres_connection.h"

#include <charconv>
#include <cstring>

#include "common/check.h"

namespace creditd::storage::postgres {

namespace {

Status PgError(std::string_view what, const char* sqlstate, const std::string& message) {
  const std::string state = sqlstate != nullptr ? sqlstate : "";
  std::string detail = std::string(what) + ": " + message + " (sqlstate " + state + ")";
  if (state == "40001" || state == "40P01") {
    return Status(reason::kDatabaseConflict, "the request collided with another; retry shortly")
        .WithRetryAfter(1)
        .WithInternalDetail(std::move(detail));
  }
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "53300") {
    return Status(reason::kDatabaseBusy, "the database is not reachable; retry shortly")
        .WithRetryAfter(1)
        .WithInternalDetail(std::move(detail));
  }
  return Status(reason::kDatabaseError, "a storage error occurred")
      .WithInternalDetail(std::move(detail));
}

std::string Trimmed(const char* message) {
  std::string text = message != nullptr ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

}  // namespace

int64_t PgRows::Int64(int row, int column) const {
  const char* text = PQgetvalue(result_.get(), row, column);
  int64_t value = 0;
  const size_t length = std::strlen(text);
  const auto [end, error] = std::from_chars(text, text + length, value);
  CREDITD_CHECK(error == std::errc() && end == text + length);  // Columns read here are BIGINT.
  return value;
}

std::optional<int64_t> PgRows::OptionalInt64(int row, int column) const {
  if (IsNull(row, column)) {
    return std::nullopt;
  }
  return Int64(row, column);
}

std::string PgRows::Text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<size_t>(PQgetlength(result_.get(), row, column))};
}

int64_t PgRows::affected() const {
  const char* count = PQcmdTuples(result_.get());
  int64_t value = 0;
  std::from_chars(count, count + std::strlen(count), value);
  return value;
}

Result<std::unique_ptr<PgConnection>> PgConnection::Open(const std::string& dsn) {
  PGconn* connection = PQconnectdb(dsn.c_str());
  if (PQstatus(connection) != CONNECTION_OK) {
    Status status = PgError("connect", "08001", Trimmed(PQerrorMessage(connection)));
    PQfinish(connection);
    return status;
  }
  std::unique_ptr<PgConnection> wrapped(new PgConnection(connection));
  // Times are stored as Unix seconds; UTC keeps date arithmetic in SQL unambiguous.
  CREDITD_RETURN_IF_ERROR(wrapped->Exec("SET TIME ZONE 'UTC'; SET client_min_messages = warning"));
  return wrapped;
}

PgConnection::~PgConnection() {
  PQfinish(connection_);
}

bool PgConnection::healthy() const {
  return PQstatus(connection_) == CONNECTION_OK && PQtransactionStatus(connection_) == PQTRANS_IDLE;
}

void PgConnection::Reset() {
  PQreset(connection_);
  prepared_.clear();  // A new server session has no prepared statements.
  if (PQstatus(connection_) == CONNECTION_OK) {
    Exec("SET TIME ZONE 'UTC'; SET client_min_messages = warning").IgnoreError();
  }
}

Status PgConnection::Exec(const char* sql) {
  PGresult* result = PQexec(connection_, sql);
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Status error =
        PgError(std::string_view(sql).substr(0, 80), PQresultErrorField(result, PG_DIAG_SQLSTATE),
                Trimmed(PQresultErrorMessage(result)));
    PQclear(result);
    return error;
  }
  PQclear(result);
  return Status::Ok();
}

Result<PgRows> PgConnection::Run(const char* sql,
                                 const std::vector<std::optional<std::string>>& params,
                                 bool* unique_violation) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    const std::string name = "s" + std::to_string(prepared_.size() + 1);
    PGresult* prepared = PQprepare(connection_, name.c_str(), sql, 0, nullptr);
    if (PQresultStatus(prepared) != PGRES_COMMAND_OK) {
      Status error =
          PgError(std::string("prepare ") + sql, PQresultErrorField(prepared, PG_DIAG_SQLSTATE),
                  Trimmed(PQresultErrorMessage(prepared)));
      PQclear(prepared);
      return error;
    }
    PQclear(prepared);
    it = prepared_.emplace(sql, name).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) {
    values.push_back(param ? param->c_str() : nullptr);
  }
  PGresult* result =
      PQexecPrepared(connection_, it->second.c_str(), static_cast<int>(values.size()),
                     values.data(), nullptr, nullptr, 0);
  const ExecStatusType status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return PgRows(result);
  }
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  if (unique_violation != nullptr && sqlstate != nullptr && std::strcmp(sqlstate, "23505") == 0) {
    *unique_violation = true;
    return PgRows(result);
  }
  Status error = PgError(sql, sqlstate, Trimmed(PQresultErrorMessage(result)));
  PQclear(result);
  return error;
}

PgQuery& PgQuery::Bind(int64_t value) {
  params_.emplace_back(std::to_string(value));
  return *this;
}

PgQuery& PgQuery::Bind(std::string_view value) {
  params_.emplace_back(std::string(value));
  return *this;
}

PgQuery& PgQuery::Bind(const std::optional<int64_t>& value) {
  if (value) {
    return Bind(*value);
  }
  return BindNull();
}

PgQuery& PgQuery::BindNull() {
  params_.emplace_back(std::nullopt);
  return *this;
}

Result<PgRows> PgQuery::Run() {
  return connection_.Run(sql_, params_, nullptr);
}

Result<PgRows> PgQuery::RunAllowingUnique(bool& unique_violation) {
  unique_violation = false;
  return connection_.Run(sql_, params_, &unique_violation);
}

Status RunOne(PgQuery& query, const Status& missing) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.affected() == 1 ? Status::Ok() : missing;
}

}  // namespace creditd::storage::postgres
