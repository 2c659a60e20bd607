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
  return !broken_ && PQstatus(connection_) == CONNECTION_OK &&
         PQtransactionStatus(connection_) == PQTRANS_IDLE && deferred_.empty();
}

bool PgConnection::InTransaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(connection_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

void PgConnection::Reset() {
  deferred_.clear();
  broken_ = false;
  PQreset(connection_);
  prepared_.clear();  // A new server session has no prepared statements.
  if (PQstatus(connection_) == CONNECTION_OK) {
    Exec("SET TIME ZONE 'UTC'; SET client_min_messages = warning").IgnoreError();
  }
}

Status PgConnection::BrokenError(const char* sql) {
  return PgError(sql, "08006", "the connection broke off in an earlier pipeline");
}

Status PgConnection::Exec(const char* sql) {
  if (broken_) {
    return BrokenError(sql);
  }
  if (!deferred_.empty()) {
    // The simple query protocol cannot join a pipeline: the deferred go first, on their own.
    Statement last = std::move(deferred_.back());
    deferred_.pop_back();
    CREDITD_RETURN_IF_ERROR(RunPipeline(std::move(last), nullptr).status());
  }
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

void PgConnection::Defer(const char* sql, std::vector<std::optional<std::string>> params,
                         bool prepare, std::optional<Status> must_change_one) {
  deferred_.push_back(Statement{sql, std::move(params), prepare, std::move(must_change_one)});
}

Status PgConnection::Finish(const char* sql) {
  CREDITD_ASSIGN_OR_RETURN(const std::vector<PgRows> rows,
                           RunPipeline({sql, {}, false, std::nullopt}, nullptr));
  if (rows.back().command() == "ROLLBACK") {
    // What PostgreSQL answers to COMMIT in a failed transaction: a success with this tag.
    return Status(reason::kDatabaseError, "a storage error occurred")
        .WithInternalDetail(std::string(sql) +
                            " was answered ROLLBACK: the transaction had failed");
  }
  return Status::Ok();
}

Result<std::string> PgConnection::PreparedName(const char* sql) {
  auto it = prepared_.find(sql);
  if (it != prepared_.end()) {
    return it->second;
  }
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
  return prepared_.emplace(sql, name).first->second;
}

namespace {

std::vector<const char*> ParamValues(const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) {
    values.push_back(param ? param->c_str() : nullptr);
  }
  return values;
}

}  // namespace

Status PgConnection::Lost(std::string_view what) {
  Status error = PgError(what, "08006", Trimmed(PQerrorMessage(connection_)));
  // The pipeline's state is unknown (libpq may still be in pipeline mode, the server may hold
  // the transaction and its row locks): a new session ends both now. The unit of work still
  // fails: broken_ refuses every later call, so nothing runs outside its transaction.
  Reset();
  broken_ = true;
  return error;
}

Status PgConnection::SendPipeline(const std::vector<Statement>& statements) {
  // Statements are prepared outside the pipeline (once per connection), so every result read
  // back is one statement's.
  std::vector<std::string> names(statements.size());
  for (size_t i = 0; i < statements.size(); ++i) {
    if (statements[i].prepare) {
      CREDITD_ASSIGN_OR_RETURN(names[i], PreparedName(statements[i].sql));
    }
  }
  if (PQenterPipelineMode(connection_) != 1) {
    return Lost("pipeline");
  }
  for (size_t i = 0; i < statements.size(); ++i) {
    const Statement& statement = statements[i];
    const std::vector<const char*> values = ParamValues(statement.params);
    const int count = static_cast<int>(values.size());
    const int sent = statement.prepare
                         ? PQsendQueryPrepared(connection_, names[i].c_str(), count, values.data(),
                                               nullptr, nullptr, 0)
                         : PQsendQueryParams(connection_, statement.sql, count, nullptr,
                                             values.data(), nullptr, nullptr, 0);
    if (sent != 1) {
      return Lost(statement.sql);
    }
  }
  return PQpipelineSync(connection_) == 1 ? Status::Ok() : Lost("pipeline sync");
}

namespace {

bool HasSqlState(const char* sqlstate, const char* expected) {
  return sqlstate != nullptr && std::strcmp(sqlstate, expected) == 0;
}

}  // namespace

Status PgConnection::FileResult(const Statement& statement, PGresult* result,
                                bool* unique_violation, std::vector<PgRows>& kept) {
  const ExecStatusType status = PQresultStatus(result);
  const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const bool ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
  if (ok || (unique_violation != nullptr && HasSqlState(sqlstate, "23505"))) {
    if (!ok) {
      *unique_violation = true;
    }
    PgRows rows(result);
    if (statement.keep_rows) {
      kept.push_back(std::move(rows));
    }
    return Status::Ok();
  }
  Status failure = Status::Ok();  // An aborted statement: an earlier one failed.
  if (status != PGRES_PIPELINE_ABORTED) {
    // creditd_exactly_one (migration 0011) raises P0002 when such a write changed no row.
    failure = statement.must_change_one && HasSqlState(sqlstate, "P0002")
                  ? *statement.must_change_one
                  : PgError(statement.sql, sqlstate, Trimmed(PQresultErrorMessage(result)));
  }
  PQclear(result);
  return failure;
}

Result<std::vector<PgRows>> PgConnection::ReadPipeline(const std::vector<Statement>& statements,
                                                       bool* unique_violation) {
  // One result per statement, each followed by a null; then the sync point. After a failure the
  // rest come back as PGRES_PIPELINE_ABORTED.
  Status failure = Status::Ok();
  std::vector<PgRows> kept;
  for (size_t i = 0; i < statements.size(); ++i) {
    PGresult* result = PQgetResult(connection_);
    if (result == nullptr) {
      return Lost("pipeline result");
    }
    while (PGresult* extra = PQgetResult(connection_)) {
      PQclear(extra);  // Never more than one result for these statements; drained regardless.
    }
    const bool last = i + 1 == statements.size();
    Status filed =
        FileResult(statements[i], result, last && failure.ok() ? unique_violation : nullptr, kept);
    if (failure.ok()) {
      failure = std::move(filed);
    }
  }
  PGresult* sync = PQgetResult(connection_);
  const bool synced = sync != nullptr && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
  PQclear(sync);
  if (!synced || PQexitPipelineMode(connection_) != 1) {
    return Lost("pipeline end");
  }
  if (!failure.ok()) {
    return failure;
  }
  return kept;
}

Result<std::vector<PgRows>> PgConnection::RunPipeline(Statement last, bool* unique_violation) {
  if (broken_) {
    deferred_.clear();
    return BrokenError(last.sql);
  }
  std::vector<Statement> statements = std::move(deferred_);
  deferred_.clear();
  last.keep_rows = true;
  statements.push_back(std::move(last));
  CREDITD_RETURN_IF_ERROR(SendPipeline(statements));
  return ReadPipeline(statements, unique_violation);
}

Result<std::pair<PgRows, PgRows>> PgConnection::RunPair(
    const char* first_sql, const std::vector<std::optional<std::string>>& first_params,
    const char* second_sql, const std::vector<std::optional<std::string>>& second_params) {
  Statement first{first_sql, first_params, true, std::nullopt};
  first.keep_rows = true;
  deferred_.push_back(std::move(first));
  CREDITD_ASSIGN_OR_RETURN(std::vector<PgRows> rows,
                           RunPipeline({second_sql, second_params, true, std::nullopt}, nullptr));
  // Deferred statements before them keep no rows, so these are the last two results.
  CREDITD_CHECK(rows.size() == 2);
  return std::make_pair(std::move(rows[0]), std::move(rows[1]));
}

Result<PgRows> PgConnection::Run(const char* sql,
                                 const std::vector<std::optional<std::string>>& params,
                                 bool* unique_violation) {
  // Alone or behind deferred statements, one pipeline: results are read and classified in one
  // place (FileResult).
  CREDITD_ASSIGN_OR_RETURN(std::vector<PgRows> rows,
                           RunPipeline({sql, params, true, std::nullopt}, unique_violation));
  return std::move(rows.back());
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

void PgQuery::Defer() {
  connection_.Defer(sql_, std::move(params_), true, std::nullopt);
}

void PgQuery::DeferOne(const Status& missing) {
  connection_.Defer(sql_, std::move(params_), true, missing);
}

Result<std::pair<PgRows, PgRows>> PgQuery::RunWith(PgQuery& second) {
  CREDITD_CHECK(&connection_ == &second.connection_);
  return connection_.RunPair(sql_, params_, second.sql_, second.params_);
}

Status RunOne(PgQuery& query, const Status& missing) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.affected() == 1 ? Status::Ok() : missing;
}

}  // namespace creditd::storage::postgres
