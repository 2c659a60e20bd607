#include "storage/sqlite/sqlite_idempotency_repository.h"

#include <string>

#include "storage/common/catalog_rows.h"

namespace creditd::storage::sqlite {

Result<std::optional<app::IdempotencyRecord>> SqliteIdempotencyRepository::Find(
    std::string_view scope, std::string_view key) {
  static const std::string kSql = std::string(kIdempotencySelect) + "WHERE scope = ? AND key = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, scope).Bind(2, key);
  return FirstRow(statement,
                  [&](const Statement& row) { return MapIdempotencyRecord(row, scope, key); });
}

Status SqliteIdempotencyRepository::Insert(const app::IdempotencyRecord& record) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO idempotency_keys (scope, key, request_fingerprint, result_ref, "
                  "created_at, response_body) VALUES (?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindIdempotencyRecord(params, record);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step == StepResult::kUniqueViolation) {
    return IdempotencyKeyInFlight();
  }
  return Status::Ok();
}

Result<int64_t> SqliteIdempotencyRepository::DeleteOlderThan(Timestamp before, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM "
                  "idempotency_keys WHERE created_at < ? LIMIT ?)"));
  statement.Bind(1, ToUnixSeconds(before)).Bind(2, int64_t{limit});
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return int64_t{db_.Changes()};
}

}  // namespace creditd::storage::sqlite
