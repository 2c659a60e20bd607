#include "storage/postgres/postgres_idempotency_repository.h"

#include <string>

#include "storage/common/catalog_rows.h"

namespace creditd::storage::postgres {

Result<std::optional<app::IdempotencyRecord>> PostgresIdempotencyRepository::Find(
    std::string_view scope, std::string_view key) {
  static const std::string kSql = std::string(kIdempotencySelect) + "WHERE scope = $1 AND key = $2";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kSql.c_str()).Bind(scope).Bind(key).Run());
  return FirstRow(rows, [&](const PgRow& row) { return MapIdempotencyRecord(row, scope, key); });
}

Status PostgresIdempotencyRepository::Insert(const app::IdempotencyRecord& record) {
  PgQuery query(db_,
                "INSERT INTO idempotency_keys (scope, key, request_fingerprint, result_ref, "
                "created_at, response_body) VALUES ($1, $2, $3, $4, $5, $6)");
  BindIdempotencyRecord(query, record);
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(query.RunAllowingUnique(duplicate).status());
  if (duplicate) {
    return IdempotencyKeyInFlight();
  }
  return Status::Ok();
}

Result<int64_t> PostgresIdempotencyRepository::DeleteOlderThan(Timestamp before, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key FROM "
              "idempotency_keys WHERE created_at < $1 LIMIT $2)")
          .Bind(ToUnixSeconds(before))
          .Bind(int64_t{limit})
          .Run());
  return rows.affected();
}

}  // namespace creditd::storage::postgres
