#include "http/request.h"

namespace creditd::http {

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet:
      return "GET";
    case Method::kPost:
      return "POST";
    case Method::kPut:
      return "PUT";
    case Method::kPatch:
      return "PATCH";
    case Method::kDelete:
      return "DELETE";
    case Method::kHead:
      return "HEAD";
    case Method::kOptions:
      return "OPTIONS";
    case Method::kOther:
      return "OTHER";
  }
  return "OTHER";
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Query(std::string_view name) const {
  const auto it = query.find(std::string(name));
  if (it == query.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::optional<std::multimap<std::string, std::string>> ParseQueryString(std::string_view text) {
  std::multimap<std::string, std::string> params;
  while (!text.empty()) {
    const auto amp = text.find('&');
    const std::string_view pair = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    const auto eq = pair.find('=');
    auto key = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (!key || !value) {
      return std::nullopt;
    }
    params.emplace(std::move(*key), std::move(*value));
  }
  return params;
}

}  // namespace creditd::http
