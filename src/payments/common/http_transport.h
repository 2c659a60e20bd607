// One HTTP exchange with a provider's API over libcurl: what every provider client (Stripe,
// EPay, ...) sends through, so timeouts, the answer-size bound, the allowed protocols and the
// header handling are decided once. Retrying, authentication and the meaning of an answer are the
// provider client's. Never logs: URLs may carry secrets (EPay's api.php takes its key in the
// query string).
//
// Thread-safe: each exchange uses its own curl handle.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

}  // namespace creditd::payments
