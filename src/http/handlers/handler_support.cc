#include "http/handlers/handler_support.h"

#include <charconv>

#include <openssl/sha.h>

#include "common/money.h"
#include "common/strings.h"
#include "http/error_response.h"

namespace creditd::http {

Result<JsonObjectReader> ReadJsonBody(const Request& request, bool allow_empty) {
  if (const auto type = request.Header("content-type")) {
    const std::string media = ToLowerAscii(TrimAscii(type->substr(0, type->find(';'))));
    if (media != "application/json") {
      return Status(reason::kUnsupportedMediaType,
                    "send the request body as application/json, not " + media);
    }
  }
  return JsonObjectReader::Parse(request.body, allow_empty);
}

Status ExpectNoBody(const Request& request) {
  CREDITD_ASSIGN_OR_RETURN(JsonObjectReader reader, ReadJsonBody(request, /*allow_empty=*/true));
  return reader.Finish();
}

namespace {
// The credential of an `Authorization: Bearer <credential>` header, or nullopt.
std::optional<std::string_view> BearerCredential(const Request& request) {
  const auto header = request.Header("authorization");
  constexpr std::string_view kBearer = "bearer ";
  if (!header || header->size() <= kBearer.size() ||
      ToLowerAscii(header->substr(0, kBearer.size())) != kBearer) {
    return std::nullopt;
  }
  return TrimAscii(header->substr(kBearer.size()));
}
}  // namespace

Result<app::Principal> Authenticate(const Request& request, app::AuthService& auth) {
  const auto token = BearerCredential(request);
  if (!token) {
    return Status(reason::kUnauthenticated,
                  "send an access token as Authorization: Bearer <token>");
  }
  return auth.Authenticate(*token);
}

Result<app::ApiKey> AuthenticateApiKey(const Request& request, app::ApiKeyService& api_keys) {
  const auto key = BearerCredential(request);
  if (!key) {
    return Status(reason::kUnauthenticated, "send an API key as Authorization: Bearer <key>");
  }
  return api_keys.Authenticate(*key);
}

StartsInline ApiKeyAnswersFromMemory(app::ApiKeyService& api_keys) {
  return [&api_keys](const Request& request) {
    const auto key = BearerCredential(request);
    return !key || api_keys.AnswersFromMemory(*key);
  };
}

Result<std::string> IdempotencyKeyOf(const Request& request) {
  const auto key = request.Header("idempotency-key");
  if (!key) {
    return std::string();
  }
  CREDITD_RETURN_IF_ERROR(app::ValidateIdempotencyKey(*key));
  return std::string(*key);
}

Result<app::IdempotentRequest> ReadIdempotency(const Request& request, std::string scope) {
  app::IdempotentRequest out;
  out.scope = std::move(scope);
  CREDITD_ASSIGN_OR_RETURN(out.key, IdempotencyKeyOf(request));
  if (out.key.empty()) {
    return out;
  }
  std::string material = std::string(MethodName(request.method)) + ' ' + request.path + '\n';
  material += request.body;
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(material.data()), material.size(), digest);
  out.fingerprint =
      HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  return out;
}

Response IdempotentResponse(const nlohmann::json& body, int status, bool replayed) {
  Response response = Success(body, status);
  if (replayed) {
    response.headers.emplace_back("Idempotent-Replayed", "true");
  }
  return response;
}

Result<app::Principal> AuthenticateAdmin(const Request& request, app::AuthService& auth) {
  CREDITD_ASSIGN_OR_RETURN(app::Principal principal, Authenticate(request, auth));
  if (principal.role != domain::Role::kAdmin) {
    return Status(reason::kForbidden, "this endpoint is for administrators");
  }
  return principal;
}

namespace {
Result<int64_t> ParseInt(std::string_view text, const char* field, int64_t min, int64_t max,
                         const Reason& reason) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return Status(reason, std::string(field) + " must be an integer between " +
                              std::to_string(min) + " and " + std::to_string(max))
        .WithField(field);
  }
  return value;
}
}  // namespace

Result<Page> ParsePage(const Request& request) {
  Page page;
  if (const auto skip = request.Query("skip")) {
    CREDITD_ASSIGN_OR_RETURN(page.skip,
                             ParseInt(*skip, "skip", 0, int64_t{1} << 40, reason::kInvalidQuery));
  }
  if (const auto limit = request.Query("limit")) {
    CREDITD_ASSIGN_OR_RETURN(page.limit,
                             ParseInt(*limit, "limit", 1, kPageSizeMax, reason::kInvalidQuery));
  }
  return page;
}

Result<int64_t> PathId(const Request& request, const char* name) {
  const auto it = request.path_params.find(name);
  // (A ternary with "" here would make a temporary std::string and a dangling view.)
  std::string_view text;
  if (it != request.path_params.end()) {
    text = it->second;
  }
  return ParseInt(text, name, 1, std::numeric_limits<int64_t>::max(), reason::kInvalidField);
}

