// PostgresApiKeyRepository: app::ApiKeyRepository (API keys of tool backends) over one PostgreSQL
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// PostgresUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/api_key_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresApiKeyRepository final : public app::ApiKeyRepository {
 public:
  explicit PostgresApiKeyRepository(PgConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const app::ApiKey& key) override;
  Result<app::ApiKey> FindByHash(std::string_view key_hash) override;
  Result<std::vector<app::ApiKey>> List() override;
  Status Revoke(int64_t id, Timestamp now) override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
