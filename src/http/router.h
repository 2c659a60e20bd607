// Router: maps a method and a path to a handler. Patterns are literal segments and `{name}`
// parameters ("/api/v1/admin/accounts/{id}/adjustments"); literal segments win over
// parameters. An unknown path is "route_not_found" (404); a known path with another method is
// "method_not_allowed" (405, with Allow).
//
// A route's handler is either blocking (`Handler`: the server runs it on a worker thread, where it
// may wait for the database, a password hash or an upstream call), inline (a `Handler` added with
// AddInline: it never blocks, e.g. /healthz or an in-memory document, so the server runs it on the
// I/O thread and the request never crosses threads), reading (a `Handler` added with AddRead:
// it waits only for a few short reads of the database, so it runs inline where those reads are
// local, the embedded SQLite file, and on a worker thread otherwise) or asynchronous
// (`AsyncHandler`: started on the I/O thread, it must not block; it answers through its
// `Responder`, exactly once, from any thread, typically when a group-commit batch has
// committed; a copy that was never called must be gone before the server is destroyed). An
// asynchronous route may name a `StartsInline` test: for a request it answers false to (its
// start would read the database, e.g. an API key missing from the cache), the server starts the
// handler on a worker thread instead, so the I/O thread never blocks.
//
// Routes are added at start-up, before serving; afterwards Match() is thread-safe (read-only).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/request.h"

namespace creditd::http {

using Handler = std::function<Response(Request&)>;
using Responder = std::function<void(Response)>;
using AsyncHandler = std::function<void(Request&, Responder)>;
// Whether an asynchronous handler can start on the I/O thread for this request without blocking.
// Must itself be fast and never block.
using StartsInline = std::function<bool(const Request&)>;

// What Match() found for a request: exactly one of handler, async_handler and response is set.
struct RouteMatch {
  // The route's index (Router::route_pattern), or kFallbackRoute, or kNoRoute for the router's
  // own answer: a small bounded set, for per-route metrics.
  static constexpr int kNoRoute = -1;
  static constexpr int kFallbackRoute = -2;
  int route = kNoRoute;
  const Handler* handler = nullptr;             // Run it on a worker thread...
  bool runs_inline = false;                     // ...or, when set, on the I/O thread.
  const AsyncHandler* async_handler = nullptr;  // Start it on the I/O thread...
  const StartsInline* starts_inline = nullptr;  // ...unless this says false (then on a worker).
  std::optional<Response> response;             // The router's own 404 or 405.
};

class Router {
 public:
  // Adds a route. Aborts on a malformed pattern or a duplicate (a programming error).
  void Add(Method method, std::string pattern, Handler handler);
  // Adds a route whose handler never blocks (no database, file, hashing or upstream call).
  void AddInline(Method method, std::string pattern, Handler handler);
  // Adds a route whose handler blocks only on a few short reads of the database (point reads of
  // bounded size: no write, no scan, no password hash, no upstream call). It runs on the I/O
  // thread when RunReadsInline(true) was set (an embedded database: a read takes microseconds
  // and crossing to a worker thread and back costs more than the read), else on a worker thread
  // like a route added with Add (PostgreSQL: a read is a network round trip).
  void AddRead(Method method, std::string pattern, Handler handler);
  // Whether the routes added with AddRead run on the I/O thread. Set before serving.
  void RunReadsInline(bool reads_inline) { reads_inline_ = reads_inline; }
  void AddAsync(Method method, std::string pattern, AsyncHandler handler,
                StartsInline starts_inline = nullptr);

  // Finds the route of `request` and fills request.path_params. The handlers pointed to live as
  // long as the router.
  RouteMatch Match(Request& request) const;

  // Sets the handler of GET and HEAD requests whose path no route has (the web app and its deep
  // links). Without one, such a path is "route_not_found". It runs inline, so it must not block
  // (the web app serves from memory).
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }

  // The routes, for per-route metrics: indexes 0..route_count()-1 as in RouteMatch::route.
  size_t route_count() const { return routes_.size(); }
  const std::string& route_pattern(size_t index) const { return routes_[index].pattern; }
  Method route_method(size_t index) const { return routes_[index].method; }

 private:
  struct Route {
    Method method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    AsyncHandler async_handler;  // Set instead of `handler` for an asynchronous route.
    StartsInline starts_inline;  // Optional, for an asynchronous route.
    // Where a `handler` runs: Add, AddInline, AddRead (inline only where reads are local).
    enum class Runs { kOnWorker, kInline, kInlineIfReadsLocal };
    Runs runs = Runs::kOnWorker;
  };
  void AddRoute(Route route);
  // Returns how well `segments` match `path_segments`: -1 for no match, higher for more literal
  // segments.
  static int Score(const Route& route, const std::vector<std::string_view>& path_segments);
  RouteMatch Unmatched(const Request& request, const std::string& allowed) const;
  // The match of `route` (one of routes_) for `request`, whose path params it fills.
  RouteMatch Matched(const Route& route, const std::vector<std::string_view>& path_segments,
                     Request& request) const;

  std::vector<Route> routes_;
  // Route indexes by segment count: a path is scored only against routes of its length.
  std::vector<std::vector<size_t>> by_length_;
  Handler fallback_;
  bool reads_inline_ = false;
};

// Splits "/a/b/c" into {"a","b","c"}; empty segments are kept so "/a//b" does not match "/a/b".
std::vector<std::string_view> SplitPath(std::string_view path);

}  // namespace creditd::http
