#include "storage/postgres/postgres_session_repository.h"

#include <string>

#include "storage/common/session_rows.h"

namespace creditd::storage::postgres {

Result<int64_t> PostgresSessionRepository::Insert(const app::RefreshToken& token) {
  PgQuery query(db_,
                "INSERT INTO refresh_tokens (family_id, user_id, token_hash, state, created_at, "
                "expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id");
  BindNewRefreshToken(query, token);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.Int64(0, 0);
}

Result<app::RefreshToken> PostgresSessionRepository::FindByHash(std::string_view token_hash) {
  static const std::string kSql = std::string(kRefreshTokenSelect) + "WHERE token_hash = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(token_hash).Run());
  return OneRow(rows, MapRefreshToken<PgRow>, InvalidRefreshToken());
}

Result<bool> PostgresSessionRepository::MarkRotated(int64_t token_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "UPDATE refresh_tokens SET state = 'rotated', updated_at = $1 WHERE id = $2 AND "
              "state = 'active'")
          .Bind(ToUnixSeconds(now))
          .Bind(token_id)
          .Run());
  return rows.affected() == 1;
}

Status PostgresSessionRepository::RevokeFamily(std::string_view family_id, Timestamp now) {
  return PgQuery(db_,
                 "UPDATE refresh_tokens SET state = 'revoked', updated_at = $1 WHERE family_id = "
                 "$2 AND state <> 'revoked'")
      .Bind(ToUnixSeconds(now))
      .Bind(family_id)
      .Run()
      .status();
}

Result<std::optional<Timestamp>> PostgresSessionRepository::ActiveUntil(std::string_view family_id,
                                                                        Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT MAX(expires_at) FROM refresh_tokens WHERE family_id = $1 AND state = "
              "'active' AND expires_at > $2")
          .Bind(family_id)
          .Bind(ToUnixSeconds(now))
          .Run());
  return OptionalTimeColumn(rows.row(0), 0);
}

}  // namespace creditd::storage::postgres
