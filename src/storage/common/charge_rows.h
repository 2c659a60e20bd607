// Charges, their allocations and tool runs as rows: the column lists, the row-to-domain mappers
// and the parameter lists both backends share (see row_reader.h). Header only; thread-safe.
#pragma once

#include <optional>

#include "common/status_macros.h"
#include "domain/charge.h"
#include "domain/ledger.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

// A charge's own row. A charge drawn from exactly one grant names it in grant_id (schema 12)
// and that allocation is the charge's own reserved/captured/refunded; the allocations of a charge
// drawn from several grants are rows of charge_allocations (kAllocationSelect).
inline constexpr const char* kChargeSelect =
    "SELECT id, account_id, user_id, tool_key, price_version, unit_credits, units, reserved, "
    "captured, refunded, status, member_free, metadata, source, created_at, expires_at, "
    "resolved_at, updated_at, grant_id FROM charges ";

// The one grant a charge drew from when it drew from exactly one (stored inline), else null.
inline std::optional<int64_t> InlineGrant(const domain::Charge& charge) {
  if (charge.allocations.size() != 1) {
    return std::nullopt;
  }
  return charge.allocations.front().grant_id;
}

// Whether `charge`, read by MapCharge, may have rows in charge_allocations.
inline bool HasAllocationRows(const domain::Charge& charge) {
  return charge.allocations.empty() && charge.reserved > 0;
}

// The inline allocation of a charge drawn from one grant must be the charge's own amounts;
// anything else cannot be stored in that form.
inline Status CheckInlineAllocation(const domain::Charge& charge) {
  if (charge.allocations.size() == 1) {
    const domain::ChargeAllocation& only = charge.allocations.front();
    if (only.reserved != charge.reserved || only.captured != charge.captured ||
        only.refunded != charge.refunded) {
      return Status(reason::kDatabaseError, "a storage error occurred")
          .WithInternalDetail("charge " + std::to_string(charge.id) +
                              ": its one allocation differs from the charge");
    }
  }
  return Status::Ok();
}

template <RowReader Row>
Result<domain::Charge> MapCharge(const Row& row) {
  domain::Charge charge;
  charge.id = row.Int64(0);
  charge.account_id = row.Int64(1);
  charge.user_id = row.OptionalInt64(2);
  charge.tool_key = row.Text(3);
  charge.price_version = row.Int64(4);
  charge.unit_credits = row.Int64(5);
  charge.units = row.Int64(6);
  charge.reserved = row.Int64(7);
  charge.captured = row.Int64(8);
  charge.refunded = row.Int64(9);
  CREDITD_ASSIGN_OR_RETURN(charge.status,
                           EnumColumn(row, 10, domain::ParseHoldStatus, "charges.status"));
  charge.member_free = BoolColumn(row, 11);
  charge.metadata = row.Text(12);
  charge.source = row.Text(13);
  charge.created_at = TimeColumn(row, 14);
  charge.expires_at = TimeColumn(row, 15);
  charge.resolved_at = OptionalTimeColumn(row, 16);
  charge.updated_at = TimeColumn(row, 17);
  if (!row.IsNull(18)) {
    charge.allocations.push_back(
        {row.Int64(18), charge.reserved, charge.captured, charge.refunded});
  }
  return charge;
}

// The columns of kChargeSelect but id, in its order.
template <ParamWriter Params>
void BindNewCharge(Params& params, const domain::Charge& charge) {
  params.Bind(charge.account_id)
      .Bind(charge.user_id)
      .Bind(charge.tool_key)
      .Bind(charge.price_version)
      .Bind(charge.unit_credits)
      .Bind(charge.units)
      .Bind(charge.reserved)
      .Bind(charge.captured)
      .Bind(charge.refunded)
      .Bind(domain::HoldStatusName(charge.status))
      .Bind(BoolParam(charge.member_free))
      .Bind(charge.metadata)
      .Bind(charge.source)
      .Bind(ToUnixSeconds(charge.created_at))
      .Bind(ToUnixSeconds(charge.expires_at))
      .Bind(OptionalSeconds(charge.resolved_at))
      .Bind(ToUnixSeconds(charge.updated_at))
      .Bind(InlineGrant(charge));
}

// status, captured, refunded, resolved_at, updated_at, id.
template <ParamWriter Params>
void BindChargeUpdate(Params& params, const domain::Charge& charge) {
  params.Bind(domain::HoldStatusName(charge.status))
      .Bind(charge.captured)
      .Bind(charge.refunded)
      .Bind(OptionalSeconds(charge.resolved_at))
      .Bind(ToUnixSeconds(charge.updated_at))
      .Bind(charge.id);
}

inline constexpr const char* kAllocationSelect =
    "SELECT grant_id, reserved, captured, refunded FROM charge_allocations ";

template <RowReader Row>
Result<domain::ChargeAllocation> MapChargeAllocation(const Row& row) {
  return domain::ChargeAllocation{row.Int64(0), row.Int64(1), row.Int64(2), row.Int64(3)};
}

// (grant_id, reserved) rows of ListPendingAllocations.
template <RowReader Row>
Result<domain::Draw> MapDraw(const Row& row) {
  return domain::Draw{row.Int64(0), row.Int64(1)};
}

inline constexpr const char* kRunSelect =
    "SELECT id, user_id, account_id, tool_key, charge_id, status, prompt, params, cost, "
    "result_type, result, error, created_at, finished_at FROM tool_runs ";

template <RowReader Row>
Result<domain::ToolRun> MapToolRun(const Row& row) {
  domain::ToolRun run;
  run.id = row.Int64(0);
  run.user_id = row.Int64(1);
  run.account_id = row.Int64(2);
  run.tool_key = row.Text(3);
  run.charge_id = row.Int64(4);
  CREDITD_ASSIGN_OR_RETURN(run.status,
                           EnumColumn(row, 5, domain::ParseRunStatus, "tool_runs.status"));
  run.prompt = row.Text(6);
  run.params = row.Text(7);
  run.cost = row.Int64(8);
  run.result_type = row.Text(9);
  run.result = row.Text(10);
  run.error = row.Text(11);
  run.created_at = TimeColumn(row, 12);
  run.finished_at = OptionalTimeColumn(row, 13);
  return run;
}

// The columns of kRunSelect but id, in its order.
template <ParamWriter Params>
void BindNewToolRun(Params& params, const domain::ToolRun& run) {
  params.Bind(run.user_id)
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
      .Bind(OptionalSeconds(run.finished_at));
}

// status, cost, result_type, result, error, finished_at, id.
template <ParamWriter Params>
void BindToolRunUpdate(Params& params, const domain::ToolRun& run) {
  params.Bind(domain::RunStatusName(run.status))
      .Bind(run.cost)
      .Bind(run.result_type)
      .Bind(run.result)
      .Bind(run.error)
      .Bind(OptionalSeconds(run.finished_at))
      .Bind(run.id);
}

// (tool_key, sum) rows of SumCapturedUnitsByTool.
template <RowReader Row>
Result<std::pair<std::string, int64_t>> MapToolUnits(const Row& row) {
  return std::pair<std::string, int64_t>(row.Text(0), row.Int64(1));
}

}  // namespace creditd::storage
