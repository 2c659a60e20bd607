// PostgresUserRepository: app::UserRepository (users: sign-up identities) over one PostgreSQL
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// PostgresUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/user_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresUserRepository final : public app::UserRepository {
 public:
  explicit PostgresUserRepository(PgConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const domain::User& user) override;
  Result<domain::User> FindByEmail(std::string_view email) override;
  Result<domain::User> FindById(int64_t id) override;
  Status SetAccount(int64_t user_id, int64_t account_id) override;
  Status UpdateRole(int64_t user_id, domain::Role role) override;
  Status UpdatePasswordHash(int64_t user_id, std::string_view password_hash) override;
  Result<int64_t> Count() override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
