#include "storage/postgres/postgres_charge_repository.h"

namespace creditd::storage::postgres {

using domain::Charge;
using domain::ToolRun;

namespace {

Status ChargeNotFound() {
  return Status(reason::kChargeNotFound, "charge not found");
}
Status RunNotFound() {
  return Status(reason::kRunNotFound, "run not found");
}

#define CREDITD_RUN_COLUMNS                                                             \
  "SELECT id, user_id, account_id, tool_key, charge_id, status, prompt, params, cost, " \
  "result_type, result, error, created_at, finished_at FROM tool_runs "

Result<ToolRun> ReadRun(const PgRows& rows, int row) {
  ToolRun run;
  run.id = rows.Int64(row, 0);
  run.user_id = rows.Int64(row, 1);
  run.account_id = rows.Int64(row, 2);
  run.tool_key = rows.Text(row, 3);
  run.charge_id = rows.Int64(row, 4);
  const auto status = domain::ParseRunStatus(rows.Text(row, 5));
  if (!status) {
    return Corrupt("tool_runs.status");
  }
  run.status = *status;
  run.prompt = rows.Text(row, 6);
  run.params = rows.Text(row, 7);
  run.cost = rows.Int64(row, 8);
  run.result_type = rows.Text(row, 9);
  run.result = rows.Text(row, 10);
  run.error = rows.Text(row, 11);
  run.created_at = FromUnixSeconds(rows.Int64(row, 12));
  run.finished_at = OptionalTime(rows, row, 13);
  return run;
}

}  // namespace

Result<int64_t> PostgresChargeRepository::Insert(const Charge& charge) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO charges (account_id, user_id, tool_key, price_version, unit_credits, "
              "units, reserved, captured, refunded, status, member_free, metadata, source, "
              "created_at, expires_at, resolved_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
              "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id")
          .Bind(charge.account_id)
          .Bind(charge.user_id)
          .Bind(charge.tool_key)
          .Bind(charge.price_version)
          .Bind(charge.unit_credits)
          .Bind(charge.units)
          .Bind(charge.reserved)
          .Bind(charge.captured)
          .Bind(charge.refunded)
          .Bind(domain::HoldStatusName(charge.status))
          .Bind(int64_t{charge.member_free ? 1 : 0})
          .Bind(charge.metadata)
          .Bind(charge.source)
          .Bind(ToUnixSeconds(charge.created_at))
          .Bind(ToUnixSeconds(charge.expires_at))
          .Bind(OptionalSeconds(charge.resolved_at))
          .Bind(ToUnixSeconds(charge.updated_at))
          .Run());
  const int64_t id = rows.Int64(0, 0);
  int64_t seq = 0;
  for (const domain::ChargeAllocation& allocation : charge.allocations) {
    CREDITD_RETURN_IF_ERROR(
        PgQuery(db_,
                "INSERT INTO charge_allocations (charge_id, seq, grant_id, reserved, captured, "
                "refunded) VALUES ($1, $2, $3, $4, $5, $6)")
            .Bind(id)
            .Bind(seq++)
            .Bind(allocation.grant_id)
            .Bind(allocation.reserved)
            .Bind(allocation.captured)
            .Bind(allocation.refunded)
            .Run()
            .status());
  }
  return id;
}

Result<Charge> PostgresChargeRepository::Get(int64_t charge_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT id, account_id, user_id, tool_key, price_version, unit_credits, units, "
              "reserved, captured, refunded, status, member_free, metadata, source, created_at, "
              "expires_at, resolved_at, updated_at FROM charges WHERE id = $1")
          .Bind(charge_id)
          .Run());
  if (rows.size() == 0) {
    return ChargeNotFound();
  }
  Charge charge;
  charge.id = rows.Int64(0, 0);
  charge.account_id = rows.Int64(0, 1);
  charge.user_id = rows.OptionalInt64(0, 2);
  charge.tool_key = rows.Text(0, 3);
  charge.price_version = rows.Int64(0, 4);
  charge.unit_credits = rows.Int64(0, 5);
  charge.units = rows.Int64(0, 6);
  charge.reserved = rows.Int64(0, 7);
  charge.captured = rows.Int64(0, 8);
  charge.refunded = rows.Int64(0, 9);
  const auto status = domain::ParseHoldStatus(rows.Text(0, 10));
  if (!status) {
    return Corrupt("charges.status");
  }
  charge.status = *status;
  charge.member_free = rows.Int64(0, 11) != 0;
  charge.metadata = rows.Text(0, 12);
  charge.source = rows.Text(0, 13);
  charge.created_at = FromUnixSeconds(rows.Int64(0, 14));
  charge.expires_at = FromUnixSeconds(rows.Int64(0, 15));
  charge.resolved_at = OptionalTime(rows, 0, 16);
  charge.updated_at = FromUnixSeconds(rows.Int64(0, 17));
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows allocations,
      PgQuery(db_,
              "SELECT grant_id, reserved, captured, refunded FROM charge_allocations WHERE "
              "charge_id = $1 ORDER BY seq")
          .Bind(charge_id)
          .Run());
  for (int row = 0; row < allocations.size(); ++row) {
    charge.allocations.push_back({allocations.Int64(row, 0), allocations.Int64(row, 1),
                                  allocations.Int64(row, 2), allocations.Int64(row, 3)});
  }
  return charge;
}

