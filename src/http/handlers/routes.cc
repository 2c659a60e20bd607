#include "http/handlers/routes.h"

#include "common/status_macros.h"
#include "http/error_response.h"
#include "http/handlers/handler_support.h"

namespace creditd::http {

using nlohmann::json;

namespace {

// The web portal's session mode: a request with `X-Creditd-Client: web` gets its refresh token
// as an HttpOnly, SameSite=Strict cookie scoped to the auth routes instead of in the body, so no
// script can read it; refresh and logout then read it from the cookie. The custom header is
// itself a CSRF guard (a cross-site form cannot send it without a CORS preflight, which creditd
// never grants).
constexpr std::string_view kRefreshCookie = "creditd_refresh";

bool IsWebClient(const Request& request) {
  const auto client = request.Header("x-creditd-client");
  return client && *client == "web";
}

// The value of cookie `name` in the Cookie header, if any.
std::optional<std::string> CookieValue(const Request& request, std::string_view name) {
  const auto header = request.Header("cookie");
  if (!header) {
    return std::nullopt;
  }
  std::string_view rest = *header;
  while (!rest.empty()) {
    const size_t end = rest.find(';');
    std::string_view pair = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') {
      pair.remove_prefix(1);
    }
    const size_t equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return std::string(pair.substr(equals + 1));
    }
  }
  return std::nullopt;
}

std::string RefreshCookie(const std::string& value, int64_t max_age) {
  return std::string(kRefreshCookie) + "=" + value +
         "; Path=/api/v1/auth; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Strict";
}

