#include "app/catalog_service.h"

#include "app/ports/catalog_repository.h"
#include "app/ports/meta_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"
#include "domain/charge.h"

namespace creditd::app {

namespace {
constexpr std::string_view kSeededSetting = "catalog_seeded_at";
}

Result<bool> CatalogService::SeedIfFirstStart(const domain::Catalog& catalog) {
  CREDITD_RETURN_IF_ERROR(domain::ValidateCatalog(catalog));
  const Timestamp now = clock_.Now();
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<bool> {
    CREDITD_ASSIGN_OR_RETURN(const auto seeded, uow.meta().GetSetting(kSeededSetting));
    if (seeded) {
      return false;
    }
    for (const auto& pack : catalog.credit_packs) {
      CREDITD_RETURN_IF_ERROR(uow.catalog().InsertCreditPack(pack));
    }
    for (const auto& membership : catalog.memberships) {
      CREDITD_RETURN_IF_ERROR(uow.catalog().InsertMembershipPrice(membership));
    }
    for (const auto& tool : catalog.tools) {
      CREDITD_RETURN_IF_ERROR(uow.catalog().InsertTool(tool));
    }
    for (const auto& plan : catalog.plans) {
      CREDITD_RETURN_IF_ERROR(uow.catalog().InsertPlan(plan));
    }
    CREDITD_RETURN_IF_ERROR(uow.meta().PutSetting(kSeededSetting, FormatRfc3339(now)));
    return true;
  });
}

Result<domain::Catalog> CatalogService::Load() {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) { return uow.catalog().Load(); });
}

Result<std::vector<domain::Tool>> CatalogService::ListActiveTools() {
  CREDITD_ASSIGN_OR_RETURN(const domain::Catalog catalog, Load());
  std::vector<domain::Tool> active;
  for (const auto& tool : catalog.tools) {
    if (tool.is_active) {
      active.push_back(tool);
    }
  }
  return active;
}

Result<std::shared_ptr<const domain::Catalog>> CatalogService::Cached() {
  const MutexLock lock(cache_mutex_);
  if (!cache_) {
    CREDITD_ASSIGN_OR_RETURN(domain::Catalog catalog, Load());
    cache_ = std::make_shared<const domain::Catalog>(std::move(catalog));
  }
  return cache_;
}

Result<domain::Tool> CatalogService::FindTool(std::string_view key) {
  CREDITD_ASSIGN_OR_RETURN(const auto catalog, Cached());
  for (const domain::Tool& tool : catalog->tools) {
    if (tool.key == key && tool.is_active) {
      return tool;
    }
  }
  return Status(reason::kToolNotFound, "no active tool is called \"" + std::string(key) + "\"")
      .WithField("tool");
}

Result<domain::Plan> CatalogService::PlanFor(
    const std::optional<domain::Subscription>& subscription) {
  return PlanByKey(domain::EffectivePlanKey(subscription));
}

Result<domain::Plan> CatalogService::PlanByKey(std::string_view key) {
  CREDITD_ASSIGN_OR_RETURN(const auto catalog, Cached());
  for (const domain::Plan& plan : catalog->plans) {
    if (plan.key == key) {
      return plan;
    }
  }
  domain::Plan unknown;
  unknown.key = std::string(key);
  unknown.name = std::string(key);
  return unknown;
}

Result<domain::Plan> CatalogService::PlanOf(UnitOfWork& uow, int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(const auto subscription, uow.subscriptions().FindCurrent(account_id));
  return PlanFor(subscription);
}

Result<std::vector<std::string>> CatalogService::FeaturesOf(UnitOfWork& uow, int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(domain::Plan plan, PlanOf(uow, account_id));
  return std::move(plan.features);
}

Status CatalogService::CheckToolAllowed(UnitOfWork& uow, int64_t account_id,
                                        const domain::Tool& tool) {
  if (tool.required_feature.empty()) {
    return Status::Ok();
  }
  CREDITD_ASSIGN_OR_RETURN(const auto features, FeaturesOf(uow, account_id));
  return domain::CheckFeature(tool, features);
}

}  // namespace creditd::app
