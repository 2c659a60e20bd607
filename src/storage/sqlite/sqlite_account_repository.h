// SqliteAccountRepository: app::AccountRepository (accounts and their balances) over one SQLite
// connection. GetForUpdate is a plain read: the write transaction already holds SQLite's one write
// lock. Every changed row is named to the unit of work's AccountWriteLog, which publishes it to
// SqliteAccountSnapshots after the commit. The SQL is this file's; the row mapping is
// storage/common's. Handed out by SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/account_repository.h"
#include "storage/sqlite/sqlite_account_snapshots.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteAccountRepository final : public app::AccountRepository {
 public:
  SqliteAccountRepository(SqliteConnection& connection, AccountWriteLog& writes)
      : db_(connection), writes_(writes) {}
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
  // Runs `statement` (an UPDATE of one account row) and names the account to writes_.
  Status RunAccountUpdate(Statement& statement, int64_t account_id);

  SqliteConnection& db_;
  AccountWriteLog& writes_;
};

}  // namespace creditd::storage::sqlite
