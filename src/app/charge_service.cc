#include "app/charge_service.h"

#include "app/ports/account_repository.h"
#include "app/ports/charge_repository.h"
#include "app/ports/idempotency_repository.h"
#include "app/ports/user_repository.h"
#include "app/result_codecs.h"
#include "app/transaction.h"
#include "common/status_macros.h"
#include "domain/order.h"

namespace creditd::app {

Result<int64_t> ResolveChargeAccount(UnitOfWork& uow, std::optional<int64_t> user_id,
                                     std::optional<int64_t> account_id) {
  if (user_id.has_value() == account_id.has_value()) {
    return Status(reason::kMissingField, "give exactly one of user_id and account_id")
        .WithField("user_id");
  }
  if (user_id) {
    CREDITD_ASSIGN_OR_RETURN(const domain::User user, uow.users().FindById(*user_id));
    return user.account_id;
  }
  return *account_id;
}

void ChargeService::SubmitWrite(IdempotentRequest idempotency, ChargeWork work, ChargeDone done) {
  auto claim = in_flight_.Acquire(idempotency);
  if (!claim.ok()) {
    done(std::move(claim).status());
    return;
  }
  // Shared by the operation (which may run twice: batched, then alone) and its completion.
  struct State {
    std::optional<InFlightKeys::Claim> claim;
    IdempotentRequest idempotency;
    ChargeWork work;
    ChargeDone done;
    Timestamp now;
    std::optional<Idempotent<ChargeView>> result;
  };
  auto state = std::make_shared<State>();
  state->claim.emplace(std::move(*claim));
  state->idempotency = std::move(idempotency);
  state->work = std::move(work);
  state->done = std::move(done);
  state->now = clock_.Now();
  batcher_.Submit(
      [state](UnitOfWork& uow) -> Status {
        state->result.reset();
        CREDITD_ASSIGN_OR_RETURN(
            Idempotent<ChargeView> result,
            RunIdempotent<ChargeView>(uow, state->idempotency, state->now, state->work));
        state->result = std::move(result);
        return Status::Ok();
      },
      [state](Status status) {
        state->claim.reset();  // The key is free before the caller hears back.
        if (status.ok()) {
          state->done(std::move(*state->result));
        } else {
          state->done(std::move(status));
        }
      });
}

void ChargeService::Create(ChargeRequest request, IdempotentRequest idempotency, ChargeDone done) {
  // Everything that needs no database (or only the cached catalog) is checked before queueing.
  Status checked = domain::ValidateUnits(request.units);
  const std::chrono::seconds hold(
      request.hold_seconds.value_or(domain::kDefaultHoldTimeout.count()));
  if (checked.ok()) {
    checked = domain::ValidateHoldTimeout(hold);
  }
  if (checked.ok() && request.metadata.size() > domain::kMaxChargeMetadataBytes) {
    checked = Status(reason::kInvalidField, "metadata must be at most 4096 bytes of JSON")
                  .WithField("metadata");
  }
  Result<domain::Tool> tool =
      checked.ok() ? catalog_.FindTool(request.tool) : Result<domain::Tool>(checked);
  if (!tool.ok()) {
    done(std::move(tool).status());
    return;
  }
  SubmitWrite(
      std::move(idempotency),
      [this, request = std::move(request), tool = std::move(*tool),
       hold](UnitOfWork& uow) -> Result<ChargeView> {
        const Timestamp now = clock_.Now();
        CREDITD_ASSIGN_OR_RETURN(const int64_t account_id,
                                 ResolveChargeAccount(uow, request.user_id, request.account_id));
        CREDITD_RETURN_IF_ERROR(catalog_.CheckToolAllowed(uow, account_id, tool));
        ReserveCommand command;
        command.account_id = account_id;
        command.user_id = request.user_id;
        command.tool = tool;
        command.units = request.units;
        command.hold = hold;
        command.metadata = request.metadata;
        command.source = request.source;
        return request.capture ? CreditLedger::ChargeNow(uow, command, now)
                               : CreditLedger::Reserve(uow, command, now);
      },
      std::move(done));
}

void ChargeService::Capture(int64_t charge_id, std::optional<int64_t> amount,
                            IdempotentRequest idempotency, ChargeDone done) {
  SubmitWrite(
      std::move(idempotency),
      [this, charge_id, amount](UnitOfWork& uow) {
        return CreditLedger::Capture(uow, charge_id, amount, clock_.Now());
      },
      std::move(done));
}

void ChargeService::Release(int64_t charge_id, IdempotentRequest idempotency, ChargeDone done) {
  SubmitWrite(
      std::move(idempotency),
      [this, charge_id](UnitOfWork& uow) {
        return CreditLedger::Release(uow, charge_id, clock_.Now());
      },
      std::move(done));
}

void ChargeService::Refund(int64_t charge_id, std::optional<int64_t> amount,
                           IdempotentRequest idempotency, ChargeDone done) {
  SubmitWrite(
      std::move(idempotency),
      [this, charge_id, amount](UnitOfWork& uow) {
        return CreditLedger::Refund(uow, charge_id, amount, clock_.Now());
      },
      std::move(done));
}

Result<ChargeView> ChargeService::Get(int64_t charge_id) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) { return CreditLedger::GetCharge(uow, charge_id); });
}

Result<int64_t> ChargeService::ExpireOverdue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(const std::vector<int64_t> overdue,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.charges().ListOverdue(now, limit);
                           }));
  int64_t expired = 0;
  for (const int64_t charge_id : overdue) {
    // Each charge in its own transaction: a capture racing the job wins or loses cleanly, and
    // ExpireCharge re-checks the status under the account lock.
    CREDITD_ASSIGN_OR_RETURN(
        const bool done, InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
          return CreditLedger::ExpireCharge(uow, charge_id, now);
        }));
    expired += done ? 1 : 0;
  }
  return expired;
}

Result<int64_t> ChargeService::PruneIdempotencyKeys(Timestamp before, int limit) {
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
    return uow.idempotency().DeleteOlderThan(before, limit);
  });
}

Result<Entitlements> ChargeService::GetEntitlements(int64_t user_id) {
  const Timestamp now = clock_.Now();
  Entitlements out;
  domain::Account account;
  CREDITD_RETURN_IF_ERROR(
      InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Status {
        CREDITD_ASSIGN_OR_RETURN(const int64_t account_id,
                                 ResolveChargeAccount(uow, user_id, std::nullopt));
        CREDITD_ASSIGN_OR_RETURN(account, uow.accounts().Get(account_id));
        out.user_id = user_id;
        out.account_id = account.id;
        out.credits = account.available();
        out.is_member = domain::IsMember(account.member_expired_at, now);
        out.member_expired_at = account.member_expired_at;
        CREDITD_ASSIGN_OR_RETURN(out.features, catalog_.FeaturesOf(uow, account.id));
        return Status::Ok();
      }));
  CREDITD_ASSIGN_OR_RETURN(const std::vector<domain::Tool> tools, catalog_.ListActiveTools());
  for (const domain::Tool& tool : tools) {
    // What a reservation of one unit would decide: the feature gate, then the funding (a frozen
    // account runs nothing; a member runs everything its plan allows).
    const Result<int64_t> price = domain::PriceOf(tool, 1);
    if (price.ok() && domain::CheckFeature(tool, out.features).ok() &&
        domain::DecideFunding(account, *price, now).ok()) {
      out.runnable_tools.push_back(tool);
    }
  }
  return out;
}

}  // namespace creditd::app
