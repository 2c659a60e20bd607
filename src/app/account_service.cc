#include "app/account_service.h"

#include "app/credit_ledger.h"
#include "app/ports/account_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace creditd::app {

namespace {

Status ValidateAdjust(const AdjustCommand& command, Timestamp now) {
  if (command.amount == 0) {
    return Status(reason::kInvalidAmount, "amount must not be zero").WithField("amount");
  }
  CREDITD_RETURN_IF_ERROR(
      domain::ValidateOperationAmount(command.amount < 0 ? -command.amount : command.amount));
  const auto reason_length = CountUtf8CodePoints(TrimAscii(command.reason));
  if (reason_length < 1 || reason_length > kAdjustReasonLengthMax) {
    return Status(reason::kInvalidField, "reason must be 1 to 500 characters").WithField("reason");
  }
  if (command.expires_at && command.amount < 0) {
    return Status(reason::kInvalidField, "expires_at applies only to positive adjustments")
        .WithField("expires_at");
  }
  if (command.expires_at && *command.expires_at <= now) {
    return Status(reason::kInvalidField, "expires_at must be in the future")
        .WithField("expires_at");
  }
  if (!command.idempotency_key.empty()) {
    CREDITD_RETURN_IF_ERROR(ValidateIdempotencyKey(command.idempotency_key));
  }
  return Status::Ok();
}

// The canonical text of an adjustment; two requests are "the same" when these match.
std::string AdjustFingerprint(const AdjustCommand& command) {
  return "adjust|" + std::to_string(command.account_id) + "|" + std::to_string(command.amount) +
         "|" + (command.expires_at ? std::to_string(ToUnixSeconds(*command.expires_at)) : "-") +
         "|" + std::string(TrimAscii(command.reason));
}

}  // namespace

Result<AdjustOutcome> AccountService::Adjust(const AdjustCommand& command) {
  const Timestamp now = clock_.Now();
  CREDITD_RETURN_IF_ERROR(ValidateAdjust(command, now));
  const std::string scope = "admin:" + std::to_string(command.actor_user_id);
  const std::string fingerprint = AdjustFingerprint(command);

  return InTransaction(
      database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<AdjustOutcome> {
        AdjustOutcome outcome;
        CREDITD_ASSIGN_OR_RETURN(
            const auto earlier,
            FindIdempotentResult(uow, scope, command.idempotency_key, fingerprint));
        if (earlier) {
          const auto entry_id = ParseResultRef(*earlier, "entry:");
          if (!entry_id) {
            return Status(reason::kInternal, "internal error")
                .WithInternalDetail("bad idempotency result " + *earlier);
          }
          CREDITD_ASSIGN_OR_RETURN(outcome.entry, uow.ledger().FindEntry(*entry_id));
          CREDITD_ASSIGN_OR_RETURN(outcome.account, uow.accounts().Get(command.account_id));
          outcome.replayed = true;
          return outcome;
        }
        const std::string description(TrimAscii(command.reason));
        if (command.amount > 0) {
          CreditCommand credit;
          credit.account_id = command.account_id;
          credit.amount = command.amount;
          credit.type = domain::EntryType::kAdjust;
          credit.source = domain::GrantSource::kAdjustment;
          credit.expires_at = command.expires_at;
          credit.reference = "admin:" + std::to_string(command.actor_user_id);
          credit.description = description;
          CREDITD_ASSIGN_OR_RETURN(outcome.entry, CreditLedger::AddCredits(uow, credit, now));
        } else {
          DebitCommand debit;
          debit.account_id = command.account_id;
          debit.amount = -command.amount;
          debit.type = domain::EntryType::kAdjust;
          debit.reference = "admin:" + std::to_string(command.actor_user_id);
          debit.description = description;
          CREDITD_ASSIGN_OR_RETURN(outcome.entry, CreditLedger::RemoveCredits(uow, debit, now));
        }
        CREDITD_RETURN_IF_ERROR(
            RememberIdempotentResult(uow, scope, command.idempotency_key, fingerprint,
                                     "entry:" + std::to_string(outcome.entry.id), now));
        CREDITD_ASSIGN_OR_RETURN(outcome.account, uow.accounts().Get(command.account_id));
        return outcome;
      });
}

Result<domain::Account> AccountService::GetAccount(int64_t account_id) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) { return uow.accounts().Get(account_id); });
}

Result<EntryPage> AccountService::ListEntries(const EntryQuery& query) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) -> Result<EntryPage> {
                         CREDITD_RETURN_IF_ERROR(uow.accounts().Get(query.account_id));
                         return uow.ledger().ListEntries(query);
                       });
}

Result<int64_t> AccountService::VerifyAll(const std::function<void(int64_t)>& progress) {
  constexpr int kBatchSize = 1000;
  int64_t checked = 0;
  int64_t after_id = 0;
  for (;;) {
    // One read transaction per batch keeps snapshots short on a busy server.
    auto batch = InTransaction(
        database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<std::vector<int64_t>> {
          CREDITD_ASSIGN_OR_RETURN(auto ids, uow.accounts().ListIds(after_id, kBatchSize));
          for (const int64_t id : ids) {
            CREDITD_RETURN_IF_ERROR(CreditLedger::Verify(uow, id));
          }
          return ids;
        });
    if (!batch.ok()) {
      return std::move(batch).status();
    }
    if (batch->empty()) {
      return checked;
    }
    checked += static_cast<int64_t>(batch->size());
    after_id = batch->back();
    if (progress) {
      progress(checked);
    }
  }
}

Status AccountService::LiftFreeze(int64_t account_id) {
  const Timestamp now = clock_.Now();
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
    CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(account_id).status());
    return uow.accounts().SetFrozen(account_id, "", now);
  });
}

}  // namespace creditd::app
