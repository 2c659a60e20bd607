// SqliteIdempotencyRepository: app::IdempotencyRepository (idempotency records) over one SQLite
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/idempotency_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteIdempotencyRepository final : public app::IdempotencyRepository {
 public:
  explicit SqliteIdempotencyRepository(SqliteConnection& connection) : db_(connection) {}
  Result<std::optional<app::IdempotencyRecord>> Find(std::string_view scope,
                                                     std::string_view key) override;
  Status Insert(const app::IdempotencyRecord& record) override;
  Result<int64_t> DeleteOlderThan(Timestamp before, int limit) override;

 private:
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
