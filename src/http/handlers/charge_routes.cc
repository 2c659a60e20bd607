// The charging API (issue 5): server-to-server charges and entitlements for tool backends with
// an API key, and end-user tool runs with a bearer token. Every write accepts an
// Idempotency-Key; app/ stores its typed result with the effect and this file renders it, so a
// replay is the first answer byte for byte.
#include "common/status_macros.h"
#include "common/strings.h"
#include "http/error_response.h"
#include "http/handlers/handler_support.h"
#include "http/handlers/routes.h"

namespace creditd::http {

using nlohmann::json;

namespace {

json ChargeJson(const app::ChargeView& view) {
  const domain::Charge& charge = view.charge;
  json metadata = json::parse(charge.metadata, nullptr, false);
  return {{"charge_id", charge.id},
          {"status", domain::HoldStatusName(charge.status)},
          {"account_id", charge.account_id},
          {"user_id", charge.user_id ? json(*charge.user_id) : json(nullptr)},
          {"tool", charge.tool_key},
          {"units", charge.units},
          {"unit_credits", charge.unit_credits},
          {"price_version", charge.price_version},
          {"member_free", charge.member_free},
          {"reserved", charge.reserved},
          {"captured", charge.captured},
          {"refunded", charge.refunded},
          {"credits", view.credits},
          {"metadata", metadata.is_discarded() ? json::object() : metadata},
          {"created_at", FormatRfc3339(charge.created_at)},
          {"expires_at", FormatRfc3339(charge.expires_at)},
          {"resolved_at", OptionalTimeJson(charge.resolved_at)}};
}

json RunJson(const domain::ToolRun& run, bool with_result) {
  json out = {{"id", run.id},
              {"tool", run.tool_key},
              {"status", domain::RunStatusName(run.status)},
              {"prompt", run.prompt},
              {"cost", run.cost},
              {"charge_id", run.charge_id},
              {"error", run.error.empty() ? json(nullptr) : json(run.error)},
              {"created_at", FormatRfc3339(run.created_at)},
              {"finished_at", OptionalTimeJson(run.finished_at)}};
  json params = json::parse(run.params, nullptr, false);
  out["params"] = params.is_discarded() ? json::object() : params;
  if (run.status != domain::RunStatus::kSucceeded) {
    out["result"] = nullptr;
    return out;
  }
  json result = {{"content_type", run.result_type}};
  if (run.result_type.starts_with("image/")) {
    result["image_url"] = "/api/v1/tools/runs/" + std::to_string(run.id) + "/image";
    if (with_result) {
      result["data_url"] = "data:" + run.result_type + ";base64," + run.result;
    }
  } else if (with_result) {
    json parsed = json::parse(run.result, nullptr, false);
    result["body"] = parsed.is_discarded() ? json(run.result) : parsed;
  }
  out["result"] = std::move(result);
  return out;
}

// Turns the outcome of an asynchronous charge write into the route's response: `status` and
// the charge, or the error.
app::ChargeDone AnswerCharge(const Request& request, Responder respond, int status) {
  return [request_id = request.request_id, respond = std::move(respond),
          status](Result<app::Idempotent<app::ChargeView>> result) {
    respond(result.ok() ? IdempotentResponse(ChargeJson(result->value), status, result->replayed)
                        : ErrorResponse(result.status(), request_id));
  };
}

std::string MetadataText(const std::optional<json>& object) {
  return object ? object->dump() : "{}";
}

void RegisterCharges(Router& router, ApiServices& services) {
  app::ApiKeyService& keys = services.api_keys;
  app::ChargeService& charges = services.charges;

  // Charge writes are asynchronous routes: parsed and checked on the I/O thread, committed by the
  // group-commit writer, answered from there (no worker thread waits for the batch).
  router.AddAsync(
      Method::kPost, "/api/v1/charges",
      [&keys, &charges](Request& request, Responder respond) {
        app::ChargeRequest command;
        app::IdempotentRequest idempotency;
        const Status checked = [&]() -> Status {
          CREDITD_ASSIGN_OR_RETURN(const app::ApiKey key, AuthenticateApiKey(request, keys));
          CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
          command.user_id = body.OptionalInt("user_id", 1, int64_t{1} << 53);
          command.account_id = body.OptionalInt("account_id", 1, int64_t{1} << 53);
          command.tool = body.RequiredString("tool", 100);
          command.units = body.OptionalInt("units", 1, domain::kMaxUnits).value_or(1);
          command.hold_seconds =
              body.OptionalInt("hold_seconds", 1, domain::kMaxHoldTimeout.count());
          command.capture = body.OptionalBool("capture").value_or(false);
          command.metadata = MetadataText(body.OptionalObject("metadata"));
          CREDITD_RETURN_IF_ERROR(body.Finish());
          command.source = "api_key:" + std::to_string(key.id);
          CREDITD_ASSIGN_OR_RETURN(idempotency, ReadIdempotency(request, command.source));
          return Status::Ok();
        }();
        if (!checked.ok()) {
          respond(ErrorResponse(checked, request.request_id));
          return;
        }
        charges.Create(std::move(command), std::move(idempotency),
                       AnswerCharge(request, std::move(respond), 201));
      },
      ApiKeyAnswersFromMemory(keys));

  router.AddRead(Method::kGet, "/api/v1/charges/{id}", [&keys, &charges](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateApiKey(request, keys).status());
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_ASSIGN_OR_RETURN(const app::ChargeView view, charges.Get(id));
      return Success(ChargeJson(view));
    });
  });

  // capture, release and refund share their shape: an optional amount, an idempotent reply.
  enum class Action { kCapture, kRelease, kRefund };
  const auto add_action = [&](const char* pattern, Action action) {
    router.AddAsync(
        Method::kPost, pattern,
        [&keys, &charges, action](Request& request, Responder respond) {
          int64_t id = 0;
          std::optional<int64_t> amount;
          app::IdempotentRequest idempotency;
          const Status checked = [&]() -> Status {
            CREDITD_ASSIGN_OR_RETURN(const app::ApiKey key, AuthenticateApiKey(request, keys));
            CREDITD_ASSIGN_OR_RETURN(id, PathId(request, "id"));
            CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request, /*allow_empty=*/true));
            if (action != Action::kRelease) {
              amount = body.OptionalInt("amount", 0, domain::kMaxCreditsPerOperation);
            }
            CREDITD_RETURN_IF_ERROR(body.Finish());
            CREDITD_ASSIGN_OR_RETURN(idempotency,
                                     ReadIdempotency(request, "api_key:" + std::to_string(key.id)));
            return Status::Ok();
          }();
          if (!checked.ok()) {
            respond(ErrorResponse(checked, request.request_id));
            return;
          }
          auto done = AnswerCharge(request, std::move(respond), 200);
          switch (action) {
            case Action::kCapture:
              charges.Capture(id, amount, std::move(idempotency), std::move(done));
              return;
            case Action::kRelease:
              charges.Release(id, std::move(idempotency), std::move(done));
              return;
            case Action::kRefund:
              charges.Refund(id, amount, std::move(idempotency), std::move(done));
              return;
          }
        },
        ApiKeyAnswersFromMemory(keys));
  };
  add_action("/api/v1/charges/{id}/capture", Action::kCapture);
  add_action("/api/v1/charges/{id}/release", Action::kRelease);
  add_action("/api/v1/charges/{id}/refund", Action::kRefund);

  router.Add(Method::kGet, "/api/v1/entitlements/{user_id}", [&keys, &charges](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateApiKey(request, keys).status());
      CREDITD_ASSIGN_OR_RETURN(const int64_t user_id, PathId(request, "user_id"));
      CREDITD_ASSIGN_OR_RETURN(const app::Entitlements entitlements,
                               charges.GetEntitlements(user_id));
      json tools = json::array();
      for (const domain::Tool& tool : entitlements.runnable_tools) {
        tools.push_back(
            {{"key", tool.key}, {"credits", entitlements.is_member ? 0 : tool.credits}});
      }
      return Success({{"user_id", entitlements.user_id},
                      {"account_id", entitlements.account_id},
                      {"credits", entitlements.credits},
                      {"is_member", entitlements.is_member},
                      {"member_expired_at", OptionalTimeJson(entitlements.member_expired_at)},
                      {"features", entitlements.features},
                      {"tools", tools}});
    });
  });
}

