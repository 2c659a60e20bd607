// PostgresIdempotencyRepository: app::IdempotencyRepository (idempotency records) over one
// PostgreSQL connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// PostgresUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/idempotency_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresIdempotencyRepository final : public app::IdempotencyRepository {
 public:
  explicit PostgresIdempotencyRepository(PgConnection& connection) : db_(connection) {}
  Result<std::optional<app::IdempotencyRecord>> Find(std::string_view scope,
                                                     std::string_view key) override;
  Status Insert(const app::IdempotencyRecord& record) override;
  Result<int64_t> DeleteOlderThan(Timestamp before, int limit) override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
