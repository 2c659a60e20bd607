// PostgresAccountRepository: app::AccountRepository (accounts and their balances) over one
// PostgreSQL connection. GetForUpdate locks the row (SELECT ... FOR UPDATE). The SQL is this
// file's; the row mapping is storage/common's. Handed out by PostgresUnitOfWork; used by one thread
// at a time.
#pragma once

#include "app/ports/account_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresAccountRepository final : public app::AccountRepository {
 public:
  explicit PostgresAccountRepository(PgConnection& connection) : db_(connection) {}
  Result<domain::Account> Create(domain::AccountKind kind, std::optional<int64_t> owner_user_id,
                                 Timestamp now) override;
  Result<domain::Account> Get(int64_t account_id) override;
  Result<domain::Account> GetForUpdate(int64_t account_id) override;
  Result<app::LockedAccount> LockWithOpenGrants(int64_t account_id) override;
  Status UpdateBalance(int64_t account_id, int64_t balance, int64_t held, Timestamp now) override;
  Status SetMemberExpiry(int64_t account_id, Timestamp expires_at, Timestamp now) override;
  Status SetFrozen(int64_t account_id, std::string_view reason, Timestamp now) override;
  Result<std::vector<int64_t>> ListFreeCreditsDue(Timestamp now, int limit) override;
  Status SetFreeCreditsDue(int64_t account_id, Timestamp due, Timestamp now) override;
  Result<std::vector<int64_t>> ListIds(int64_t after_id, int limit) override;
  Result<Totals> SumAll() override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