nlohmann::json OptionalTimeJson(const std::optional<Timestamp>& time) {
  return time ? nlohmann::json(FormatRfc3339(*time)) : nlohmann::json(nullptr);
}

nlohmann::json UserJson(const domain::User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"display_name", user.display_name},
          {"role", domain::RoleName(user.role)}};
}

nlohmann::json EntryJson(const domain::LedgerEntry& entry) {
  return {{"id", entry.id},
          {"type", domain::EntryTypeName(entry.type)},
          {"amount", entry.amount},
          {"balance_after", entry.balance_after},
          {"description", entry.description},
          {"related_order_id",
           entry.order_id ? nlohmann::json(*entry.order_id) : nlohmann::json(nullptr)},
          {"created_at", FormatRfc3339(entry.created_at)}};
}

nlohmann::json AccountJson(const domain::Account& account) {
  return {{"id", account.id},
          {"kind", domain::AccountKindName(account.kind)},
          {"owner_user_id", account.owner_user_id ? nlohmann::json(*account.owner_user_id)
                                                  : nlohmann::json(nullptr)},
          {"balance", account.balance},
          {"held", account.held},
          {"credits", account.available()},
          {"frozen", !account.frozen_reason.empty()},
          {"frozen_reason", account.frozen_reason.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(account.frozen_reason)},
          {"created_at", FormatRfc3339(account.created_at)}};
}

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Response HtmlPage(int status, const std::string& title, const std::string& body) {
  Response response;
  response.status = status;
  response.content_type = "text/html; charset=utf-8";
  response.body =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\"><title>" +
      EscapeHtml(title) +
      "</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem "
      "auto;padding:0 1rem;color:#1f2328}dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem "
      "1rem}dt{color:#59636e}button{font-size:1rem;padding:.6rem 1.4rem;margin-right:.6rem;"
      "border-radius:.4rem;border:1px solid #8c959f;cursor:pointer}.pay{background:#1f883d;"
      "color:#fff;border-color:#1f883d}.note{color:#59636e;font-size:.9rem}</style></head><body>"
      "<h1>" +
      EscapeHtml(title) + "</h1>" + body + "</body></html>";
  return response;
}

Response HtmlError(const Status& status, const std::string& title) {
  return HtmlPage(HttpStatusFor(status), title,
                  "<p>" + EscapeHtml(status.message()) + "</p><p class=\"note\">reason: " +
                      EscapeHtml(std::string(status.reason())) + "</p>");
}

Result<app::ActingAccount> ActingAccountOf(const Request& request, const app::Principal& principal,
                                           app::TeamService& teams) {
  std::optional<int64_t> requested;
  if (const auto header = request.Header("x-account-id")) {
    CREDITD_ASSIGN_OR_RETURN(
        requested, ParseInt(*header, "X-Account-Id", 1, std::numeric_limits<int64_t>::max(),
                            reason::kInvalidField));
  }
  return teams.ResolveAccount(principal.user_id, requested);
}

Result<app::ActingAccount> ManagedAccountOf(const Request& request, const app::Principal& principal,
                                            app::TeamService& teams) {
  CREDITD_ASSIGN_OR_RETURN(const app::ActingAccount acting,
                           ActingAccountOf(request, principal, teams));
  if (!acting.manages()) {
    return Status(reason::kForbidden, "only the team's owner and admins manage its subscription");
  }
  return acting;
}

nlohmann::json OrderJson(const app::OrderView& view) {
  const domain::Order& order = view.order;
  nlohmann::json out = {{"id", order.id},
                        {"order_no", order.order_no},
                        {"order_type", domain::OrderKindName(order.kind)},
                        {"price_id", order.price_id}};
  if (order.kind == domain::OrderKind::kRecharge) {
    out["amount"] = order.amount;
    out["bonus"] = order.bonus;
    out["total_amount"] = order.total_amount();
  } else {
    out["membership_type"] = order.membership_type;
    out["duration_days"] = order.duration_days;
    out["start_date"] = OptionalTimeJson(order.start_date);
    out["end_date"] = OptionalTimeJson(order.end_date);
  }
  out["price"] = order.price.ToDecimalString();
  out["currency"] = order.currency().code();
  out["payment_method"] = domain::PaymentMethodName(order.payment_method);
  out["payment_status"] = domain::OrderStatusName(order.status);
  out["refunded_amount"] = order.refunded.ToDecimalString();
  out["pay_url"] = view.pay_url;
  out["pay_kind"] = domain::PayKindName(order.pay_kind);
  out["created_at"] = FormatRfc3339(order.created_at);
  out["expires_at"] = FormatRfc3339(order.expires_at);
  out["paid_at"] = OptionalTimeJson(order.paid_at);
  return out;
}

}  // namespace creditd::http
