// The catalog as rows (credit packs, membership prices, tools, plans) and the small bookkeeping
// rows of settings and idempotency records: the column lists, the row-to-domain mappers and the
// parameter lists both backends share (see row_reader.h). Header only; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "app/ports/idempotency_repository.h"
#include "common/status_macros.h"
#include "domain/catalog.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

inline constexpr const char* kCreditPackSelect =
    "SELECT id, amount, bonus, price_minor, currency, is_active, sort_order FROM credit_packs ";

template <RowReader Row>
Result<domain::CreditPack> MapCreditPack(const Row& row) {
  CREDITD_ASSIGN_OR_RETURN(const Money price, MoneyColumn(row, 3, 4, "credit_packs.currency"));
  return domain::CreditPack{row.Int64(0), row.Int64(1),       row.Int64(2),
                            price,        BoolColumn(row, 5), IntColumn(row, 6)};
}

// id, amount, bonus, price_minor, currency, is_active, sort_order.
template <ParamWriter Params>
void BindCreditPack(Params& params, const domain::CreditPack& pack) {
  params.Bind(pack.id)
      .Bind(pack.amount)
      .Bind(pack.bonus)
      .Bind(pack.price.amount_minor())
      .Bind(pack.currency().code())
      .Bind(BoolParam(pack.is_active))
      .Bind(int64_t{pack.sort_order});
}

inline constexpr const char* kMembershipPriceSelect =
    "SELECT id, membership_type, duration_days, price_minor, original_price_minor, currency, "
    "is_active, sort_order FROM membership_prices ";

template <RowReader Row>
Result<domain::MembershipPrice> MapMembershipPrice(const Row& row) {
  constexpr std::string_view kCurrency = "membership_prices.currency";
  CREDITD_ASSIGN_OR_RETURN(const Money price, MoneyColumn(row, 3, 5, kCurrency));
  CREDITD_ASSIGN_OR_RETURN(const Money original_price, MoneyColumn(row, 4, 5, kCurrency));
  return domain::MembershipPrice{row.Int64(0),   row.Text(1),        IntColumn(row, 2), price,
                                 original_price, BoolColumn(row, 6), IntColumn(row, 7)};
}

// id, membership_type, duration_days, price_minor, original_price_minor, currency, is_active,
// sort_order.
template <ParamWriter Params>
void BindMembershipPrice(Params& params, const domain::MembershipPrice& membership) {
  params.Bind(membership.id)
      .Bind(membership.membership_type)
      .Bind(int64_t{membership.duration_days})
      .Bind(membership.price.amount_minor())
      .Bind(membership.original_price.amount_minor())
      .Bind(membership.currency().code())
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
  CREDITD_ASSIGN_OR_RETURN(tool.unit, EnumColumn(row, 3, domain::ParseToolUnit, "tools.unit"));
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
      .Bind(domain::ToolUnitName(tool.unit))
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
  CREDITD_ASSIGN_OR_RETURN(plan.monthly_price, MoneyColumn(row, 2, 4, "plans.currency"));
  CREDITD_ASSIGN_OR_RETURN(plan.yearly_price, MoneyColumn(row, 3, 4, "plans.currency"));
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
      .Bind(plan.monthly_price.amount_minor())
      .Bind(plan.yearly_price.amount_minor())
      .Bind(plan.currency().code())
      .Bind(plan.monthly_credits)
      .Bind(int64_t{plan.trial_days})
      .Bind(int64_t{plan.sort_order});
}

// The record of (scope, key), read by those two. The kind and the encoded result are kept in the
// columns result_ref and response_body (named when they held a reference and an HTTP body).
inline constexpr const char* kIdempotencySelect =
    "SELECT request_fingerprint, result_ref, created_at, response_body FROM idempotency_keys ";

template <RowReader Row>
Result<app::IdempotencyRecord> MapIdempotencyRecord(const Row& row, std::string_view scope,
                                                    std::string_view key) {
  return app::IdempotencyRecord{std::string(scope), std::string(key), row.Text(0),
                                row.Text(1),        row.Text(3),      TimeColumn(row, 2)};
}

// scope, key, request_fingerprint, result_ref, created_at, response_body.
template <ParamWriter Params>
void BindIdempotencyRecord(Params& params, const app::IdempotencyRecord& record) {
  params.Bind(record.scope)
      .Bind(record.key)
      .Bind(record.request_fingerprint)
      .Bind(record.result_kind)
      .Bind(ToUnixSeconds(record.created_at))
      .Bind(record.result);
}

}  // namespace creditd::storage
