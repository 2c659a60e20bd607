// The catalog as rows (credit packs, membership prices, tools, plans) and the small bookkeeping
// rows of settings and idempotency records: the column lists, the row-to-domain mappers and the
// parameter lists both backends share (see row_reader.h). Header only; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "app/ports/idempotency_repository.h"
#include "domain/catalog.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

inline constexpr const char* kCreditPackSelect =
    "SELECT id, amount, bonus, price_minor, currency, is_active, sort_order FROM credit_packs ";

template <RowReader Row>
Result<domain::CreditPack> MapCreditPack(const Row& row) {
  return domain::CreditPack{row.Int64(0), row.Int64(1),       row.Int64(2),     row.Int64(3),
                            row.Text(4),  BoolColumn(row, 5), IntColumn(row, 6)};
}

// id, amount, bonus, price_minor, currency, is_active, sort_order.
template <ParamWriter Params>
void BindCreditPack(Params& params, const domain::CreditPack& pack) {
  params.Bind(pack.id)
      .Bind(pack.amount)
      .Bind(pack.bonus)
      .Bind(pack.price_minor)
      .Bind(pack.currency)
      .Bind(BoolParam(pack.is_active))
      .Bind(int64_t{pack.sort_order});
}

inline constexpr const char* kMembershipPriceSelect =
    "SELECT id, membership_type, duration_days, price_minor, original_price_minor, currency, "
    "is_active, sort_order FROM membership_prices ";

template <RowReader Row>
Result<domain::MembershipPrice> MapMembershipPrice(const Row& row) {
  return domain::MembershipPrice{row.Int64(0), row.Text(1), IntColumn(row, 2),  row.Int64(3),
                                 row.Int64(4), row.Text(5), BoolColumn(row, 6), IntColumn(row, 7)};
}

// id, membership_type, duration_days, price_minor, original_price_minor, currency, is_active,
// sort_order.
template <ParamWriter Params>
void BindMembershipPrice(Params& params, const domain::MembershipPrice& membership) {
  params.Bind(membership.id)
      .Bind(membership.membership_type)
      .Bind(int64_t{membership.duration_days})
      .Bind(membership.price_minor)
      .Bind(membership.original_price_minor)
      .Bind(membership.currency)
      .Bind(BoolParam(membership.is_active))
      .Bind(int64_t{membership.sort_order});
}

inline constexpr const char* kToolSelect =
    "SELECT key, name, credits, unit, resource_type, required_feature, is_active, price_version, "
    "upstream_url, upstream_headers, upstream_timeout_ms, fail_percent FROM tools ";

template <RowReader Row>
Result<domain::Tool> MapTool(const Row& row) {
  domain::Tool tool;
  tool.key = row.Text(0);
  tool.name = row.Text(1);
  tool.credits = row.Int64(2);
  tool.unit = row.Text(3);
  tool.resource_type = row.Text(4);
  tool.required_feature = row.Text(5);
  tool.is_active = BoolColumn(row, 6);
  tool.price_version = row.Int64(7);
  tool.upstream_url = row.Text(8);
  tool.upstream_headers = domain::DecodeHeaderLines(row.Text(9));
  tool.upstream_timeout_ms = IntColumn(row, 10);
  tool.fail_percent = IntColumn(row, 11);
  return tool;
}

// The twelve columns of kToolSelect, in its order.
template <ParamWriter Params>
void BindTool(Params& params, const domain::Tool& tool) {
  params.Bind(tool.key)
      .Bind(tool.name)
      .Bind(tool.credits)
      .Bind(tool.unit)
      .Bind(tool.resource_type)
      .Bind(tool.required_feature)
      .Bind(BoolParam(tool.is_active))
      .Bind(tool.price_version)
      .Bind(tool.upstream_url)
      .Bind(domain::EncodeHeaderLines(tool.upstream_headers))
      .Bind(int64_t{tool.upstream_timeout_ms})
      .Bind(int64_t{tool.fail_percent});
}

// A plan's own row; its features and quotas are read separately.
inline constexpr const char* kPlanSelect =
    "SELECT key, name, monthly_price_minor, yearly_price_minor, currency, monthly_credits, "
    "trial_days, sort_order FROM plans ";

template <RowReader Row>
Result<domain::Plan> MapPlan(const Row& row) {
  domain::Plan plan;
  plan.key = row.Text(0);
  plan.name = row.Text(1);
  plan.monthly_price_minor = row.Int64(2);
  plan.yearly_price_minor = row.Int64(3);
  plan.currency = row.Text(4);
  plan.monthly_credits = row.Int64(5);
  plan.trial_days = IntColumn(row, 6);
  plan.sort_order = IntColumn(row, 7);
  return plan;
}

// The eight columns of kPlanSelect, in its order.
template <ParamWriter Params>
void BindPlan(Params& params, const domain::Plan& plan) {
  params.Bind(plan.key)
      .Bind(plan.name)
      .Bind(plan.monthly_price_minor)
      .Bind(plan.yearly_price_minor)
      .Bind(plan.currency)
      .Bind(plan.monthly_credits)
      .Bind(int64_t{plan.trial_days})
      .Bind(int64_t{plan.sort_order});
}

// The record of (scope, key), read by those two.
inline constexpr const char* kIdempotencySelect =
    "SELECT request_fingerprint, result_ref, created_at, response_status, response_body FROM "
    "idempotency_keys ";

template <RowReader Row>
Result<app::IdempotencyRecord> MapIdempotencyRecord(const Row& row, std::string_view scope,
                                                    std::string_view key) {
  return app::IdempotencyRecord{std::string(scope), std::string(key),  row.Text(0),
                                row.Text(1),        IntColumn(row, 3), row.Text(4),
                                TimeColumn(row, 2)};
}

// scope, key, request_fingerprint, result_ref, created_at, response_status, response_body.
template <ParamWriter Params>
void BindIdempotencyRecord(Params& params, const app::IdempotencyRecord& record) {
  params.Bind(record.scope)
      .Bind(record.key)
      .Bind(record.request_fingerprint)
      .Bind(record.result_ref)
      .Bind(ToUnixSeconds(record.created_at))
      .Bind(int64_t{record.response_status})
      .Bind(record.response_body);
}

}  // namespace creditd::storage
