#include "storage/sqlite/sqlite_session_repository.h"

#include <string>

#include "storage/common/session_rows.h"

namespace creditd::storage::sqlite {

Result<int64_t> SqliteSessionRepository::Insert(const app::RefreshToken& token) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO refresh_tokens (family_id, user_id, token_hash, state, created_at, "
                  "expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindNewRefreshToken(params, token);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<app::RefreshToken> SqliteSessionRepository::FindByHash(std::string_view token_hash) {
  static const std::string kSql = std::string(kRefreshTokenSelect) + "WHERE token_hash = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, token_hash);
  return OneRow(statement, MapRefreshToken<Statement>, InvalidRefreshToken());
}

Result<bool> SqliteSessionRepository::MarkRotated(int64_t token_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE refresh_tokens SET state = 'rotated', updated_at = ? WHERE id = ? AND "
                  "state = 'active'"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, token_id);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Status SqliteSessionRepository::RevokeFamily(std::string_view family_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE refresh_tokens SET state = 'revoked', updated_at = ? WHERE family_id = "
                  "? AND state <> 'revoked'"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, family_id);
  return statement.Run();
}

Result<std::optional<Timestamp>> SqliteSessionRepository::ActiveUntil(std::string_view family_id,
                                                                      Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT MAX(expires_at) FROM refresh_tokens WHERE family_id = ? AND state = "
                  "'active' AND expires_at > ?"));
  statement.Bind(1, family_id).Bind(2, ToUnixSeconds(now));
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<Timestamp>();
  }
  return OptionalTimeColumn(statement, 0);
}

}  // namespace creditd::storage::sqlite
