// Router: maps a method and a path to a handler. Patterns are literal segments and `{name}`
// parameters ("/api/v1/admin/accounts/{id}/adjustments"); literal segments win over
// parameters. An unknown path is "route_not_found" (404); a known path with another method is
// "method_not_allowed" (405, with Allow).
//
// Routes are added at start-up, before serving; afterwards Dispatch() is thread-safe (read-only).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "http/request.h"

namespace creditd::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  // Adds a route. Aborts on a malformed pattern or a duplicate (a programming error).
  void Add(Method method, std::string pattern, Handler handler);

  // Finds the handler, fills request.path_params and runs it. Errors come back as enveloped
  // responses; handler exceptions are the server's to catch.
  Response Dispatch(Request& request) const;

  // Sets the handler of GET and HEAD requests whose path no route has (the web app and its deep
  // links). Without one, such a path is "route_not_found".
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  // Returns how well `segments` match `path_segments`: -1 for no match, higher for more literal
  // segments.
  static int Score(const Route& route, const std::vector<std::string_view>& path_segments);

  std::vector<Route> routes_;
  Handler fallback_;
};

// Splits "/a/b/c" into {"a","b","c"}; empty segments are kept so "/a//b" does not match "/a/b".
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace creditd::http
