#include "storage/sqlite/sqlite_charge_repository.h"

#include <string>

#include "storage/common/charge_rows.h"
#include "storage/sqlite/sqlite_chains.h"

namespace creditd::storage::sqlite {

Result<int64_t> SqliteChargeRepository::Insert(const domain::Charge& charge) {
  CREDITD_RETURN_IF_ERROR(CheckInlineAllocation(charge));
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("INSERT INTO charges (account_id, user_id, tool_key, price_version, "
                    "unit_credits, units, reserved, captured, refunded, status, member_free, "
                    "metadata, source, created_at, expires_at, resolved_at, updated_at, grant_id, "
                    "prev_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                    "(SELECT last_charge_id FROM accounts WHERE id = ?1))"));
    ParamBinder params(statement);
    BindNewCharge(params, charge);
    CREDITD_RETURN_IF_ERROR(statement.Run());
  }
  const int64_t id = db_.LastInsertRowId();
  if (charge.allocations.size() < 2) {
    return id;  // None, or the one in charges.grant_id.
  }
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO charge_allocations (charge_id, seq, grant_id, reserved, captured, "
                  "refunded) VALUES (?, ?, ?, ?, ?, ?)"));
  int64_t seq = 0;
  for (const domain::ChargeAllocation& allocation : charge.allocations) {
    statement.Reset();
    statement.Bind(1, id)
        .Bind(2, seq++)
        .Bind(3, allocation.grant_id)
        .Bind(4, allocation.reserved)
        .Bind(5, allocation.captured)
        .Bind(6, allocation.refunded);
    CREDITD_RETURN_IF_ERROR(statement.Run());
  }
  return id;
}

Result<std::optional<app::FirstGrantCharge>> SqliteChargeRepository::ChargeFromFirstGrant(
    const domain::Charge& /*charge*/, std::string_view /*reference_prefix*/,
    std::string_view /*description*/) {
  // The general path runs in this process's single writer at no round trip's cost; a second
  // copy of its rules in SQL would buy nothing here.
  return std::optional<app::FirstGrantCharge>();
}

Result<domain::Charge> SqliteChargeRepository::Get(int64_t charge_id) {
  domain::Charge charge;
  {
    static const std::string kSql = std::string(kChargeSelect) + "WHERE id = ?";
    CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
    statement.Bind(1, charge_id);
    CREDITD_ASSIGN_OR_RETURN(charge, OneRow(statement, MapCharge<Statement>, ChargeNotFound()));
  }
  if (!HasAllocationRows(charge)) {
    return charge;
  }
  static const std::string kSql =
      std::string(kAllocationSelect) + "WHERE charge_id = ? ORDER BY seq";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, charge_id);
  CREDITD_ASSIGN_OR_RETURN(charge.allocations,
                           CollectRows(statement, MapChargeAllocation<Statement>));
  return charge;
}

Status SqliteChargeRepository::Update(const domain::Charge& charge) {
  CREDITD_RETURN_IF_ERROR(CheckInlineAllocation(charge));
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("UPDATE charges SET status = ?, captured = ?, refunded = ?, resolved_at = ?, "
                    "updated_at = ? WHERE id = ?"));
    ParamBinder params(statement);
    BindChargeUpdate(params, charge);
    CREDITD_RETURN_IF_ERROR(RunOne(db_, statement, ChargeNotFound()));
  }
  if (charge.allocations.size() < 2) {
    return Status::Ok();  // An inline allocation is the charge's own amounts, just written.
  }
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE charge_allocations SET captured = ?, refunded = ? WHERE charge_id = ? "
                  "AND seq = ?"));
  int64_t seq = 0;
  for (const domain::ChargeAllocation& allocation : charge.allocations) {
    statement.Reset();
    statement.Bind(1, allocation.captured)
        .Bind(2, allocation.refunded)
        .Bind(3, charge.id)
        .Bind(4, seq++);
    CREDITD_RETURN_IF_ERROR(RunOne(db_, statement, Corrupt("charge_allocations row missing")));
  }
  return Status::Ok();
}

