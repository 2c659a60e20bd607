#include "storage/sqlite/sqlite_charge_repository.h"

namespace creditd::storage::sqlite {

using domain::Charge;
using domain::ToolRun;

namespace {

Status ChargeNotFound() {
  return Status(reason::kChargeNotFound, "charge not found");
}
Status RunNotFound() {
  return Status(reason::kRunNotFound, "run not found");
}

constexpr const char* kRunColumns =
    "SELECT id, user_id, account_id, tool_key, charge_id, status, prompt, params, cost, "
    "result_type, result, error, created_at, finished_at FROM tool_runs ";

Result<ToolRun> ReadRun(const Statement& row) {
  ToolRun run;
  run.id = row.Int64(0);
  run.user_id = row.Int64(1);
  run.account_id = row.Int64(2);
  run.tool_key = row.Text(3);
  run.charge_id = row.Int64(4);
  const auto status = domain::ParseRunStatus(row.Text(5));
  if (!status) {
    return Corrupt("tool_runs.status");
  }
  run.status = *status;
  run.prompt = row.Text(6);
  run.params = row.Text(7);
  run.cost = row.Int64(8);
  run.result_type = row.Text(9);
  run.result = row.Text(10);
  run.error = row.Text(11);
  run.created_at = FromUnixSeconds(row.Int64(12));
  run.finished_at = OptionalTime(row, 13);
  return run;
}

}  // namespace

Result<int64_t> SqliteChargeRepository::Insert(const Charge& charge) {
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("INSERT INTO charges (account_id, user_id, tool_key, price_version, "
                    "unit_credits, units, reserved, captured, refunded, status, member_free, "
                    "metadata, source, created_at, expires_at, resolved_at, updated_at) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    statement.Bind(1, charge.account_id)
        .Bind(2, charge.user_id)
        .Bind(3, charge.tool_key)
        .Bind(4, charge.price_version)
        .Bind(5, charge.unit_credits)
        .Bind(6, charge.units)
        .Bind(7, charge.reserved)
        .Bind(8, charge.captured)
        .Bind(9, charge.refunded)
        .Bind(10, domain::HoldStatusName(charge.status))
        .Bind(11, int64_t{charge.member_free ? 1 : 0})
        .Bind(12, charge.metadata)
        .Bind(13, charge.source)
        .Bind(14, ToUnixSeconds(charge.created_at))
        .Bind(15, ToUnixSeconds(charge.expires_at))
        .Bind(16, OptionalSeconds(charge.resolved_at))
        .Bind(17, ToUnixSeconds(charge.updated_at));
    CREDITD_RETURN_IF_ERROR(statement.Run());
  }
  const int64_t id = db_.LastInsertRowId();
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

Result<Charge> SqliteChargeRepository::Get(int64_t charge_id) {
  Charge charge;
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("SELECT id, account_id, user_id, tool_key, price_version, unit_credits, units, "
                    "reserved, captured, refunded, status, member_free, metadata, source, "
                    "created_at, expires_at, resolved_at, updated_at FROM charges WHERE id = ?"));
    statement.Bind(1, charge_id);
    CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
    if (step != StepResult::kRow) {
      return ChargeNotFound();
    }
    charge.id = statement.Int64(0);
    charge.account_id = statement.Int64(1);
    charge.user_id = statement.OptionalInt64(2);
    charge.tool_key = statement.Text(3);
    charge.price_version = statement.Int64(4);
    charge.unit_credits = statement.Int64(5);
    charge.units = statement.Int64(6);
    charge.reserved = statement.Int64(7);
    charge.captured = statement.Int64(8);
    charge.refunded = statement.Int64(9);
    const auto status = domain::ParseHoldStatus(statement.Text(10));
    if (!status) {
      return Corrupt("charges.status");
    }
    charge.status = *status;
    charge.member_free = statement.Int64(11) != 0;
    charge.metadata = statement.Text(12);
    charge.source = statement.Text(13);
    charge.created_at = FromUnixSeconds(statement.Int64(14));
    charge.expires_at = FromUnixSeconds(statement.Int64(15));
    charge.resolved_at = OptionalTime(statement, 16);
    charge.updated_at = FromUnixSeconds(statement.Int64(17));
  }
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT grant_id, reserved, captured, refunded FROM charge_allocations WHERE "
                  "charge_id = ? ORDER BY seq"));
  statement.Bind(1, charge_id);
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    charge.allocations.push_back({row.Int64(0), row.Int64(1), row.Int64(2), row.Int64(3)});
    return Status::Ok();
  }));
  return charge;
}

