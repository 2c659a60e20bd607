// SqliteMetaRepository: app::MetaRepository (settings and order-number sequences) over one SQLite
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/meta_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteMetaRepository final : public app::MetaRepository {
 public:
  explicit SqliteMetaRepository(SqliteConnection& connection) : db_(connection) {}
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status PutSetting(std::string_view key, std::string_view value) override;
  Result<int64_t> NextOrderSequence(char prefix, std::string_view date) override;

 private:
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
