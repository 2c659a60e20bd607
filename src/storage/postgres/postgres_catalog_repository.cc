#include "storage/postgres/postgres_catalog_repository.h"

#include <string>

#include "storage/common/catalog_rows.h"

namespace creditd::storage::postgres {

Status PostgresCatalogRepository::InsertCreditPack(const domain::CreditPack& pack) {
  PgQuery query(db_,
                "INSERT INTO credit_packs (id, amount, bonus, price_minor, currency, is_active, "
                "sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7)");
  BindCreditPack(query, pack);
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(query.RunAllowingUnique(duplicate).status());
  return duplicate ? CatalogDuplicate("credit pack " + std::to_string(pack.id)) : Status::Ok();
}

Status PostgresCatalogRepository::InsertMembershipPrice(const domain::MembershipPrice& membership) {
  PgQuery query(db_,
                "INSERT INTO membership_prices (id, membership_type, duration_days, price_minor, "
                "original_price_minor, currency, is_active, sort_order) VALUES ($1, $2, $3, $4, "
                "$5, $6, $7, $8)");
  BindMembershipPrice(query, membership);
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(query.RunAllowingUnique(duplicate).status());
  return duplicate ? CatalogDuplicate("membership " + std::to_string(membership.id)) : Status::Ok();
}

Status PostgresCatalogRepository::InsertTool(const domain::Tool& tool) {
  PgQuery query(db_,
                "INSERT INTO tools (key, name, credits, unit, resource_type, required_feature, "
                "is_active, price_version, upstream_url, upstream_headers, upstream_timeout_ms, "
                "fail_percent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
  BindTool(query, tool);
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(query.RunAllowingUnique(duplicate).status());
  return duplicate ? CatalogDuplicate("tool " + tool.key) : Status::Ok();
}

Status PostgresCatalogRepository::InsertPlan(const domain::Plan& plan) {
  PgQuery query(db_,
                "INSERT INTO plans (key, name, monthly_price_minor, yearly_price_minor, currency, "
                "monthly_credits, trial_days, sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
  BindPlan(query, plan);
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(query.RunAllowingUnique(duplicate).status());
  if (duplicate) {
    return CatalogDuplicate("plan " + plan.key);
  }
  for (const auto& feature : plan.features) {
    CREDITD_RETURN_IF_ERROR(PgQuery(db_,
                                    "INSERT INTO plan_features (plan_key, feature) VALUES ($1, "
                                    "$2) ON CONFLICT DO NOTHING")
                                .Bind(plan.key)
                                .Bind(feature)
                                .Run()
                                .status());
  }
  for (const auto& [resource, limit] : plan.quotas) {
    CREDITD_RETURN_IF_ERROR(PgQuery(db_,
                                    "INSERT INTO plan_quotas (plan_key, resource_type, "
                                    "monthly_limit) VALUES ($1, $2, $3)")
                                .Bind(plan.key)
                                .Bind(resource)
                                .Bind(limit)
                                .Run()
                                .status());
  }
  return Status::Ok();
}

Result<std::vector<domain::CreditPack>> PostgresCatalogRepository::ListCreditPacks() {
  static const std::string kSql = std::string(kCreditPackSelect) + "ORDER BY sort_order, id";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Run());
  return CollectRows(rows, MapCreditPack<PgRow>);
}

Result<std::vector<domain::MembershipPrice>> PostgresCatalogRepository::ListMembershipPrices() {
  static const std::string kSql = std::string(kMembershipPriceSelect) + "ORDER BY sort_order, id";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Run());
  return CollectRows(rows, MapMembershipPrice<PgRow>);
}

Result<domain::Catalog> PostgresCatalogRepository::Load() {
  domain::Catalog catalog;
  CREDITD_ASSIGN_OR_RETURN(catalog.credit_packs, ListCreditPacks());
  CREDITD_ASSIGN_OR_RETURN(catalog.memberships, ListMembershipPrices());
  static const std::string kToolsSql = std::string(kToolSelect) + "ORDER BY key";
  CREDITD_ASSIGN_OR_RETURN(const PgRows tools, PgQuery(db_, kToolsSql.c_str()).Run());
  CREDITD_ASSIGN_OR_RETURN(catalog.tools, CollectRows(tools, MapTool<PgRow>));
  static const std::string kPlansSql = std::string(kPlanSelect) + "ORDER BY sort_order, key";
  CREDITD_ASSIGN_OR_RETURN(const PgRows plans, PgQuery(db_, kPlansSql.c_str()).Run());
  CREDITD_ASSIGN_OR_RETURN(catalog.plans, CollectRows(plans, MapPlan<PgRow>));
  for (domain::Plan& plan : catalog.plans) {
    CREDITD_ASSIGN_OR_RETURN(
        const PgRows features,
        PgQuery(db_, "SELECT feature FROM plan_features WHERE plan_key = $1 ORDER BY feature")
            .Bind(plan.key)
            .Run());
    for (int row = 0; row < features.size(); ++row) {
      plan.features.push_back(features.Text(row, 0));
    }
    CREDITD_ASSIGN_OR_RETURN(
        const PgRows quotas,
        PgQuery(db_, "SELECT resource_type, monthly_limit FROM plan_quotas WHERE plan_key = $1")
            .Bind(plan.key)
            .Run());
    for (int row = 0; row < quotas.size(); ++row) {
      plan.quotas[quotas.Text(row, 0)] = quotas.Int64(row, 1);
    }
  }
  return catalog;
}

}  // namespace creditd::storage::postgres
