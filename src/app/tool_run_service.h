// ToolRunService: end-user runs of AI tools (issue 5 point 5, seed 002's "each generation 10
// credits, members free, failures refunded"). A run reserves the tool's price, calls the tool
// (the demo renderer, or the tool's upstream URL), then captures on success or releases on
// failure, so a failed run costs nothing. Each step is its own batched transaction: the tool
// call itself holds no database lock. If creditd dies mid-run, the hold expires and the expiry
// job marks the run failed, so the credits come back either way.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/catalog_service.h"
#include "app/charge_service.h"
#include "app/idempotency.h"
#include "app/ports/charge_repository.h"
#include "app/ports/tool_runner.h"
#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

struct RunRequest {
  int64_t user_id = 0;
  // The account that pays: a team the user acts for (X-Account-Id, checked by
  // TeamService::ResolveAccount); nullopt: the user's personal account.
  std::optional<int64_t> account_id;
  std::string tool;
  std::string prompt;
  std::string params = "{}";  // JSON object text, at most 4 KiB.
  bool fail = false;          // params.fail: the demo renderer fails on request.
};

struct RunView {
  domain::ToolRun run;
  int64_t credits = 0;  // The user's spendable credits after the run.
};

class ToolRunService {
 public:
  ToolRunService(Database& database, ChargeService& charges, CatalogService& catalog,
                 ToolRunner& demo_runner, ToolRunner& upstream_runner, const Clock& clock)
      : database_(database),
        charges_(charges),
        catalog_(catalog),
        demo_runner_(demo_runner),
        upstream_runner_(upstream_runner),
        clock_(clock) {}

  // Runs a tool for a user. A failed tool call is not an error: the run comes back with status
  // "failed", cost 0 and the credits released. Errors: "invalid_field"/"missing_field"
  // (prompt, params), "tool_not_found", "user_not_found", "upgrade_required",
  // "insufficient_credits", "hold_expired" (the tool outran its hold), idempotency reasons.
  // With an Idempotency-Key the finished run is stored with its outcome (by value) and a replay
  // returns it as it was. Blocks for the tool call: run it on a worker thread.
  Result<Idempotent<RunView>> Run(const RunRequest& request, const IdempotentRequest& idempotency);

  // A page of the user's runs, newest first. Errors: "invalid_query".
  Result<RunPage> List(int64_t user_id, int64_t skip, int64_t limit);

  // One of the user's runs. Errors: "run_not_found" (also for another user's run).
  Result<domain::ToolRun> Get(int64_t user_id, int64_t run_id);

 private:
  Database& database_;
  ChargeService& charges_;
  CatalogService& catalog_;
  ToolRunner& demo_runner_;
  ToolRunner& upstream_runner_;
  const Clock& clock_;
};

// True if a demo run should fail: on request, or for `fail_percent` of runs chosen by run id
// (deterministic, so tests and demos can rely on it).
bool DemoRunFails(const domain::Tool& tool, int64_t run_id, bool requested);

}  // namespace creditd::app
