#include "app/credit_ledger.h"

#include "app/ports/account_repository.h"
#include "app/ports/ledger_repository.h"
#include "common/status_macros.h"

namespace creditd::app {

using domain::Account;
using domain::Grant;
using domain::GrantMovement;
using domain::LedgerEntry;

namespace {

// Expires the due grants of an already locked account, updating `account` in place.
Result<int64_t> ExpireLocked(UnitOfWork& uow, Account& account, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(std::vector<Grant> grants, uow.ledger().ListOpenGrants(account.id));
  domain::SortForSpending(grants);  // Deterministic order of EXPIRE entries.
  int64_t expired = 0;
  for (const Grant& grant : grants) {
    if (!domain::IsDueToExpire(grant, now)) {
      continue;
    }
    CREDITD_ASSIGN_OR_RETURN(const int64_t balance,
                             domain::ApplyToBalance(account.balance, -grant.remaining));
    LedgerEntry entry;
    entry.account_id = account.id;
    entry.type = domain::EntryType::kExpire;
    entry.amount = -grant.remaining;
    entry.balance_after = balance;
    entry.order_id = grant.order_id;
    entry.reference = "grant:" + std::to_string(grant.id);
    entry.description = std::to_string(grant.remaining) + " credits expired (" +
                        std::string(domain::GrantSourceName(grant.source)) + ")";
    entry.created_at = now;
    CREDITD_RETURN_IF_ERROR(
        uow.ledger().AppendEntry(entry, {GrantMovement{0, grant.id, -grant.remaining}}));
    CREDITD_RETURN_IF_ERROR(uow.ledger().UpdateGrantRemaining(grant.id, 0));
    account.balance = balance;
    ++expired;
  }
  if (expired > 0) {
    CREDITD_RETURN_IF_ERROR(
        uow.accounts().UpdateBalance(account.id, account.balance, account.held, now));
  }
  return expired;
}

}  // namespace

Result<LedgerEntry> CreditLedger::AddCredits(UnitOfWork& uow, const CreditCommand& command,
                                             Timestamp now) {
  CREDITD_RETURN_IF_ERROR(domain::ValidateOperationAmount(command.amount));
  if (command.bonus < 0 || command.bonus > domain::kMaxCreditsPerOperation) {
    return Status(reason::kInvalidAmount,
                  "bonus must be between 0 and " + std::to_string(domain::kMaxCreditsPerOperation))
        .WithField("bonus");
  }
  if (command.expires_at && *command.expires_at <= now) {
    return Status(reason::kInvalidField, "expires_at must be in the future")
        .WithField("expires_at");
  }
  CREDITD_ASSIGN_OR_RETURN(Account account, uow.accounts().GetForUpdate(command.account_id));
  CREDITD_RETURN_IF_ERROR(ExpireLocked(uow, account, now));
  const int64_t total = command.amount + command.bonus;
  CREDITD_ASSIGN_OR_RETURN(const int64_t balance, domain::ApplyToBalance(account.balance, total));

  std::vector<GrantMovement> movements;
  const auto add_grant = [&](int64_t amount, domain::GrantSource source,
                             std::optional<int> priority) -> Status {
    Grant grant;
    grant.account_id = account.id;
    grant.source = source;
    grant.priority = priority.value_or(domain::DefaultPriority(source));
    grant.amount = amount;
    grant.remaining = amount;
    grant.expires_at = command.expires_at;
    grant.order_id = command.order_id;
    grant.created_at = now;
    CREDITD_ASSIGN_OR_RETURN(const int64_t grant_id, uow.ledger().InsertGrant(grant));
    movements.push_back({0, grant_id, amount});
    return Status::Ok();
  };
  CREDITD_RETURN_IF_ERROR(add_grant(command.amount, command.source, command.priority));
  if (command.bonus > 0) {
    CREDITD_RETURN_IF_ERROR(add_grant(command.bonus, domain::GrantSource::kBonus, std::nullopt));
  }

  LedgerEntry entry;
  entry.account_id = account.id;
  entry.type = command.type;
  entry.amount = total;
  entry.balance_after = balance;
  entry.order_id = command.order_id;
  entry.reference = command.reference;
  entry.description = command.description;
  entry.created_at = now;
  CREDITD_ASSIGN_OR_RETURN(entry.id, uow.ledger().AppendEntry(entry, movements));
  CREDITD_RETURN_IF_ERROR(uow.accounts().UpdateBalance(account.id, balance, account.held, now));
  return entry;
}

Result<LedgerEntry> CreditLedger::RemoveCredits(UnitOfWork& uow, const DebitCommand& command,
                                                Timestamp now) {
  CREDITD_RETURN_IF_ERROR(domain::ValidateOperationAmount(command.amount));
  CREDITD_ASSIGN_OR_RETURN(Account account, uow.accounts().GetForUpdate(command.account_id));
  CREDITD_RETURN_IF_ERROR(ExpireLocked(uow, account, now));
  CREDITD_ASSIGN_OR_RETURN(std::vector<Grant> grants, uow.ledger().ListOpenGrants(account.id));
  CREDITD_ASSIGN_OR_RETURN(const std::vector<domain::Draw> draws,
                           domain::PlanDebit(grants, command.amount, account.available(), now));
  CREDITD_ASSIGN_OR_RETURN(const int64_t balance,
                           domain::ApplyToBalance(account.balance, -command.amount));

  std::vector<GrantMovement> movements;
  movements.reserve(draws.size());
  for (const domain::Draw& draw : draws) {
    for (const Grant& grant : grants) {
      if (grant.id == draw.grant_id) {
        CREDITD_RETURN_IF_ERROR(
            uow.ledger().UpdateGrantRemaining(grant.id, grant.remaining - draw.amount));
        break;
      }
    }
    movements.push_back({0, draw.grant_id, -draw.amount});
  }

  LedgerEntry entry;
  entry.account_id = account.id;
  entry.type = command.type;
  entry.amount = -command.amount;
  entry.balance_after = balance;
  entry.order_id = command.order_id;
  entry.reference = command.reference;
  entry.description = command.description;
  entry.created_at = now;
  CREDITD_ASSIGN_OR_RETURN(entry.id, uow.ledger().AppendEntry(entry, movements));
  CREDITD_RETURN_IF_ERROR(uow.accounts().UpdateBalance(account.id, balance, account.held, now));
  return entry;
}

Result<int64_t> CreditLedger::ExpireDueGrants(UnitOfWork& uow, int64_t account_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(Account account, uow.accounts().GetForUpdate(account_id));
  return ExpireLocked(uow, account, now);
}

Result<domain::AccountSnapshot> CreditLedger::Snapshot(UnitOfWork& uow, int64_t account_id) {
  domain::AccountSnapshot snapshot;
  CREDITD_ASSIGN_OR_RETURN(snapshot.account, uow.accounts().Get(account_id));
  CREDITD_ASSIGN_OR_RETURN(snapshot.grants, uow.ledger().ListGrants(account_id));
  CREDITD_ASSIGN_OR_RETURN(snapshot.entries, uow.ledger().ListAllEntries(account_id));
  CREDITD_ASSIGN_OR_RETURN(snapshot.movements, uow.ledger().ListMovements(account_id));
  // Holds arrive with the charging API; until then nothing may be held.
  snapshot.pending_holds = 0;
  return snapshot;
}

Status CreditLedger::Verify(UnitOfWork& uow, int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(const domain::AccountSnapshot snapshot, Snapshot(uow, account_id));
  return domain::CheckInvariants(snapshot);
}

}  // namespace creditd::app
