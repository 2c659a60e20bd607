#include "storage/postgres/postgres_user_repository.h"

#include <string>

#include "storage/common/user_rows.h"

namespace creditd::storage::postgres {

Result<int64_t> PostgresUserRepository::Insert(const domain::User& user) {
  PgQuery query(db_,
                "INSERT INTO users (email, display_name, role, password_hash, account_id, "
                "created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $6) RETURNING id");
  BindNewUser(query, user);
  bool duplicate = false;
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.RunAllowingUnique(duplicate));
  if (duplicate) {
    return EmailTaken();
  }
  return rows.Int64(0, 0);
}

Result<domain::User> PostgresUserRepository::FindByEmail(std::string_view email) {
  static const std::string kSql = std::string(kUserSelect) + "WHERE email = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(email).Run());
  return OneRow(rows, MapUser<PgRow>, UserNotFound());
}

Result<domain::User> PostgresUserRepository::FindById(int64_t id) {
  static const std::string kSql = std::string(kUserSelect) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(id).Run());
  return OneRow(rows, MapUser<PgRow>, UserNotFound());
}

Status PostgresUserRepository::SetAccount(int64_t user_id, int64_t account_id) {
  PgQuery query(db_, "UPDATE users SET account_id = $1 WHERE id = $2");
  query.Bind(account_id).Bind(user_id);
  return RunOne(query, UserNotFound());
}

Status PostgresUserRepository::UpdateRole(int64_t user_id, domain::Role role) {
  PgQuery query(db_, "UPDATE users SET role = $1 WHERE id = $2");
  query.Bind(domain::RoleName(role)).Bind(user_id);
  return RunOne(query, UserNotFound());
}

Status PostgresUserRepository::UpdatePasswordHash(int64_t user_id, std::string_view password_hash) {
  PgQuery query(db_, "UPDATE users SET password_hash = $1 WHERE id = $2");
  query.Bind(password_hash).Bind(user_id);
  return RunOne(query, UserNotFound());
}

Result<int64_t> PostgresUserRepository::Count() {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, "SELECT COUNT(*) FROM users").Run());
  return OneRow(rows, MapId<PgRow>, Corrupt("users: no count"));
}

}  // namespace creditd::storage::postgres
