#include "jobs/grant_expiry_job.h"

#include "app/credit_ledger.h"
#include "app/ports/ledger_repository.h"
#include "app/transaction.h"

namespace creditd::jobs {

Result<int64_t> GrantExpiryJob::RunOnce(Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const std::vector<int64_t> accounts,
      app::InTransaction(database_, app::TransactionMode::kRead, [&](app::UnitOfWork& uow) {
        return uow.ledger().ListAccountsWithDueGrants(now, kBatchAccountsMax);
      }));
  int64_t expired = 0;
  for (const int64_t account_id : accounts) {
    // One account per transaction keeps the write lock short while requests are served.
    CREDITD_ASSIGN_OR_RETURN(
        const int64_t count,
        app::InTransaction(database_, app::TransactionMode::kWrite, [&](app::UnitOfWork& uow) {
          return app::CreditLedger::ExpireDueGrants(uow, account_id, now);
        }));
    expired += count;
  }
  return expired;
}

}  // namespace creditd::jobs
