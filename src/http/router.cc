#include "http/router.h"

#include "common/check.h"
#include "http/error_response.h"

namespace creditd::http {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  while (true) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return segments;
}

void Router::Add(Method method, std::string pattern, Handler handler) {
  AddRoute(Route{method, std::move(pattern), {}, std::move(handler), nullptr, nullptr});
}

void Router::AddInline(Method method, std::string pattern, Handler handler) {
  Route route{method, std::move(pattern), {}, std::move(handler), nullptr, nullptr};
  route.runs = Route::Runs::kInline;
  AddRoute(std::move(route));
}

void Router::AddRead(Method method, std::string pattern, Handler handler) {
  Route route{method, std::move(pattern), {}, std::move(handler), nullptr, nullptr};
  route.runs = Route::Runs::kInlineIfReadsLocal;
  AddRoute(std::move(route));
}

void Router::AddAsync(Method method, std::string pattern, AsyncHandler handler,
                      StartsInline starts_inline) {
  AddRoute(
      Route{method, std::move(pattern), {}, nullptr, std::move(handler), std::move(starts_inline)});
}

void Router::AddRoute(Route route) {
  CREDITD_CHECK(!route.pattern.empty() && route.pattern.front() == '/');
  for (const auto segment : SplitPath(route.pattern)) {
    route.segments.emplace_back(segment);
  }
  for (const auto& existing : routes_) {
    CREDITD_CHECK(!(existing.method == route.method && existing.pattern == route.pattern));
  }
  const size_t length = route.segments.size();
  if (by_length_.size() <= length) {
    by_length_.resize(length + 1);
  }
  by_length_[length].push_back(routes_.size());
  routes_.push_back(std::move(route));
}

int Router::Score(const Route& route, const std::vector<std::string_view>& path_segments) {
  if (route.segments.size() != path_segments.size()) {
    return -1;
  }
  int score = 0;
  for (size_t i = 0; i < path_segments.size(); ++i) {
    const std::string& segment = route.segments[i];
    if (segment.size() > 2 && segment.front() == '{' && segment.back() == '}') {
      if (path_segments[i].empty()) {
        return -1;
      }
      continue;
    }
    if (segment != path_segments[i]) {
      return -1;
    }
    ++score;
  }
  return score;
}

// No route of this method: 405 naming the methods the path has, the web app's fallback for a
// page, or 404.
RouteMatch Router::Unmatched(const Request& request, const std::string& allowed) const {
  if (!allowed.empty()) {
    Response response =
        ErrorResponse(Status(reason::kMethodNotAllowed, std::string(MethodName(request.method)) +
                                                            " is not allowed here; use " + allowed),
                      request.request_id);
    response.headers.emplace_back("Allow", allowed);
    RouteMatch match;
    match.response = std::move(response);
    return match;
  }
  if (fallback_ && (request.method == Method::kGet || request.method == Method::kHead)) {
    RouteMatch match;
    match.route = RouteMatch::kFallbackRoute;
    match.handler = &fallback_;
    match.runs_inline = true;  // The fallback serves from memory (SetFallback).
    return match;
  }
  RouteMatch match;
  match.response = ErrorResponse(
      Status(reason::kRouteNotFound, "no such endpoint: " + request.path), request.request_id);
  return match;
}

RouteMatch Router::Match(Request& request) const {
  const auto path_segments = SplitPath(request.path);
  const Route* best = nullptr;
  int best_score = -1;
  std::string allowed;
  if (path_segments.size() >= by_length_.size()) {
    return Unmatched(request, allowed);
  }
  for (const size_t index : by_length_[path_segments.size()]) {
    const Route& route = routes_[index];
    const int score = Score(route, path_segments);
    if (score < 0) {
      continue;
    }
    if (route.method != request.method &&
        !(request.method == Method::kHead && route.method == Method::kGet)) {
      if (allowed.find(MethodName(route.method)) == std::string::npos) {
        allowed += allowed.empty() ? "" : ", ";
        allowed += MethodName(route.method);
      }
      continue;
    }
    if (score > best_score) {
      best = &route;
      best_score = score;
    }
  }
  if (best == nullptr) {
    return Unmatched(request, allowed);
  }
  return Matched(*best, path_segments, request);
}

RouteMatch Router::Matched(const Route& route, const std::vector<std::string_view>& path_segments,
                           Request& request) const {
  for (size_t i = 0; i < path_segments.size(); ++i) {
    const std::string& segment = route.segments[i];
    if (segment.size() > 2 && segment.front() == '{') {
      request.path_params[segment.substr(1, segment.size() - 2)] = std::string(path_segments[i]);
    }
  }
  RouteMatch match;
  match.route = static_cast<int>(&route - routes_.data());
  if (route.async_handler) {
    match.async_handler = &route.async_handler;
    match.starts_inline = route.starts_inline ? &route.starts_inline : nullptr;
  } else {
    match.handler = &route.handler;
    match.runs_inline = route.runs == Route::Runs::kInline ||
                        (route.runs == Route::Runs::kInlineIfReadsLocal && reads_inline_);
  }
  return match;
}

}  // namespace creditd::http
