// StripeClient: Stripe's REST API over libcurl (PROTOCOLS.md section 4.3, DESIGN.md section 7).
// Requests are form-encoded with nested parameters (form_encoding.h), authenticated with the
// secret key, pinned to one API version (`Stripe-Version`), and every POST carries an
// `Idempotency-Key`. Network errors, 429 and 5xx answers are retried with the same key (so Stripe
// performs the effect at most once), with exponential backoff; Stripe's `Stripe-Should-Retry`
// header overrides that choice when present.
//
// Thread-safe: each call uses its own curl handle; the options are immutable.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "common/sleeper.h"
#include "payments/common/http_transport.h"

namespace creditd::payments::stripe {

// The API version every request is pinned to; the objects parsed by stripe_objects.h follow it
// (subscription periods on the items, invoice -> subscription under `parent`).
inline constexpr std::string_view kApiVersion = "2025-03-31.basil";

struct StripeClientOptions {
  std::string api_base = "https://api.stripe.com";  // STRIPE_API_BASE; no trailing slash.
  std::string secret_key;                           // STRIPE_SECRET_KEY.
  std::chrono::milliseconds timeout{20000};         // Per attempt.
  int max_attempts = 3;
  std::chrono::milliseconds first_backoff{300};   // Doubled after each failed attempt.
  Sleeper* sleeper = &SystemSleeper::Instance();  // What the backoff waits through.
};

class StripeClient {
 public:
  explicit StripeClient(StripeClientOptions options);

  // POSTs `parameters` (a JSON object, nested as Stripe expects) to `path` ("/v1/customers")
  // and returns the decoded answer. An empty `idempotency_key` gets a random one, reused by
  // the retries. Errors: "provider_unavailable" (not reachable, timeouts, 429 or 5xx after
  // every attempt), "provider_error" (a 4xx answer: Stripe's message in the message, its error
  // type and code in the internal detail).
  Result<nlohmann::json> Post(std::string_view path, const nlohmann::ordered_json& parameters,
                              std::string_view idempotency_key);

  // GETs `path` with `query` (a JSON object, encoded like a body). Errors as Post's.
  Result<nlohmann::json> Get(std::string_view path, const nlohmann::ordered_json& query);

  // DELETEs `path` (cancelling a subscription at once). Errors as Post's.
  Result<nlohmann::json> Delete(std::string_view path);

 private:
  HttpAnswer Send(const std::string& method, const std::string& url, const std::string& body,
                  const std::string& idempotency_key) const;
  Result<nlohmann::json> Call(const std::string& method, std::string_view path,
                              const std::string& form, const std::string& idempotency_key);

  const StripeClientOptions options_;
};

}  // namespace creditd::payments::stripe
