#include "storage/sqlite/sqlite_user_repository.h"

#include <string>

#include "storage/common/user_rows.h"

namespace creditd::storage::sqlite {

Result<int64_t> SqliteUserRepository::Insert(const domain::User& user) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO users (email, display_name, role, password_hash, account_id, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?)"));
  ParamBinder params(statement);
  BindNewUser(params, user);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step == StepResult::kUniqueViolation) {
    return EmailTaken();
  }
  return db_.LastInsertRowId();
}

Result<domain::User> SqliteUserRepository::FindByEmail(std::string_view email) {
  static const std::string kSql = std::string(kUserSelect) + "WHERE email = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, email);
  return OneRow(statement, MapUser<Statement>, UserNotFound());
}

Result<domain::User> SqliteUserRepository::FindById(int64_t id) {
  static const std::string kSql = std::string(kUserSelect) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, id);
  return OneRow(statement, MapUser<Statement>, UserNotFound());
}

Status SqliteUserRepository::SetAccount(int64_t user_id, int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE users SET account_id = ? WHERE id = ?"));
  statement.Bind(1, account_id).Bind(2, user_id);
  CREDITD_RETURN_IF_ERROR(RunOne(db_, statement, UserNotFound()));
  writes_.TouchUser(user_id);
  return Status::Ok();
}

Status SqliteUserRepository::UpdateRole(int64_t user_id, domain::Role role) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE users SET role = ? WHERE id = ?"));
  statement.Bind(1, domain::RoleName(role)).Bind(2, user_id);
  return RunOne(db_, statement, UserNotFound());
}

Status SqliteUserRepository::UpdatePasswordHash(int64_t user_id, std::string_view password_hash) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE users SET password_hash = ? WHERE id = ?"));
  statement.Bind(1, password_hash).Bind(2, user_id);
  return RunOne(db_, statement, UserNotFound());
}

Result<int64_t> SqliteUserRepository::Count() {
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare("SELECT COUNT(*) FROM users"));
  return OneRow(statement, MapId<Statement>, Corrupt("users: no count"));
}

}  // namespace creditd::storage::sqlite
