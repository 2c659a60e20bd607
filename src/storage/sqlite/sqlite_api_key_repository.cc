#include "storage/sqlite/sqlite_api_key_repository.h"

#include <string>

#include "storage/common/session_rows.h"

namespace creditd::storage::sqlite {

Result<int64_t> SqliteApiKeyRepository::Insert(const app::ApiKey& key) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindNewApiKey(params, key);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<app::ApiKey> SqliteApiKeyRepository::FindByHash(std::string_view key_hash) {
  static const std::string kSql = std::string(kApiKeySelect) + "WHERE key_hash = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, key_hash);
  return OneRow(statement, MapApiKey<Statement>, InvalidApiKey());
}

Result<std::vector<app::ApiKey>> SqliteApiKeyRepository::List() {
  static const std::string kSql = std::string(kApiKeySelect) + "ORDER BY id";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  return CollectRows(statement, MapApiKey<Statement>);
}

Status SqliteApiKeyRepository::Revoke(int64_t id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, id);
  return RunOne(db_, statement, ApiKeyNotFound());
}

}  // namespace creditd::storage::sqlite
