#include "app/account_service.h"

#include "app/credit_ledger.h"
#include "app/ports/account_repository.h"
#include "app/result_codecs.h"
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
  return Status::Ok();
}

// The ledger side of an adjustment: one ADJUST entry adding or removing the credits.
Result<domain::LedgerEntry> AdjustLedger(UnitOfWork& uow, const AdjustCommand& command,
                                         Timestamp now) {
  const std::string description(TrimAscii(command.reason));
  const std::string reference = "admin:" + std::to_string(command.actor_user_id);
  if (command.amount > 0) {
    CreditCommand credit;
    credit.account_id = command.account_id;
    credit.amount = command.amount;
    credit.type = domain::EntryType::kAdjust;
    credit.source = domain::GrantSource::kAdjustment;
    credit.expires_at = command.expires_at;
    credit.reference = reference;
    credit.description = description;
    return CreditLedger::AddCredits(uow, credit, now);
  }
  DebitCommand debit;
  debit.account_id = command.account_id;
  debit.amount = -command.amount;
  debit.type = domain::EntryType::kAdjust;
  debit.reference = reference;
  debit.description = description;
  return CreditLedger::RemoveCredits(uow, debit, now);
}

}  // namespace

Result<AdjustOutcome> AccountService::Adjust(const AdjustCommand& command) {
  const Timestamp now = clock_.Now();
  CREDITD_RETURN_IF_ERROR(ValidateAdjust(command, now));

  return InTransaction(
      database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<AdjustOutcome> {
        AdjustOutcome outcome;
        CREDITD_ASSIGN_OR_RETURN(
            Idempotent<domain::LedgerEntry> entry,
            RunIdempotent<domain::LedgerEntry>(uow, command.idempotency, now, [&](UnitOfWork& tx) {
              return AdjustLedger(tx, command, now);
            }));
        outcome.entry = std::move(entry.value);
        outcome.replayed = entry.replayed;
        CREDITD_ASSIGN_OR_RETURN(outcome.account, uow.accounts().Get(command.account_id));
        return outcome;
      });
}

Result<domain::Account> AccountService::GetAccount(int64_t account_id) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) { return uow.accounts().Get(account_id); });
}

Result<AccountRepository::Totals> AccountService::Totals() {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) { return uow.accounts().SumAll(); });
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
