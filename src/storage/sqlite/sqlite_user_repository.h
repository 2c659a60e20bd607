// SqliteUserRepository: app::UserRepository (users: sign-up identities) over one SQLite
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/user_repository.h"
#include "storage/sqlite/sqlite_account_snapshots.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteUserRepository final : public app::UserRepository {
 public:
  // `writes` (the unit of work's) hears of every changed account link.
  SqliteUserRepository(SqliteConnection& connection, AccountWriteLog& writes)
      : db_(connection), writes_(writes) {}
  Result<int64_t> Insert(const domain::User& user) override;
  Result<domain::User> FindByEmail(std::string_view email) override;
  Result<domain::User> FindById(int64_t id) override;
  Status SetAccount(int64_t user_id, int64_t account_id) override;
  Status UpdateRole(int64_t user_id, domain::Role role) override;
  Status UpdatePasswordHash(int64_t user_id, std::string_view password_hash) override;
  Result<int64_t> Count() override;

 private:
  SqliteConnection& db_;
  AccountWriteLog& writes_;
};

}  // namespace creditd::storage::sqlite
