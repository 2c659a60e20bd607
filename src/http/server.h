// Server: the HTTP/1.1 server on Boost.Beast and Asio C++20 coroutines.
//
// Each I/O thread runs its own event loop; an accepted connection is given to the next loop in
// turn and stays on it, read with limits on header size, body size and read time. Each request is
// routed there, then run in place (inline handlers that never block, e.g. /healthz, and the
// router's own 404/405: the request never leaves its I/O thread), handed to a worker pool
// (blocking handlers: the database, password hashing, upstream calls) or started in place
// (asynchronous handlers, which answer later from another thread, e.g. group-commit charges), and
// the response is written back on the connection's I/O thread. Every request gets an X-Request-Id
// (taken from the client when well-formed, made otherwise), one JSON access-log line (batched; no
// other thread is woken per request) and a count in the per-route metrics (WriteMetrics).
// Shutdown() is graceful: stop accepting, close idle keep-alive connections, let in-flight
// requests finish and answer (with Connection: close), then Run() returns.
//
// Thread-safety: Listen() and Run() are called once from the main thread; Shutdown(), draining()
// and WriteMetrics() are safe from any thread (signal handlers call Shutdown via Asio).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/metrics.h"
#include "common/result.h"
#include "http/router.h"

namespace creditd::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;                // 0 picks a free port; Listen() returns it.
  size_t max_body_bytes = 1 << 20;     // 1 MiB; larger bodies get 413.
  size_t max_header_bytes = 16 << 10;  // 16 KiB; larger headers get 431.
  // Whole-request read time, and the idle time of a kept-alive connection, which every
  // keep-alive answer states as `Keep-Alive: timeout=<seconds>`.
  std::chrono::seconds read_timeout{30};
  int io_threads = 1;  // Event loops, each on its own thread.
  int worker_threads = 4;
  int max_connections = 10000;              // Further connections are closed at once.
  std::chrono::seconds shutdown_grace{20};  // In-flight requests get this long to finish.
  // Behind a reverse proxy: take the client address from the last X-Forwarded-For hop (the one
  // the proxy added) instead of the socket, for the login throttle and the access log.
  bool trust_forwarded_for = false;
};

class Server {
 public:
  // `router` must outlive the server.
  Server(ServerOptions options, const Router& router);
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();

  // Binds and listens. Returns the bound port, or kUnavailable/"not_ready" if the address
  // cannot be bound (in use, bad address).
  Result<uint16_t> Listen();

  // Serves until shutdown completes; handles SIGINT and SIGTERM by shutting down gracefully.
  void Run();

  // Begins a graceful shutdown. Idempotent; safe from any thread.
  void Shutdown();

  // True once shutdown has begun (readiness turns false).
  bool draining() const;

  // Writes the HTTP metrics: requests by route, method and status, their latency, and the open
  // connections.
  void WriteMetrics(metrics::TextWriter& out) const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace creditd::http