Response SessionResponse(const Request& request, const app::AuthSession& session, int status) {
  json data = {{"user", UserJson(session.user)},
               {"access_token", session.access_token},
               {"refresh_token", session.refresh_token},
               {"token_type", "Bearer"},
               {"expires_in", session.expires_in}};
  if (!IsWebClient(request)) {
    return Success(data, status);
  }
  data.erase("refresh_token");
  Response response = Success(data, status);
  response.headers.emplace_back("Set-Cookie",
                                RefreshCookie(session.refresh_token, session.refresh_expires_in));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// Upper bound on the password field as JSON text: 128 code points of up to 4 bytes each are
// checked precisely by the domain rule; this only stops absurd inputs early.
constexpr int kPasswordFieldCharsMax = 1024;

void RegisterHealth(Router& router, ApiServices& services) {
  // Liveness never touches the database: answered on the I/O thread, from a ready answer.
  router.AddInline(Method::kGet, "/healthz",
                   [healthy = Success({{"status", "ok"}, {"version", services.version}})](
                       Request&) { return healthy; });
  router.Add(Method::kGet, "/readyz", [&services](Request& request) {
    if (services.draining()) {
      return ErrorResponse(Status(reason::kShuttingDown, "the server is shutting down"),
                           request.request_id);
    }
    const Status ping = services.database.Ping();
    if (!ping.ok()) {
      return ErrorResponse(Status(reason::kNotReady, "the database is not reachable")
                               .WithInternalDetail(ping.ToString()),
                           request.request_id);
    }
    return Success({{"status", "ready"}, {"database", services.database.backend_name()}});
  });
  router.AddInline(Method::kGet, "/api/v1/openapi.json", [&services](Request&) {
    Response response;
    response.body = services.openapi_json;
    return response;
  });
  router.Add(Method::kGet, "/metrics", [&services](Request& request) {
    std::string_view bearer;
    if (const auto authorization = request.Header("authorization");
        authorization && authorization->starts_with("Bearer ")) {
      bearer = authorization->substr(7);
    }
    if (!services.metrics_authorized(bearer)) {
      return ErrorResponse(
          Status(reason::kUnauthenticated, "/metrics needs the metrics token as a Bearer token"),
          request.request_id);
    }
    Response response;
    response.content_type = "text/plain; version=0.0.4; charset=utf-8";
    response.body = services.render_metrics();
    return response;
  });
}

void RegisterAuth(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  router.Add(Method::kPost, "/api/v1/auth/register", [&auth](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
      const std::string email = body.RequiredString("email", 1024);
      const std::string password = body.RequiredString("password", kPasswordFieldCharsMax);
      const auto display_name = body.OptionalString("display_name", 1024);
      CREDITD_RETURN_IF_ERROR(body.Finish());
      CREDITD_ASSIGN_OR_RETURN(
          const auto session,
          auth.Register(
              email, password,
              display_name ? std::optional<std::string_view>(*display_name) : std::nullopt,
              request.remote_address));
      return SessionResponse(request, session, 201);
    });
  });
  router.Add(Method::kPost, "/api/v1/auth/login", [&auth](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
      const std::string email = body.RequiredString("email", 1024);
      const std::string password = body.RequiredString("password", kPasswordFieldCharsMax);
      CREDITD_RETURN_IF_ERROR(body.Finish());
      CREDITD_ASSIGN_OR_RETURN(const auto session,
                               auth.Login(email, password, request.remote_address));
      return SessionResponse(request, session, 200);
    });
  });
  router.Add(Method::kPost, "/api/v1/auth/refresh", [&auth](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      std::string token;
      if (IsWebClient(request)) {
        // The web portal's token is in its cookie; it sends no body.
        CREDITD_RETURN_IF_ERROR(ExpectNoBody(request));
        const auto cookie = CookieValue(request, kRefreshCookie);
        if (!cookie || cookie->empty()) {
          return Status(reason::kInvalidRefreshToken, "no session cookie; sign in again");
        }
        token = *cookie;
      } else {
        CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
        token = body.RequiredString("refresh_token", 512);
        CREDITD_RETURN_IF_ERROR(body.Finish());
      }
      CREDITD_ASSIGN_OR_RETURN(const auto session, auth.Refresh(token));
      return SessionResponse(request, session, 200);
    });
  });
  router.Add(Method::kPost, "/api/v1/auth/logout", [&auth](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request, /*allow_empty=*/true));
      auto token = body.OptionalString("refresh_token", 512);
      CREDITD_RETURN_IF_ERROR(body.Finish());
      const bool web = IsWebClient(request);
      if (web && !token) {
        if (auto cookie = CookieValue(request, kRefreshCookie); cookie && !cookie->empty()) {
          token = std::move(cookie);
        }
      }
      CREDITD_RETURN_IF_ERROR(
          auth.Logout(principal, token ? std::optional<std::string_view>(*token) : std::nullopt));
      Response response = Success({{"logged_out", true}});
      if (web) {
        response.headers.emplace_back("Set-Cookie", RefreshCookie("", 0));
      }
      return response;
    });
  });
  router.AddRead(Method::kGet, "/api/v1/auth/me", [&auth](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const auto user, auth.GetUser(principal.user_id));
      json data = UserJson(user);
      data["account_id"] = user.account_id;
      data["created_at"] = FormatRfc3339(user.created_at);
      return Success(data);
    });
  });
}

