// The HTTP request and response as handlers see them: plain structs with no Beast types, so
// handler code compiles fast and is easy to test. The server (server.cc) converts to and from
// Beast. Value types; thread-safety is that of std containers.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/strings.h"  // PercentDecode, used with the request target.

namespace creditd::http {

enum class Method { kGet, kPost, kPut, kPatch, kDelete, kHead, kOptions, kOther };

std::string_view MethodName(Method method);

struct Request {
  Method method = Method::kGet;
  std::string path;                               // Decoded path without the query string.
  std::string raw_query;                          // As received, after '?'.
  std::multimap<std::string, std::string> query;  // Decoded query parameters.
  std::vector<std::pair<std::string, std::string>> headers;  // Names lower-cased.
  std::string body;
  std::string remote_address;
  std::string request_id;
  std::map<std::string, std::string> path_params;  // Filled by the router.

  // Returns the first header named `name` (lower-case), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Returns the first query parameter `name`, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set by the error path, for the access log: the reason of an error response.
  std::string error_reason;
};

// Parses "a=1&b=x%20y" into decoded pairs; nullopt on a bad escape.
std::optional<std::multimap<std::string, std::string>> ParseQueryString(std::string_view text);

}  // namespace creditd::http
