// Helpers shared by the route handlers: JSON body decoding with a media-type check, bearer
// authentication, admin checks, pagination and path ids, and the JSON shapes of common
// resources. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "app/api_key_service.h"
#include "app/auth_service.h"
#include "app/idempotency.h"
#include "app/order_service.h"
#include "app/team_service.h"
#include "common/result.h"
#include "common/status_macros.h"
#include "domain/ledger.h"
#include "domain/user.h"
#include "http/error_response.h"
#include "http/json_reader.h"
#include "http/request.h"
#include "http/router.h"

namespace creditd::http {

// The largest page a list endpoint returns (seed 002 uses limit=20; 100 is the cap).
inline constexpr int64_t kPageSizeMax = 100;
inline constexpr int64_t kPageSizeDefault = 20;

struct Page {
  int64_t skip = 0;
  int64_t limit = kPageSizeDefault;
};

// Parses the body as a JSON object. Refuses a Content-Type other than application/json with
// "unsupported_media_type" (an absent Content-Type is accepted for curl-friendliness).
Result<JsonObjectReader> ReadJsonBody(const Request& request, bool allow_empty = false);

// The one rule of JSON POSTs that take no body: nothing or {} is accepted; another Content-Type
// is "unsupported_media_type", anything but a JSON object "malformed_json", any field
// "unknown_field".
Status ExpectNoBody(const Request& request);

// Authenticates the bearer token of the request. Errors: "unauthenticated" (no token),
// "invalid_token", "token_expired".
Result<app::Principal> Authenticate(const Request& request, app::AuthService& auth);

// As Authenticate, and the principal must be an admin ("forbidden" otherwise).
Result<app::Principal> AuthenticateAdmin(const Request& request, app::AuthService& auth);

// Authenticates a tool backend's API key (Authorization: Bearer ck_...). Errors:
// "unauthenticated" (no key), "invalid_api_key".
Result<app::ApiKey> AuthenticateApiKey(const Request& request, app::ApiKeyService& api_keys);

// The StartsInline test of asynchronous routes that call AuthenticateApiKey: true when that
// answers without the database (no key, a malformed one, or one fresh in the cache).
StartsInline ApiKeyAnswersFromMemory(app::ApiKeyService& api_keys);

// The Idempotency-Key header, checked the same way on every route: "" when absent; present
// (even empty) it must be 1 to 255 visible ASCII characters, else "invalid_idempotency_key"
// naming the header.
Result<std::string> IdempotencyKeyOf(const Request& request);

// Reads the Idempotency-Key header for a caller `scope`: an absent header gives an empty key;
// a present one is checked ("invalid_idempotency_key") and fingerprinted with the method, path
// and body (SHA-256), so a different request under the same key is recognised.
Result<app::IdempotentRequest> ReadIdempotency(const Request& request, std::string scope);

// A write's rendered result as a response with `status`, and Idempotent-Replayed: true when it
// was replayed from an earlier request with the same Idempotency-Key.
Response IdempotentResponse(const nlohmann::json& body, int status, bool replayed);

// Reads skip (>= 0) and limit (1..kPageSizeMax) from the query; "invalid_query" names the field.
Result<Page> ParsePage(const Request& request);

// Reads a positive integer path parameter; "invalid_field" naming it otherwise.
Result<int64_t> PathId(const Request& request, const char* name);

// A time as RFC 3339, or null.
nlohmann::json OptionalTimeJson(const std::optional<Timestamp>& time);

// The account a signed-in request acts for: the X-Account-Id header's (a team the caller
// belongs to) or the caller's personal account. Errors: "invalid_field" (X-Account-Id not a
// positive integer), "team_not_found".
Result<app::ActingAccount> ActingAccountOf(const Request& request, const app::Principal& principal,
                                           app::TeamService& teams);

// As ActingAccountOf, and the caller must manage the account (owner or admin of a team):
// "forbidden" otherwise. For the subscription's checkout, portal, cancel and plan changes.
Result<app::ActingAccount> ManagedAccountOf(const Request& request, const app::Principal& principal,
                                            app::TeamService& teams);

// Server-rendered pages of the sandbox provider (no JavaScript): HTML escaping, a page with the
// shared style, and an error page for a failed Status.
std::string EscapeHtml(std::string_view text);
Response HtmlPage(int status, const std::string& title, const std::string& body);
Response HtmlError(const Status& status, const std::string& title = "Payment not possible");

nlohmann::json UserJson(const domain::User& user);
// An order as seed 002's endpoints show it.
nlohmann::json OrderJson(const app::OrderView& view);
nlohmann::json EntryJson(const domain::LedgerEntry& entry);
nlohmann::json AccountJson(const domain::Account& account);

// Runs `body` and converts a failure into the error envelope.
template <typename Body>
Response Respond(const Request& request, Body&& body) {
  Result<Response> result = std::forward<Body>(body)();
  if (!result.ok()) {
    return ErrorResponse(result.status(), request.request_id);
  }
  return std::move(result).value();
}

}  // namespace creditd::http
