// SqliteApiKeyRepository: app::ApiKeyRepository (API keys of tool backends) over one SQLite
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/api_key_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteApiKeyRepository final : public app::ApiKeyRepository {
 public:
  explicit SqliteApiKeyRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const app::ApiKey& key) override;
  Result<app::ApiKey> FindByHash(std::string_view key_hash) override;
  Result<std::vector<app::ApiKey>> List() override;
  Status Revoke(int64_t id, Timestamp now) override;

 private:
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