void RegisterRuns(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  app::ToolRunService& runs = services.runs;

  router.Add(
      Method::kPost, "/api/v1/tools/{tool}/runs", [&auth, &runs, &services](Request& request) {
        return Respond(request, [&]() -> Result<Response> {
          CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
          CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
          app::RunRequest command;
          command.user_id = principal.user_id;
          if (request.Header("x-account-id")) {  // A member spending the team's credits.
            CREDITD_ASSIGN_OR_RETURN(const auto acting,
                                     ActingAccountOf(request, principal, services.teams));
            command.account_id = acting.account_id;
          }
          command.tool = request.path_params.at("tool");
          command.prompt = body.RequiredString("prompt", static_cast<int>(domain::kMaxPromptBytes));
          const std::optional<json> params = body.OptionalObject("params");
          CREDITD_RETURN_IF_ERROR(body.Finish());
          if (params) {
            command.params = params->dump();
            if (const auto fail = params->find("fail"); fail != params->end()) {
              if (!fail->is_boolean()) {
                return Status(reason::kInvalidField, "params.fail must be true or false")
                    .WithField("params.fail");
              }
              command.fail = fail->get<bool>();
            }
          }
          CREDITD_ASSIGN_OR_RETURN(
              const app::IdempotentRequest idempotency,
              ReadIdempotency(request, "user:" + std::to_string(principal.user_id)));
          CREDITD_ASSIGN_OR_RETURN(const app::Idempotent<app::RunView> result,
                                   runs.Run(command, idempotency));
          json data = RunJson(result.value.run, /*with_result=*/true);
          data["credits"] = result.value.credits;
          return IdempotentResponse(data, 201, result.replayed);
        });
      });

  router.Add(Method::kGet, "/api/v1/tools/runs", [&auth, &runs](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const Page page, ParsePage(request));
      CREDITD_ASSIGN_OR_RETURN(const app::RunPage result,
                               runs.List(principal.user_id, page.skip, page.limit));
      json items = json::array();
      for (const domain::ToolRun& run : result.items) {
        items.push_back(RunJson(run, /*with_result=*/false));
      }
      return Success(
          {{"items", items}, {"total", result.total}, {"skip", page.skip}, {"limit", page.limit}});
    });
  });

  router.Add(Method::kGet, "/api/v1/tools/runs/{id}", [&auth, &runs](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_ASSIGN_OR_RETURN(const domain::ToolRun run, runs.Get(principal.user_id, id));
      return Success(RunJson(run, /*with_result=*/true));
    });
  });

  router.Add(Method::kGet, "/api/v1/tools/runs/{id}/image", [&auth, &runs](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_ASSIGN_OR_RETURN(const domain::ToolRun run, runs.Get(principal.user_id, id));
      if (run.status != domain::RunStatus::kSucceeded || !run.result_type.starts_with("image/")) {
        return Status(reason::kRunNotFound, "this run has no image");
      }
      Response response;
      response.content_type = run.result_type;
      response.body = Base64Decode(run.result).value_or("");
      response.headers.emplace_back("Cache-Control", "private, max-age=86400");
      return response;
    });
  });
}

}  // namespace

void RegisterChargeRoutes(Router& router, ApiServices& services) {
  RegisterCharges(router, services);
  RegisterRuns(router, services);
}

}  // namespace creditd::http
