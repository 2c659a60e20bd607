#include "app/subscription_service.h"

#include "app/ports/account_repository.h"
#include "app/ports/charge_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"

namespace creditd::app {

Result<SubscriptionOverview> SubscriptionService::Get(int64_t account_id,
                                                      const std::optional<std::string>& period) {
  SubscriptionOverview out;
  out.period = period.value_or(domain::PeriodOf(clock_.Now()));
  CREDITD_RETURN_IF_ERROR(domain::ValidatePeriod(out.period));
  // A pair rather than a structured binding: the lambda below uses it, and clang 14 (the fuzz
  // preset) cannot capture structured bindings.
  const auto period_range = domain::PeriodRange(out.period);
  CREDITD_ASSIGN_OR_RETURN(const auto catalog, catalog_.Cached());
  std::map<std::string, int64_t> used;
  CREDITD_RETURN_IF_ERROR(
      InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Status {
        CREDITD_RETURN_IF_ERROR(uow.accounts().Get(account_id).status());
        CREDITD_ASSIGN_OR_RETURN(out.subscription, uow.subscriptions().FindCurrent(account_id));
        CREDITD_ASSIGN_OR_RETURN(out.plan, catalog_.PlanFor(out.subscription));
        CREDITD_ASSIGN_OR_RETURN(
            const auto units, uow.charges().SumCapturedUnitsByTool(account_id, period_range.first,
                                                                   period_range.second));
        used.clear();
        for (const auto& [tool_key, count] : units) {
          for (const domain::Tool& tool : catalog->tools) {
            if (tool.key == tool_key) {
              used[tool.resource_type] += domain::UsageAmount(tool, count);
            }
          }
        }
        return Status::Ok();
      }));
  out.usage = domain::SummariseUsage(used, out.plan);
  return out;
}

}  // namespace creditd::app
