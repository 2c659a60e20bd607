// PostgresSessionRepository: app::SessionRepository (refresh-token sessions) over one PostgreSQL
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// PostgresUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/session_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresSessionRepository final : public app::SessionRepository {
 public:
  explicit PostgresSessionRepository(PgConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const app::RefreshToken& token) override;
  Result<app::RefreshToken> FindByHash(std::string_view token_hash) override;
  Result<bool> MarkRotated(int64_t token_id, Timestamp now) override;
  Status RevokeFamily(std::string_view family_id, Timestamp now) override;
  Result<std::optional<Timestamp>> ActiveUntil(std::string_view family_id, Timestamp now) override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