Status PostgresChargeRepository::Update(const Charge& charge) {
  PgQuery query(db_,
                "UPDATE charges SET status = $1, captured = $2, refunded = $3, resolved_at = $4, "
                "updated_at = $5 WHERE id = $6");
  query.Bind(domain::HoldStatusName(charge.status))
      .Bind(charge.captured)
      .Bind(charge.refunded)
      .Bind(OptionalSeconds(charge.resolved_at))
      .Bind(ToUnixSeconds(charge.updated_at))
      .Bind(charge.id);
  CREDITD_RETURN_IF_ERROR(RunOne(query, ChargeNotFound()));
  int64_t seq = 0;
  for (const domain::ChargeAllocation& allocation : charge.allocations) {
    PgQuery allocation_query(db_,
                             "UPDATE charge_allocations SET captured = $1, refunded = $2 WHERE "
                             "charge_id = $3 AND seq = $4");
    allocation_query.Bind(allocation.captured)
        .Bind(allocation.refunded)
        .Bind(charge.id)
        .Bind(seq++);
    CREDITD_RETURN_IF_ERROR(RunOne(allocation_query, Corrupt("charge_allocations row missing")));
  }
  return Status::Ok();
}

Result<std::vector<domain::Draw>> PostgresChargeRepository::ListPendingAllocations(
    int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT a.grant_id, a.reserved FROM charge_allocations a JOIN charges c ON c.id = "
              "a.charge_id WHERE c.account_id = $1 AND c.status = 'pending'")
          .Bind(account_id)
          .Run());
  std::vector<domain::Draw> draws;
  for (int row = 0; row < rows.size(); ++row) {
    draws.push_back({rows.Int64(row, 0), rows.Int64(row, 1)});
  }
  return draws;
}

Result<std::vector<int64_t>> PostgresChargeRepository::ListOverdue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT id FROM charges WHERE status = 'pending' AND expires_at <= $1 ORDER BY "
              "expires_at, id LIMIT $2")
          .Bind(ToUnixSeconds(now))
          .Bind(int64_t{limit})
          .Run());
  return Ids(rows);
}

Result<int64_t> PostgresChargeRepository::InsertRun(const ToolRun& run) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO tool_runs (user_id, account_id, tool_key, charge_id, status, prompt, "
              "params, cost, result_type, result, error, created_at, finished_at) VALUES ($1, $2, "
              "$3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
          .Bind(run.user_id)
          .Bind(run.account_id)
          .Bind(run.tool_key)
          .Bind(run.charge_id)
          .Bind(domain::RunStatusName(run.status))
          .Bind(run.prompt)
          .Bind(run.params)
          .Bind(run.cost)
          .Bind(run.result_type)
          .Bind(run.result)
          .Bind(run.error)
          .Bind(ToUnixSeconds(run.created_at))
          .Bind(OptionalSeconds(run.finished_at))
          .Run());
  return rows.Int64(0, 0);
}

Status PostgresChargeRepository::UpdateRun(const ToolRun& run) {
  PgQuery query(db_,
                "UPDATE tool_runs SET status = $1, cost = $2, result_type = $3, result = $4, "
                "error = $5, finished_at = $6 WHERE id = $7");
  query.Bind(domain::RunStatusName(run.status))
      .Bind(run.cost)
      .Bind(run.result_type)
      .Bind(run.result)
      .Bind(run.error)
      .Bind(OptionalSeconds(run.finished_at))
      .Bind(run.id);
  return RunOne(query, RunNotFound());
}

Result<ToolRun> PostgresChargeRepository::GetRun(int64_t run_id) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, CREDITD_RUN_COLUMNS "WHERE id = $1").Bind(run_id).Run());
  if (rows.size() == 0) {
    return RunNotFound();
  }
  return ReadRun(rows, 0);
}

Status PostgresChargeRepository::FailRunsOfCharge(int64_t charge_id, std::string_view error,
                                                  Timestamp now) {
  return PgQuery(db_,
                 "UPDATE tool_runs SET status = 'failed', cost = 0, error = $1, finished_at = $2 "
                 "WHERE charge_id = $3 AND status = 'running'")
      .Bind(error)
      .Bind(ToUnixSeconds(now))
      .Bind(charge_id)
      .Run()
      .status();
}

Result<app::RunPage> PostgresChargeRepository::ListRuns(int64_t user_id, int64_t skip,
                                                        int64_t limit) {
  app::RunPage page;
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows count,
      PgQuery(db_, "SELECT COUNT(*) FROM tool_runs WHERE user_id = $1").Bind(user_id).Run());
  page.total = count.Int64(0, 0);
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_, CREDITD_RUN_COLUMNS "WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3")
          .Bind(user_id)
          .Bind(limit)
          .Bind(skip)
          .Run());
  for (int row = 0; row < rows.size(); ++row) {
    CREDITD_ASSIGN_OR_RETURN(ToolRun run, ReadRun(rows, row));
    page.items.push_back(std::move(run));
  }
  return page;
}

#undef CREDITD_RUN_COLUMNS

Result<std::map<std::string, int64_t>> PostgresChargeRepository::SumCapturedUnitsByTool(
    int64_t account_id, Timestamp from, Timestamp to) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT tool_key, SUM(units) FROM charges WHERE account_id = $1 AND created_at >= "
              "$2 AND created_at < $3 AND status = 'captured' GROUP BY tool_key")
          .Bind(account_id)
          .Bind(ToUnixSeconds(from))
          .Bind(ToUnixSeconds(to))
          .Run());
  std::map<std::string, int64_t> sums;
  for (int row = 0; row < rows.size(); ++row) {
    sums[rows.Text(row, 0)] = rows.Int64(row, 1);
  }
  return sums;
}

}  // namespace creditd::storage::postgres
