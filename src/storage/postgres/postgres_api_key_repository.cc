#include "storage/postgres/postgres_api_key_repository.h"

#include <string>

#include "storage/common/session_rows.h"

namespace creditd::storage::postgres {

Result<int64_t> PostgresApiKeyRepository::Insert(const app::ApiKey& key) {
  PgQuery query(db_,
                "INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4) "
                "RETURNING id");
  BindNewApiKey(query, key);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.Int64(0, 0);
}

Result<app::ApiKey> PostgresApiKeyRepository::FindByHash(std::string_view key_hash) {
  static const std::string kSql = std::string(kApiKeySelect) + "WHERE key_hash = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(key_hash).Run());
  return OneRow(rows, MapApiKey<PgRow>, InvalidApiKey());
}

Result<std::vector<app::ApiKey>> PostgresApiKeyRepository::List() {
  static const std::string kSql = std::string(kApiKeySelect) + "ORDER BY id";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Run());
  return CollectRows(rows, MapApiKey<PgRow>);
}

Status PostgresApiKeyRepository::Revoke(int64_t id, Timestamp now) {
  PgQuery query(db_, "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2");
  query.Bind(ToUnixSeconds(now)).Bind(id);
  return RunOne(query, ApiKeyNotFound());
}

}  // namespace creditd::storage::postgres
