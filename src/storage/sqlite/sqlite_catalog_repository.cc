#include "storage/sqlite/sqlite_catalog_repository.h"

#include <string>

#include "storage/common/catalog_rows.h"

namespace creditd::storage::sqlite {

Status SqliteCatalogRepository::InsertCreditPack(const domain::CreditPack& pack) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO credit_packs (id, amount, bonus, price_minor, currency, is_active, "
                  "sort_order) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindCreditPack(params, pack);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  return step == StepResult::kUniqueViolation
             ? CatalogDuplicate("credit pack " + std::to_string(pack.id))
             : Status::Ok();
}

Status SqliteCatalogRepository::InsertMembershipPrice(const domain::MembershipPrice& membership) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO membership_prices (id, membership_type, duration_days, "
                  "price_minor, original_price_minor, currency, is_active, sort_order) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindMembershipPrice(params, membership);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  return step == StepResult::kUniqueViolation
             ? CatalogDuplicate("membership " + std::to_string(membership.id))
             : Status::Ok();
}

Status SqliteCatalogRepository::InsertTool(const domain::Tool& tool) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO tools (key, name, credits, unit, resource_type, required_feature, "
                  "is_active, price_version, upstream_url, upstream_headers, upstream_timeout_ms, "
                  "fail_percent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindTool(params, tool);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  return step == StepResult::kUniqueViolation ? CatalogDuplicate("tool " + tool.key) : Status::Ok();
}

Status SqliteCatalogRepository::InsertPlan(const domain::Plan& plan) {
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("INSERT INTO plans (key, name, monthly_price_minor, yearly_price_minor, "
                    "currency, monthly_credits, trial_days, sort_order) VALUES (?, ?, ?, ?, ?, ?, "
                    "?, ?)"));
    ParamBinder params(statement);
    BindPlan(params, plan);
    CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
    if (step == StepResult::kUniqueViolation) {
      return CatalogDuplicate("plan " + plan.key);
    }
  }
  for (const auto& feature : plan.features) {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("INSERT OR IGNORE INTO plan_features (plan_key, feature) VALUES (?, ?)"));
    statement.Bind(1, plan.key).Bind(2, feature);
    CREDITD_RETURN_IF_ERROR(statement.Run());
  }
  for (const auto& [resource, limit] : plan.quotas) {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("INSERT INTO plan_quotas (plan_key, resource_type, monthly_limit) VALUES (?, "
                    "?, ?)"));
    statement.Bind(1, plan.key).Bind(2, resource).Bind(3, limit);
    CREDITD_RETURN_IF_ERROR(statement.Run());
  }
  return Status::Ok();
}

Result<std::vector<domain::CreditPack>> SqliteCatalogRepository::ListCreditPacks() {
  static const std::string kSql = std::string(kCreditPackSelect) + "ORDER BY sort_order, id";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  return CollectRows(statement, MapCreditPack<Statement>);
}

Result<std::vector<domain::MembershipPrice>> SqliteCatalogRepository::ListMembershipPrices() {
  static const std::string kSql = std::string(kMembershipPriceSelect) + "ORDER BY sort_order, id";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  return CollectRows(statement, MapMembershipPrice<Statement>);
}

Result<domain::Catalog> SqliteCatalogRepository::Load() {
  domain::Catalog catalog;
  CREDITD_ASSIGN_OR_RETURN(catalog.credit_packs, ListCreditPacks());
  CREDITD_ASSIGN_OR_RETURN(catalog.memberships, ListMembershipPrices());
  {
    static const std::string kSql = std::string(kToolSelect) + "ORDER BY key";
    CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
    CREDITD_ASSIGN_OR_RETURN(catalog.tools, CollectRows(statement, MapTool<Statement>));
  }
  {
    static const std::string kSql = std::string(kPlanSelect) + "ORDER BY sort_order, key";
    CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
    CREDITD_ASSIGN_OR_RETURN(catalog.plans, CollectRows(statement, MapPlan<Statement>));
  }
  for (auto& plan : catalog.plans) {
    CREDITD_ASSIGN_OR_RETURN(
        Statement features,
        db_.Prepare("SELECT feature FROM plan_features WHERE plan_key = ? ORDER BY feature"));
    features.Bind(1, plan.key);
    CREDITD_RETURN_IF_ERROR(ForEachRow(features, [&](const Statement& row) -> Status {
      plan.features.push_back(row.Text(0));
      return Status::Ok();
    }));
  }
  for (auto& plan : catalog.plans) {
    CREDITD_ASSIGN_OR_RETURN(
        Statement quotas,
        db_.Prepare("SELECT resource_type, monthly_limit FROM plan_quotas WHERE plan_key = ?"));
    quotas.Bind(1, plan.key);
    CREDITD_RETURN_IF_ERROR(ForEachRow(quotas, [&](const Statement& row) -> Status {
      plan.quotas[row.Text(0)] = row.Int64(1);
      return Status::Ok();
    }));
  }
  return catalog;
}

}  // namespace creditd::storage::sqlite
