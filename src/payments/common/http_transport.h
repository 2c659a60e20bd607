// One HTTP exchange with a provider's API over libcurl: what every provider client (Stripe,
// EPay, ...) sends through, so timeouts, the answer-size bound, the allowed protocols and the
// header handling are decided once. Retrying, authentication and the meaning of an answer are the
// provider client's. Never logs: URLs may carry secrets (EPay's api.php takes its key in the
// query string).
//
// Thread-safe: each exchange uses its own curl handle.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/sleeper.h"

namespace creditd::payments {

struct HttpExchange {
  std::string method = "GET";  // "GET", "POST", "DELETE".
  std::string url;
  std::vector<std::string> headers;  // "Name: value" lines.
  std::string body;                  // Sent with POST.
  std::chrono::milliseconds timeout{20000};
};

struct HttpAnswer {
  long status = 0;  // NOLINT(google-runtime-int): libcurl's type. 0 when no answer arrived.
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Names lower-cased.
  std::string error;  // Why no answer arrived (transport error); empty when one did.

  // The first header named `name` (lower-case), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Performs `exchange` (http and https only; the answer is cut off, as an error, beyond 4 MiB).
HttpAnswer SendHttp(const HttpExchange& exchange);

// How often a request that is safe to repeat is sent again when no answer, a 429 or a 5xx came.
struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds first_backoff{300};  // Doubled after each failed attempt.
  Sleeper* sleeper = &SystemSleeper::Instance();
};

// Whether `answer` is worth another attempt: none arrived, or 429, or a 5xx.
bool ShouldRetry(const HttpAnswer& answer);

// Sends `exchange` up to policy.max_attempts times while ShouldRetry, sleeping in between; the
// last answer.
HttpAnswer SendWithRetries(const HttpExchange& exchange, const RetryPolicy& policy);
// The same with each attempt's exchange made afresh by `attempt_exchange` (a request signed with
// a timestamp and a nonce is signed again for each attempt).
HttpAnswer SendWithRetries(const std::function<HttpExchange()>& attempt_exchange,
                           const RetryPolicy& policy);

// A short description of an answer that is not a success, for internal details ("HTTP 502:
// <first 200 bytes>", or the transport error).
std::string DescribeFailure(const HttpAnswer& answer);

}  // namespace creditd::payments
