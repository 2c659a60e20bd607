#include "payments/common/http_transport.h"

#include <memory>
#include <mutex>

#include <curl/curl.h>

#include "common/strings.h"

namespace creditd::payments {

namespace {

constexpr size_t kMaxAnswerBytes = 4 << 20;

size_t CollectBody(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (body->size() + bytes > kMaxAnswerBytes) {
    return 0;  // Makes curl stop with CURLE_WRITE_ERROR.
  }
  body->append(data, bytes);
  return bytes;
}

size_t CollectHeader(char* data, size_t size, size_t count, void* user) {
  const size_t bytes = size * count;
  const std::string_view line(data, bytes);
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos && colon > 0) {
    auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(user);
    if (headers->size() < 100) {
      headers->emplace_back(ToLowerAscii(TrimAscii(line.substr(0, colon))),
                            std::string(TrimAscii(line.substr(colon + 1))));
    }
  }
  return bytes;
}

}  // namespace

std::optional<std::string_view> HttpAnswer::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

HttpAnswer SendHttp(const HttpExchange& exchange) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  HttpAnswer answer;
  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    answer.error = "curl_easy_init failed";
    return answer;
  }
  curl_slist* headers = curl_slist_append(nullptr, "User-Agent: creditd");
  for (const std::string& header : exchange.headers) {
    headers = curl_slist_append(headers, header.c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, &curl_slist_free_all);
  curl_easy_setopt(curl.get(), CURLOPT_URL, exchange.url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, header_list.get());
  if (exchange.method == "DELETE") {
    curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, "DELETE");
  }
  if (exchange.method == "POST") {
    curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, exchange.body.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(exchange.body.size()));
  }
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(exchange.timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &CollectBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, &CollectHeader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &answer.headers);
  const CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) {
    answer.error = std::string("curl: ") + curl_easy_strerror(code);
    return answer;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &answer.status);
  return answer;
}

bool ShouldRetry(const HttpAnswer& answer) {
  return !answer.error.empty() || answer.status == 429 || answer.status >= 500;
}

HttpAnswer SendWithRetries(const HttpExchange& exchange, const RetryPolicy& policy) {
  return SendWithRetries([&exchange] { return exchange; }, policy);
}

HttpAnswer SendWithRetries(const std::function<HttpExchange()>& attempt_exchange,
                           const RetryPolicy& policy) {
  std::chrono::milliseconds backoff = policy.first_backoff;
  HttpAnswer answer = SendHttp(attempt_exchange());
  for (int attempt = 2; attempt <= policy.max_attempts && ShouldRetry(answer); ++attempt) {
    policy.sleeper->Sleep(backoff);
    backoff *= 2;
    answer = SendHttp(attempt_exchange());
  }
  return answer;
}

std::string DescribeFailure(const HttpAnswer& answer) {
  if (!answer.error.empty()) {
    return answer.error;
  }
  return "HTTP " + std::to_string(answer.status) + ": " + answer.body.substr(0, 200);
}

}  // namespace creditd::payments
