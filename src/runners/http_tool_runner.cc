#include "runners/http_tool_runner.h"

#include <memory>
#include <mutex>
#include <string>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "common/strings.h"

namespace creditd::runners {

namespace {

constexpr size_t kMaxBodyBytes = 1 << 20;

size_t Collect(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const size_t bytes = size * count;
  if (body->size() + bytes > kMaxBodyBytes) {
    return 0;  // Makes curl stop with CURLE_WRITE_ERROR.
  }
  body->append(data, bytes);
  return bytes;
}

bool IsText(const std::string& content_type) {
  const std::string lower = ToLowerAscii(content_type);
  return lower.starts_with("text/") || lower.find("json") != std::string::npos ||
         lower.find("xml") != std::string::npos;
}

}  // namespace

HttpToolRunner::HttpToolRunner() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

app::ToolOutput HttpToolRunner::Run(const app::ToolCall& call) {
  app::ToolOutput output;
  nlohmann::json request = {{"run_id", call.run_id},
                            {"user_id", call.user_id},
                            {"tool", call.tool.key},
                            {"prompt", call.prompt}};
  request["params"] = nlohmann::json::parse(call.params, nullptr, false);
  if (request["params"].is_discarded()) {
    request["params"] = nlohmann::json::object();
  }
  const std::string payload = request.dump();

  std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) {
    output.error = "the tool could not be called";
    return output;
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  for (const auto& [name, value] : call.tool.upstream_headers) {
    headers = curl_slist_append(headers, std::string(name).append(": ").append(value).c_str());
  }
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> header_list(headers, &curl_slist_free_all);
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, call.tool.upstream_url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, payload.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(payload.size()));
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS,
                   static_cast<long>(call.tool.upstream_timeout_ms));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &Collect);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  const CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) {
    output.error = code == CURLE_OPERATION_TIMEDOUT
                       ? "the tool did not answer in time"
                       : std::string("the tool could not be reached: ") + curl_easy_strerror(code);
    return output;
  }
  long status = 0;  // NOLINT(google-runtime-int): the type libcurl writes (CURLINFO_LONG).
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  const char* content_type = nullptr;
  curl_easy_getinfo(curl.get(), CURLINFO_CONTENT_TYPE, &content_type);
  output.content_type = content_type != nullptr ? content_type : "application/octet-stream";
  if (status < 200 || status > 299) {
    output.error = "the tool answered HTTP " + std::to_string(status);
    return output;
  }
  output.succeeded = true;
  output.body = IsText(output.content_type) ? std::move(body) : Base64Encode(body);
  return output;
}

}  // namespace creditd::runners
