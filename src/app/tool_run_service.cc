#include "app/tool_run_service.h"

#include "app/credit_ledger.h"
#include "app/result_codecs.h"
#include "app/transaction.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace creditd::app {

bool DemoRunFails(const domain::Tool& tool, int64_t run_id, bool requested) {
  if (requested) {
    return true;
  }
  // Knuth's multiplicative hash spreads consecutive ids evenly over 0..99.
  const uint64_t spread = (static_cast<uint64_t>(run_id) * 2654435761ULL) % 100;
  return spread < static_cast<uint64_t>(tool.fail_percent);
}

Result<Idempotent<RunView>> ToolRunService::Run(const RunRequest& request,
                                                const IdempotentRequest& idempotency) {
  if (TrimAscii(request.prompt).empty()) {
    return Status(reason::kMissingField, "prompt is required").WithField("prompt");
  }
  if (request.prompt.size() > domain::kMaxPromptBytes) {
    return Status(reason::kInvalidField, "prompt must be at most 4000 bytes").WithField("prompt");
  }
  if (request.params.size() > domain::kMaxChargeMetadataBytes) {
    return Status(reason::kInvalidField, "params must be at most 4096 bytes of JSON")
        .WithField("params");
  }
  CREDITD_ASSIGN_OR_RETURN(const domain::Tool tool, catalog_.FindTool(request.tool));
  CREDITD_ASSIGN_OR_RETURN(const InFlightKeys::Claim claim,
                           charges_.in_flight().Acquire(idempotency));

  // Step 1: reserve and record the run (or find the stored run of an earlier identical call).
  struct Started {
    std::optional<RunView> stored;
    domain::ToolRun run;
  };
  CREDITD_ASSIGN_OR_RETURN(
      Started started, charges_.batcher().RunFor<Started>([&](UnitOfWork& uow) -> Result<Started> {
        Started out;
        CREDITD_ASSIGN_OR_RETURN(out.stored, FindIdempotent<RunView>(uow, idempotency));
        if (out.stored) {
          return out;
        }
        const Timestamp now = clock_.Now();
        CREDITD_ASSIGN_OR_RETURN(const int64_t account_id,
                                 request.account_id
                                     ? ResolveChargeAccount(uow, std::nullopt, request.account_id)
                                     : ResolveChargeAccount(uow, request.user_id, std::nullopt));
        CREDITD_RETURN_IF_ERROR(catalog_.CheckToolAllowed(uow, account_id, tool));
        ReserveCommand command;
        command.account_id = account_id;
        command.user_id = request.user_id;
        command.tool = tool;
        command.source = "user:" + std::to_string(request.user_id);
        // The hold outlives the slowest allowed upstream call, so a run that finishes in time
        // can always be captured.
        command.hold = std::max(domain::kDefaultHoldTimeout,
                                std::chrono::seconds(tool.upstream_timeout_ms / 1000 + 60));
        CREDITD_ASSIGN_OR_RETURN(const ChargeView view, CreditLedger::Reserve(uow, command, now));
        out.run.user_id = request.user_id;
        out.run.account_id = account_id;
        out.run.tool_key = tool.key;
        out.run.charge_id = view.charge.id;
        out.run.prompt = request.prompt;
        out.run.params = request.params;
        out.run.created_at = now;
        CREDITD_ASSIGN_OR_RETURN(out.run.id, uow.charges().InsertRun(out.run));
        return out;
      }));
  if (started.stored) {
    return Idempotent<RunView>{std::move(*started.stored), true};
  }

  // Step 2: the call itself, outside any transaction.
  domain::ToolRun run = std::move(started.run);
  ToolOutput output;
  if (tool.upstream_url.empty() && DemoRunFails(tool, run.id, request.fail)) {
    output.error = "the demo tool failed as requested; the credits were not spent";
  } else {
    ToolCall call{tool, run.id, request.user_id, request.prompt, request.params};
    output = (tool.upstream_url.empty() ? demo_runner_ : upstream_runner_).Run(call);
  }

  // Step 3: capture on success, release on failure, and store the run with the outcome.
  const Timestamp now = clock_.Now();
  return charges_.batcher().RunFor<Idempotent<RunView>>(
      [&](UnitOfWork& uow) -> Result<Idempotent<RunView>> {
        RunView view;
        view.run = run;
        if (output.succeeded) {
          CREDITD_ASSIGN_OR_RETURN(const ChargeView charge,
                                   CreditLedger::Capture(uow, run.charge_id, std::nullopt, now));
          view.run.status = domain::RunStatus::kSucceeded;
          view.run.cost = charge.charge.captured;
          view.run.result_type = output.content_type;
          view.run.result = output.body;
          view.credits = charge.credits;
        } else {
          CREDITD_ASSIGN_OR_RETURN(const ChargeView charge,
                                   CreditLedger::Release(uow, run.charge_id, now));
          view.run.status = domain::RunStatus::kFailed;
          view.run.cost = 0;
          view.run.error = output.error.empty() ? "the tool failed" : output.error;
          view.credits = charge.credits;
        }
        view.run.finished_at = now;
        CREDITD_RETURN_IF_ERROR(uow.charges().UpdateRun(view.run));
        CREDITD_RETURN_IF_ERROR(StoreIdempotent(uow, idempotency, view, now));
        return Idempotent<RunView>{std::move(view), false};
      });
}

Result<RunPage> ToolRunService::List(int64_t user_id, int64_t skip, int64_t limit) {
  return InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
    return uow.charges().ListRuns(user_id, skip, limit);
  });
}

Result<domain::ToolRun> ToolRunService::Get(int64_t user_id, int64_t run_id) {
  CREDITD_ASSIGN_OR_RETURN(domain::ToolRun run,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.charges().GetRun(run_id);
                           }));
  if (run.user_id != user_id) {
    return Status(reason::kRunNotFound, "run not found");
  }
  return run;
}

}  // namespace creditd::app