Result<std::vector<domain::Draw>> SqliteChargeRepository::ListPendingAllocations(
    int64_t account_id) {
  // Through charges_pending_expiry: every pending charge of every account, filtered by account.
  // Holds are short-lived, so there are few; an account's charges are many.
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT grant_id, reserved FROM charges INDEXED BY charges_pending_expiry WHERE "
                  "status = 'pending' AND account_id = ?1 AND grant_id IS NOT NULL UNION ALL "
                  "SELECT a.grant_id, a.reserved FROM charges c INDEXED BY charges_pending_expiry "
                  "JOIN charge_allocations a ON a.charge_id = c.id WHERE c.status = 'pending' AND "
                  "c.account_id = ?1"));
  statement.Bind(1, account_id);
  return CollectRows(statement, MapDraw<Statement>);
}

Result<std::vector<int64_t>> SqliteChargeRepository::ListOverdue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id FROM charges WHERE status = 'pending' AND expires_at <= ? ORDER BY "
                  "expires_at, id LIMIT ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, int64_t{limit});
  return CollectRows(statement, MapId<Statement>);
}

Result<int64_t> SqliteChargeRepository::InsertRun(const domain::ToolRun& run) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO tool_runs (user_id, account_id, tool_key, charge_id, status, "
                  "prompt, params, cost, result_type, result, error, created_at, finished_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindNewToolRun(params, run);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Status SqliteChargeRepository::UpdateRun(const domain::ToolRun& run) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE tool_runs SET status = ?, cost = ?, result_type = ?, result = ?, "
                  "error = ?, finished_at = ? WHERE id = ?"));
  ParamBinder params(statement);
  BindToolRunUpdate(params, run);
  return RunOne(db_, statement, RunNotFound());
}

Result<domain::ToolRun> SqliteChargeRepository::GetRun(int64_t run_id) {
  static const std::string kSql = std::string(kRunSelect) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, run_id);
  return OneRow(statement, MapToolRun<Statement>, RunNotFound());
}

Status SqliteChargeRepository::FailRunsOfCharge(int64_t charge_id, std::string_view error,
                                                Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE tool_runs SET status = 'failed', cost = 0, error = ?, finished_at = ? "
                  "WHERE charge_id = ? AND status = 'running'"));
  statement.Bind(1, error).Bind(2, ToUnixSeconds(now)).Bind(3, charge_id);
  return statement.Run();
}

Result<app::RunPage> SqliteChargeRepository::ListRuns(int64_t user_id, int64_t skip,
                                                      int64_t limit) {
  app::RunPage page;
  {
    CREDITD_ASSIGN_OR_RETURN(Statement statement,
                             db_.Prepare("SELECT COUNT(*) FROM tool_runs WHERE user_id = ?"));
    statement.Bind(1, user_id);
    CREDITD_ASSIGN_OR_RETURN(const auto total, FirstRow(statement, MapId<Statement>));
    page.total = total.value_or(0);
  }
  static const std::string kSql =
      std::string(kRunSelect) + "WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, user_id).Bind(2, limit).Bind(3, skip);
  CREDITD_ASSIGN_OR_RETURN(page.items, CollectRows(statement, MapToolRun<Statement>));
  return page;
}

Result<std::map<std::string, int64_t>> SqliteChargeRepository::SumCapturedUnitsByTool(
    int64_t account_id, Timestamp from, Timestamp to) {
  // The account's charges newest first, down to a day before `from` (sqlite_chains.h).
  static const std::string kSql =
      ChargeChain("WHERE c.created_at >= ?4") +
      "SELECT tool_key, SUM(units) FROM chain WHERE created_at >= ?2 AND created_at < ?3 AND "
      "status = 'captured' GROUP BY tool_key";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id)
      .Bind(2, ToUnixSeconds(from))
      .Bind(3, ToUnixSeconds(to))
      .Bind(4, ChainFloor(from));
  CREDITD_ASSIGN_OR_RETURN(const auto sums, CollectRows(statement, MapToolUnits<Statement>));
  return std::map<std::string, int64_t>(sums.begin(), sums.end());
}

}  // namespace creditd::storage::sqlite
