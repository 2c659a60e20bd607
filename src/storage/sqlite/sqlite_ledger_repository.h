// SqliteLedgerRepository: app::LedgerRepository (grants, ledger entries and grant movements) over
// one SQLite connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/ledger_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteLedgerRepository final : public app::LedgerRepository {
 public:
  explicit SqliteLedgerRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> InsertGrant(const domain::Grant& grant) override;
  Result<std::vector<domain::Grant>> ListOpenGrants(int64_t account_id) override;
  Result<std::vector<domain::Grant>> ListGrants(int64_t account_id) override;
  Status UpdateGrantRemaining(int64_t grant_id, int64_t remaining) override;
  Status AddToGrantRemaining(int64_t grant_id, int64_t delta) override;
  Result<int64_t> AppendEntry(const domain::LedgerEntry& entry,
                              const std::vector<domain::GrantMovement>& movements) override;
  Status RecordEntry(const domain::LedgerEntry& entry,
                     const std::vector<domain::GrantMovement>& movements) override;
  Result<domain::LedgerEntry> FindEntry(int64_t entry_id) override;
  Result<app::EntryPage> ListEntries(const app::EntryQuery& query) override;
  Result<std::vector<domain::LedgerEntry>> ListAllEntries(int64_t account_id) override;
  Result<std::vector<domain::GrantMovement>> ListMovements(int64_t account_id) override;
  Result<std::map<domain::EntryType, int64_t>> SumByType(int64_t account_id) override;
  Result<std::vector<app::DailyTotal>> DailyTotals(int64_t account_id, Timestamp since) override;
  Result<std::vector<int64_t>> ListAccountsWithDueGrants(Timestamp now, int limit) override;

 private:
  Result<std::vector<domain::Grant>> QueryGrants(const char* sql, int64_t account_id);
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
