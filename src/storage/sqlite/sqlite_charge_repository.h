// SqliteChargeRepository: app::ChargeRepository over one SQLite connection (charges, their
// allocations and tool runs). Handed out by SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/charge_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteChargeRepository final : public app::ChargeRepository {
 public:
  explicit SqliteChargeRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const domain::Charge& charge) override;
  Result<std::optional<app::FirstGrantCharge>> ChargeFromFirstGrant(
      const domain::Charge& charge, std::string_view reference_prefix,
      std::string_view description) override;
  Result<domain::Charge> Get(int64_t charge_id) override;
  Status Update(const domain::Charge& charge) override;
  Result<std::vector<domain::Draw>> ListPendingAllocations(int64_t account_id) override;
  Result<std::vector<int64_t>> ListOverdue(Timestamp now, int limit) override;
  Result<std::map<std::string, int64_t>> SumCapturedUnitsByTool(int64_t account_id, Timestamp from,
                                                                Timestamp to) override;
  Result<int64_t> InsertRun(const domain::ToolRun& run) override;
  Status UpdateRun(const domain::ToolRun& run) override;
  Result<domain::ToolRun> GetRun(int64_t run_id) override;
  Status FailRunsOfCharge(int64_t charge_id, std::string_view error, Timestamp now) override;
  Result<app::RunPage> ListRuns(int64_t user_id, int64_t skip, int64_t limit) override;

 private:
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
