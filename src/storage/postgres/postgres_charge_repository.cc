#include "storage/postgres/postgres_charge_repository.h"

#include <string>

#include "storage/common/charge_rows.h"

namespace creditd::storage::postgres {

Result<int64_t> PostgresChargeRepository::Insert(const domain::Charge& charge) {
  CREDITD_RETURN_IF_ERROR(CheckInlineAllocation(charge));
  PgQuery query(
      db_,
      "INSERT INTO charges (account_id, user_id, tool_key, price_version, unit_credits, "
      "units, reserved, captured, refunded, status, member_free, metadata, source, "
      "created_at, expires_at, resolved_at, updated_at, grant_id) VALUES ($1, $2, $3, "
      "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id");
  BindNewCharge(query, charge);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  const int64_t id = rows.Int64(0, 0);
  if (charge.allocations.size() < 2) {
    return id;  // None, or the one in charges.grant_id.
  }
  int64_t seq = 0;
  for (const domain::ChargeAllocation& allocation : charge.allocations) {
    // Sent with the next statement or the COMMIT.
    PgQuery(db_,
            "INSERT INTO charge_allocations (charge_id, seq, grant_id, reserved, captured, "
            "refunded) VALUES ($1, $2, $3, $4, $5, $6)")
        .Bind(id)
        .Bind(seq++)
        .Bind(allocation.grant_id)
        .Bind(allocation.reserved)
        .Bind(allocation.captured)
        .Bind(allocation.refunded)
        .Defer();
  }
  return id;
}

Result<std::optional<app::FirstGrantCharge>> PostgresChargeRepository::ChargeFromFirstGrant(
    const domain::Charge& charge, std::string_view reference_prefix, std::string_view description) {
  // One statement (schema 13's function): lock, plan and writes in a single round trip, which
  // also carries the deferred BEGIN; the COMMIT follows.
  PgQuery query(db_,
                "SELECT new_charge, drawn_grant, new_balance, new_held FROM "
                "creditd_charge_first_grant($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                "$13)");
  query.Bind(charge.account_id)
      .Bind(charge.user_id)
      .Bind(charge.tool_key)
      .Bind(charge.price_version)
      .Bind(charge.unit_credits)
      .Bind(charge.units)
      .Bind(charge.captured)
      .Bind(charge.metadata)
      .Bind(charge.source)
      .Bind(ToUnixSeconds(charge.created_at))
      .Bind(ToUnixSeconds(charge.expires_at))
      .Bind(reference_prefix)
      .Bind(description);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  if (rows.size() != 1 || rows.IsNull(0, 0)) {
    return std::optional<app::FirstGrantCharge>();  // Not the simple case; nothing written.
  }
  return std::optional<app::FirstGrantCharge>(app::FirstGrantCharge{
      rows.Int64(0, 0), rows.Int64(0, 1), rows.Int64(0, 2), rows.Int64(0, 3)});
}

Result<domain::Charge> PostgresChargeRepository::Get(int64_t charge_id) {
  static const std::string kSql = std::string(kChargeSelect) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(charge_id).Run());
  CREDITD_ASSIGN_OR_RETURN(domain::Charge charge, OneRow(rows, MapCharge<PgRow>, ChargeNotFound()));
  if (!HasAllocationRows(charge)) {
    return charge;  // Drawn from one grant (inline) or from none.
  }
  static const std::string kAllocationsSql =
      std::string(kAllocationSelect) + "WHERE charge_id = $1 ORDER BY seq";
  CREDITD_ASSIGN_OR_RETURN(const PgRows allocations,
                           PgQuery(db_, kAllocationsSql.c_str()).Bind(charge_id).Run());
  CREDITD_ASSIGN_OR_RETURN(charge.allocations,
                           CollectRows(allocations, MapChargeAllocation<PgRow>));
  return charge;
}

Status PostgresChargeRepository::Update(const domain::Charge& charge) {
  CREDITD_RETURN_IF_ERROR(CheckInlineAllocation(charge));
  PgQuery query(db_,
                "WITH changed AS (UPDATE charges SET status = $1, captured = $2, refunded = $3, "
                "resolved_at = $4, updated_at = $5 WHERE id = $6 RETURNING 1) SELECT "
                "creditd_exactly_one(COUNT(*), 'charges') FROM changed");
  BindChargeUpdate(query, charge);
  query.DeferOne(ChargeNotFound());  // These are sent with the next statement or the COMMIT.
  if (charge.allocations.size() < 2) {
    return Status::Ok();  // An inline allocation is the charge's own amounts, just written.
  }
  int64_t seq = 0;
  for (const domain::ChargeAllocation& allocation : charge.allocations) {
    PgQuery allocation_query(db_,
                             "WITH changed AS (UPDATE charge_allocations SET captured = $1, "
                             "refunded = $2 WHERE charge_id = $3 AND seq = $4 RETURNING 1) SELECT "
                             "creditd_exactly_one(COUNT(*), 'charge_allocations') FROM changed");
    allocation_query.Bind(allocation.captured)
        .Bind(allocation.refunded)
        .Bind(charge.id)
        .Bind(seq++);
    allocation_query.DeferOne(Corrupt("charge_allocations row missing"));
  }
  return Status::Ok();
}

Result<std::vector<domain::Draw>> PostgresChargeRepository::ListPendingAllocations(
    int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT grant_id, reserved FROM charges WHERE account_id = $1 AND status = "
              "'pending' AND grant_id IS NOT NULL UNION ALL SELECT a.grant_id, a.reserved FROM "
              "charge_allocations a JOIN charges c ON c.id = a.charge_id WHERE c.account_id = $1 "
              "AND c.status = 'pending'")
          .Bind(account_id)
          .Run());
  return CollectRows(rows, MapDraw<PgRow>);
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
  return CollectRows(rows, MapId<PgRow>);
}

Result<int64_t> PostgresChargeRepository::InsertRun(const domain::ToolRun& run) {
  PgQuery query(db_,
                "INSERT INTO tool_runs (user_id, account_id, tool_key, charge_id, status, prompt, "
                "params, cost, result_type, result, error, created_at, finished_at) VALUES ($1, "
                "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id");
  BindNewToolRun(query, run);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.Int64(0, 0);
}

Status PostgresChargeRepository::UpdateRun(const domain::ToolRun& run) {
  PgQuery query(db_,
                "UPDATE tool_runs SET status = $1, cost = $2, result_type = $3, result = $4, "
                "error = $5, finished_at = $6 WHERE id = $7");
  BindToolRunUpdate(query, run);
  return RunOne(query, RunNotFound());
}

Result<domain::ToolRun> PostgresChargeRepository::GetRun(int64_t run_id) {
  static const std::string kSql = std::string(kRunSelect) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(run_id).Run());
  return OneRow(rows, MapToolRun<PgRow>, RunNotFound());
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
  static const std::string kSql =
      std::string(kRunSelect) + "WHERE user_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kSql.c_str()).Bind(user_id).Bind(limit).Bind(skip).Run());
  CREDITD_ASSIGN_OR_RETURN(page.items, CollectRows(rows, MapToolRun<PgRow>));
  return page;
}

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
  CREDITD_ASSIGN_OR_RETURN(const auto sums, CollectRows(rows, MapToolUnits<PgRow>));
  return std::map<std::string, int64_t>(sums.begin(), sums.end());
}

}  // namespace creditd::storage::postgres
