#include "app/free_plan_credits.h"

#include <string>
#include <vector>

#include "app/ports/account_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/subscription_sync.h"
#include "app/transaction.h"
#include "common/status_macros.h"

namespace creditd::app {

namespace {

// The "provider" of the free plan's monthly credits in subscription_credits.
constexpr std::string_view kFreeCredits = "creditd";

}  // namespace

Result<int64_t> FreePlanCredits::GrantDue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(const std::vector<int64_t> due,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.accounts().ListFreeCreditsDue(now, limit);
                           }));
  CREDITD_ASSIGN_OR_RETURN(const domain::Plan free, catalog_.PlanByKey(domain::kFreePlan));
  int64_t granted = 0;
  for (const int64_t account_id : due) {
    CREDITD_ASSIGN_OR_RETURN(
        const bool added,
        InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<bool> {
          CREDITD_ASSIGN_OR_RETURN(const domain::Account account,
                                   uow.accounts().GetForUpdate(account_id));
          const auto [start, end] = domain::AnniversaryPeriod(account.created_at, now);
          CREDITD_ASSIGN_OR_RETURN(const auto current, uow.subscriptions().FindCurrent(account_id));
          bool added = false;
          // A paying plan brings its own credits; the free plan's are for accounts on it.
          if (domain::EffectivePlanKey(current) == domain::kFreePlan) {
            CREDITD_ASSIGN_OR_RETURN(
                added,
                GrantPlanCredits(uow, kFreeCredits,
                                 "free:" + std::to_string(account_id) + ":" +
                                     std::to_string(ToUnixSeconds(start)),
                                 account_id, std::nullopt, free.monthly_credits, end,
                                 free.name + " plan credits for the month to " + FormatRfc3339(end),
                                 now));
          }
          CREDITD_RETURN_IF_ERROR(uow.accounts().SetFreeCreditsDue(account_id, end, now));
          return added;
        }));
    granted += added ? 1 : 0;
  }
  return granted;
}

}  // namespace creditd::app