Status SqliteChargeRepository::Update(const Charge& charge) {
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("UPDATE charges SET status = ?, captured = ?, refunded = ?, resolved_at = ?, "
                    "updated_at = ? WHERE id = ?"));
    statement.Bind(1, domain::HoldStatusName(charge.status))
        .Bind(2, charge.captured)
        .Bind(3, charge.refunded)
        .Bind(4, OptionalSeconds(charge.resolved_at))
        .Bind(5, ToUnixSeconds(charge.updated_at))
        .Bind(6, charge.id);
    CREDITD_RETURN_IF_ERROR(RunOne(db_, statement, ChargeNotFound()));
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
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT a.grant_id, a.reserved FROM charge_allocations a JOIN charges c ON "
                  "c.id = a.charge_id WHERE c.account_id = ? AND c.status = 'pending'"));
  statement.Bind(1, account_id);
  std::vector<domain::Draw> draws;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    draws.push_back({row.Int64(0), row.Int64(1)});
    return Status::Ok();
  }));
  return draws;
}

Result<std::vector<int64_t>> SqliteChargeRepository::ListOverdue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id FROM charges WHERE status = 'pending' AND expires_at <= ? ORDER BY "
                  "expires_at, id LIMIT ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, int64_t{limit});
  std::vector<int64_t> ids;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    ids.push_back(row.Int64(0));
    return Status::Ok();
  }));
  return ids;
}

Result<int64_t> SqliteChargeRepository::InsertRun(const ToolRun& run) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO tool_runs (user_id, account_id, tool_key, charge_id, status, "
                  "prompt, params, cost, result_type, result, error, created_at, finished_at) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, run.user_id)
      .Bind(2, run.account_id)
      .Bind(3, run.tool_key)
      .Bind(4, run.charge_id)
      .Bind(5, domain::RunStatusName(run.status))
      .Bind(6, run.prompt)
      .Bind(7, run.params)
      .Bind(8, run.cost)
      .Bind(9, run.result_type)
      .Bind(10, run.result)
      .Bind(11, run.error)
      .Bind(12, ToUnixSeconds(run.created_at))
      .Bind(13, OptionalSeconds(run.finished_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Status SqliteChargeRepository::UpdateRun(const ToolRun& run) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE tool_runs SET status = ?, cost = ?, result_type = ?, result = ?, "
                  "error = ?, finished_at = ? WHERE id = ?"));
  statement.Bind(1, domain::RunStatusName(run.status))
      .Bind(2, run.cost)
      .Bind(3, run.result_type)
      .Bind(4, run.result)
      .Bind(5, run.error)
      .Bind(6, OptionalSeconds(run.finished_at))
      .Bind(7, run.id);
  return RunOne(db_, statement, RunNotFound());
}

Result<ToolRun> SqliteChargeRepository::GetRun(int64_t run_id) {
  static const std::string sql = std::string(kRunColumns) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(sql.c_str()));
  statement.Bind(1, run_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return RunNotFound();
  }
  return ReadRun(statement);
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
    CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
    page.total = step == StepResult::kRow ? statement.Int64(0) : 0;
  }
  static const std::string sql =
      std::string(kRunColumns) + "WHERE user_id = ? ORDER BY id DESC LIMIT ? OFFSET ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(sql.c_str()));
  statement.Bind(1, user_id).Bind(2, limit).Bind(3, skip);
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    CREDITD_ASSIGN_OR_RETURN(ToolRun run, ReadRun(row));
    page.items.push_back(std::move(run));
    return Status::Ok();
  }));
  return page;
}

Result<std::map<std::string, int64_t>> SqliteChargeRepository::SumCapturedUnitsByTool(
    int64_t account_id, Timestamp from, Timestamp to) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT tool_key, SUM(units) FROM charges WHERE account_id = ? AND created_at "
                  ">= ? AND created_at < ? AND status = 'captured' GROUP BY tool_key"));
  statement.Bind(1, account_id).Bind(2, ToUnixSeconds(from)).Bind(3, ToUnixSeconds(to));
  std::map<std::string, int64_t> sums;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    sums[row.Text(0)] = row.Int64(1);
    return Status::Ok();
  }));
  return sums;
}

}  // namespace creditd::storage::sqlite
