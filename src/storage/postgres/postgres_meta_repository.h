// PostgresMetaRepository: app::MetaRepository (settings and order-number sequences) over one
// PostgreSQL connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// PostgresUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/meta_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresMetaRepository final : public app::MetaRepository {
 public:
  explicit PostgresMetaRepository(PgConnection& connection) : db_(connection) {}
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status PutSetting(std::string_view key, std::string_view value) override;
  Result<int64_t> NextOrderSequence(char prefix, std::string_view date) override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