void RegisterAdmin(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  app::AccountService& accounts = services.accounts;
  router.Add(Method::kGet, "/api/v1/admin/accounts/{id}", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_ASSIGN_OR_RETURN(const auto account, accounts.GetAccount(id));
      return Success(AccountJson(account));
    });
  });
  router.Add(Method::kGet, "/api/v1/admin/accounts/{id}/entries", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_ASSIGN_OR_RETURN(const Page page, ParsePage(request));
      app::EntryQuery query{id, std::nullopt, page.skip, page.limit};
      if (const auto type = request.Query("type")) {
        query.type = domain::ParseEntryType(*type);
        if (!query.type) {
          return Status(reason::kInvalidQuery,
                        "type must be one of RECHARGE, CONSUME, REFUND, REWARD, EXPIRE, ADJUST, "
                        "GRANT")
              .WithField("type");
        }
      }
      CREDITD_ASSIGN_OR_RETURN(const auto result, accounts.ListEntries(query));
      json items = json::array();
      for (const auto& entry : result.items) {
        items.push_back(EntryJson(entry));
      }
      return Success(
          {{"items", items}, {"total", result.total}, {"skip", page.skip}, {"limit", page.limit}});
    });
  });
  router.Add(Method::kPost, "/api/v1/admin/accounts/{id}/adjustments", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto principal, AuthenticateAdmin(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
      app::AdjustCommand command;
      command.actor_user_id = principal.user_id;
      command.account_id = id;
      command.amount = body.RequiredInt("amount", -domain::kMaxCreditsPerOperation,
                                        domain::kMaxCreditsPerOperation);
      command.reason = body.RequiredString("reason", app::kAdjustReasonLengthMax);
      const auto expires_at = body.OptionalString("expires_at", 64);
      CREDITD_RETURN_IF_ERROR(body.Finish());
      if (expires_at) {
        command.expires_at = ParseRfc3339(*expires_at);
        if (!command.expires_at) {
          return Status(reason::kInvalidField,
                        "expires_at must be an RFC 3339 time like 2026-12-31T00:00:00Z")
              .WithField("expires_at");
        }
      }
      CREDITD_ASSIGN_OR_RETURN(
          command.idempotency,
          ReadIdempotency(request, "admin:" + std::to_string(command.actor_user_id)));
      CREDITD_ASSIGN_OR_RETURN(const auto outcome, accounts.Adjust(command));
      return IdempotentResponse(
          {{"entry", EntryJson(outcome.entry)}, {"account", AccountJson(outcome.account)}},
          outcome.replayed ? 200 : 201, outcome.replayed);
    });
  });
}

json ApiKeyJson(const app::ApiKey& key) {
  const auto time = [](const std::optional<Timestamp>& t) {
    return t ? json(FormatRfc3339(*t)) : json(nullptr);
  };
  return {{"id", key.id},
          {"name", key.name},
          {"prefix", key.prefix},
          {"created_at", FormatRfc3339(key.created_at)},
          {"last_used_at", time(key.last_used_at)},
          {"revoked_at", time(key.revoked_at)}};
}

void RegisterApiKeys(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  app::ApiKeyService& keys = services.api_keys;
  router.Add(Method::kPost, "/api/v1/admin/api-keys", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
      CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
      const std::string name = body.RequiredString("name", app::kApiKeyNameLengthMax);
      CREDITD_RETURN_IF_ERROR(body.Finish());
      CREDITD_ASSIGN_OR_RETURN(const auto created, keys.Create(name));
      json data = ApiKeyJson(created.key);
      data["key"] = created.secret;  // Shown this once only.
      return Success(data, 201);
    });
  });
  router.Add(Method::kGet, "/api/v1/admin/api-keys", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const auto listed, keys.List());
      json items = json::array();
      for (const auto& key : listed) {
        items.push_back(ApiKeyJson(key));
      }
      return Success(items);
    });
  });
  router.Add(Method::kDelete, "/api/v1/admin/api-keys/{id}", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_RETURN_IF_ERROR(keys.Revoke(id));
      return Success({{"id", id}, {"revoked", true}});
    });
  });
}

void RegisterTools(Router& router, ApiServices& services) {
  app::CatalogService& catalog = services.catalog;
  router.Add(Method::kGet, "/api/v1/tools", [&catalog](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto tools, catalog.ListActiveTools());
      json items = json::array();
      for (const auto& tool : tools) {
        items.push_back(
            {{"key", tool.key},
             {"name", tool.name},
             {"credits", tool.credits},
             {"unit", domain::ToolUnitName(tool.unit)},
             {"resource_type", tool.resource_type},
             {"required_feature",
              tool.required_feature.empty() ? json(nullptr) : json(tool.required_feature)}});
      }
      return Success(items);
    });
  });
}

}  // namespace

void RegisterRoutes(Router& router, ApiServices& services) {
  RegisterHealth(router, services);
  RegisterAuth(router, services);
  RegisterAdmin(router, services);
  RegisterCreditRoutes(router, services);
  RegisterTools(router, services);
  RegisterApiKeys(router, services);
  RegisterChargeRoutes(router, services);
  RegisterSubscriptionRoutes(router, services);
  RegisterTeamRoutes(router, services);
}

}  // namespace creditd::http
