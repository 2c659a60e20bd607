// SqliteSessionRepository: app::SessionRepository (refresh-token sessions) over one SQLite
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/session_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteSessionRepository final : public app::SessionRepository {
 public:
  explicit SqliteSessionRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const app::RefreshToken& token) override;
  Result<app::RefreshToken> FindByHash(std::string_view token_hash) override;
  Result<bool> MarkRotated(int64_t token_id, Timestamp now) override;
  Status RevokeFamily(std::string_view family_id, Timestamp now) override;
  Result<std::optional<Timestamp>> ActiveUntil(std::string_view family_id, Timestamp now) override;

 private:
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
