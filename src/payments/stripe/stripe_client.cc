#include "payments/stripe/stripe_client.h"

#include <random>

#include "common/strings.h"
#include "payments/stripe/form_encoding.h"

namespace creditd::payments::stripe {

namespace {

// Idempotency keys for POSTs whose caller has none: 128 random bits, as Stripe suggests.
std::string RandomKey() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  std::string bytes(16, '\0');
  for (char& c : bytes) {
    c = static_cast<char>(engine() & 0xFF);
  }
  return "creditd-" + HexEncode(bytes);
}

Status Unavailable(const std::string& detail) {
  return Status(reason::kProviderUnavailable, "Stripe could not be reached; try again in a minute")
      .WithRetryAfter(60)
      .WithInternalDetail(detail);
}

// Stripe's error object: {"error": {"type", "code", "message", "param"}}.
Status Refused(long status, const std::string& body) {  // NOLINT(google-runtime-int)
  const nlohmann::json answer = nlohmann::json::parse(body, nullptr, false);
  std::string message = "Stripe refused the request (HTTP " + std::to_string(status) + ")";
  std::string detail = message;
  if (answer.is_object() && answer.contains("error") && answer["error"].is_object()) {
    const nlohmann::json& error = answer["error"];
    const auto text = [&error](const char* key) {
      return error.contains(key) && error[key].is_string() ? error[key].get<std::string>()
                                                           : std::string();
    };
    if (!text("message").empty()) {
      message = "Stripe refused the request: " + text("message");
    }
    detail = "stripe " + std::to_string(status) + " type=" + text("type") +
             " code=" + text("code") + " param=" + text("param") + ": " + text("message");
  }
  if (status == 401) {
    message = "Stripe rejected the configured secret key (STRIPE_SECRET_KEY)";
  }
  return Status(reason::kProviderError, message).WithInternalDetail(detail);
}

}  // namespace

StripeClient::StripeClient(StripeClientOptions options) : options_(std::move(options)) {}

Result<nlohmann::json> StripeClient::Post(std::string_view path,
                                          const nlohmann::ordered_json& parameters,
                                          std::string_view idempotency_key) {
  return Call("POST", path, EncodeForm(parameters),
              idempotency_key.empty() ? RandomKey() : std::string(idempotency_key));
}

Result<nlohmann::json> StripeClient::Get(std::string_view path,
                                         const nlohmann::ordered_json& query) {
  return Call("GET", path, EncodeForm(query), "");
}

Result<nlohmann::json> StripeClient::Delete(std::string_view path) {
  return Call("DELETE", path, "", "");
}

Result<nlohmann::json> StripeClient::Call(const std::string& method, std::string_view path,
                                          const std::string& form,
                                          const std::string& idempotency_key) {
  std::string url = options_.api_base + std::string(path);
  if (method == "GET" && !form.empty()) {
    url += "?" + form;
  }
  std::chrono::milliseconds backoff = options_.first_backoff;
  std::string last_failure;
  for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    const HttpAnswer answer = Send(method, url, method == "POST" ? form : "", idempotency_key);
    const std::string should_retry(answer.Header("stripe-should-retry").value_or(""));
    bool retry = false;
    if (!answer.error.empty()) {
      last_failure = answer.error;
      retry = true;
    } else if (answer.status >= 200 && answer.status <= 299) {
      nlohmann::json body = nlohmann::json::parse(answer.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) {
        return Status(reason::kProviderError, "Stripe answered with something other than JSON")
            .WithInternalDetail(method + " " + std::string(path) + ": " +
                                answer.body.substr(0, 200));
      }
      return body;
    } else {
      last_failure = "HTTP " + std::to_string(answer.status) + ": " + answer.body.substr(0, 300);
      // 409 is a concurrent request with the same key (or a lock timeout): worth another try.
      retry = answer.status == 409 || answer.status == 429 || answer.status >= 500;
      if (should_retry == "true") {
        retry = true;
      } else if (should_retry == "false") {
        retry = false;
      }
      if (!retry) {
        return Refused(answer.status, answer.body);
      }
    }
    if (attempt < options_.max_attempts && retry) {
      options_.sleeper->Sleep(backoff);
      backoff *= 2;
    }
  }
  return Unavailable(method + " " + std::string(path) + " after " +
                     std::to_string(options_.max_attempts) + " attempts: " + last_failure);
}

HttpAnswer StripeClient::Send(const std::string& method, const std::string& url,
                              const std::string& body, const std::string& idempotency_key) const {
  HttpExchange exchange;
  exchange.method = method;
  exchange.url = url;
  exchange.timeout = options_.timeout;
  exchange.headers = {"Authorization: Bearer " + options_.secret_key,
                      "Stripe-Version: " + std::string(kApiVersion)};
  if (method == "POST") {
    exchange.headers.emplace_back("Content-Type: application/x-www-form-urlencoded");
    exchange.headers.push_back("Idempotency-Key: " + idempotency_key);
    exchange.body = body;
  }
  return SendHttp(exchange);
}

}  // namespace creditd::payments::stripe
