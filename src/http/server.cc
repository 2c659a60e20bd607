#include "http/server.h"

#include <algorithm>
#include <array>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/metrics.h"
#include "http/error_response.h"
#include "http/log.h"

namespace creditd::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;  // NOLINT(readability-identifier-naming): Asio's own name.

namespace {

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get:
      return Method::kGet;
    case bhttp::verb::post:
      return Method::kPost;
    case bhttp::verb::put:
      return Method::kPut;
    case bhttp::verb::patch:
      return Method::kPatch;
    case bhttp::verb::delete_:
      return Method::kDelete;
    case bhttp::verb::head:
      return Method::kHead;
    case bhttp::verb::options:
      return Method::kOptions;
    default:
      return Method::kOther;
  }
}

// A client-supplied request id is kept only if it is short and harmless in logs.
bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) {
    return false;
  }
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) {
      return false;
    }
  }
  return true;
}

// Appends `text` as a JSON string. The access log is on every request's path, so plain ASCII
// (the usual path, id and address) is copied as it is; anything else goes through nlohmann, whose
// replace mode turns invalid UTF-8 (a raw path may hold any bytes) into U+FFFD.
void AppendJsonString(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router)
      : options_(std::move(options)),
        keep_alive_header_("Keep-Alive: timeout=" + std::to_string(options_.read_timeout.count()) +
                           "\r\n"),
        router_(router),
        loops_(MakeLoops(options_.io_threads)),
        acceptor_(loops_.front()->io),
        signals_(loops_.front()->io, SIGINT, SIGTERM),
        grace_timer_(loops_.front()->io),
        workers_(static_cast<size_t>(options_.worker_threads)) {
    // One slot per route, then the web app's fallback, then the router's own 404 and 405.
    for (size_t i = 0; i < router_.route_count() + 2; ++i) {
      route_metrics_.push_back(std::make_unique<RouteMetrics>());
    }
  }

  Result<uint16_t> Listen() {
    beast::error_code ec;
    const auto address = asio::ip::make_address(options_.host, ec);
    if (ec) {
      return Status(reason::kNotReady, "invalid listen address " + options_.host);
    }
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
      acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
      acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      return Status(reason::kNotReady, "cannot listen on " + options_.host + ":" +
                                           std::to_string(options_.port) + ": " + ec.message());
    }
    return acceptor_.local_endpoint().port();
  }

  void Run() {
    signals_.async_wait([this](const beast::error_code& ec, int signal_number) {
      if (!ec) {
        spdlog::info("received signal {}, shutting down gracefully", signal_number);
        BeginShutdown();
      }
    });
    asio::co_spawn(acceptor_.get_executor(), Accept(), asio::detached);
    for (auto& loop : loops_) {
      asio::co_spawn(loop->io, Sweep(*loop), asio::detached);
    }
    std::vector<std::thread> threads;
    for (size_t i = 1; i < loops_.size(); ++i) {
      threads.emplace_back([loop = loops_[i].get()] { loop->io.run(); });
    }
    loops_.front()->io.run();
    for (auto& thread : threads) {
      thread.join();
    }
    workers_.join();
  }

  void Shutdown() {
    asio::post(loops_.front()->io, [this] { BeginShutdown(); });
  }

  bool draining() const { return draining_.load(); }

  void WriteMetrics(metrics::TextWriter& out) const {
    out.Family("creditd_http_requests_total", "counter",
               "HTTP requests answered, by route (the pattern), method and status.");
    ForEachRoute([&](std::string_view route, std::string_view method, const RouteMetrics& m) {
      for (const auto& [status, count] : m.statuses.snapshot()) {
        const std::string code = status == 0 ? "other" : std::to_string(status);
        out.Sample("creditd_http_requests_total",
                   {{"route", route}, {"method", method}, {"status", code}}, count);
      }
    });
    out.Family("creditd_http_request_duration_seconds", "histogram",
               "Time from a request's last byte read to its answer ready to send, by route and "
               "method.");
    ForEachRoute([&](std::string_view route, std::string_view method, const RouteMetrics& m) {
      if (m.latency.count() != 0) {
        out.HistogramSamples("creditd_http_request_duration_seconds",
                             {{"route", route}, {"method", method}}, m.latency);
      }
    });
    out.Family("creditd_http_open_connections", "gauge", "Client connections open now.");
    out.Sample("creditd_http_open_connections", {}, int64_t{active_connections_.load()});
  }

 private:
  // A connection as its loop's sweep sees it. Only the loop's own thread touches it.
  struct Connection {
    enum class State { kReading, kHandling, kWriting };
    tcp::socket* socket = nullptr;
    State state = State::kReading;
    // Reading: the request must be in by then (else 408); writing: the answer must be out by
    // then (else the connection is closed). Checked by the sweep, not by a timer per request.
    std::chrono::steady_clock::time_point deadline;
    bool timed_out = false;  // The sweep cancelled the read.
  };

  // One I/O thread with its own io_context: a connection lives on one loop from accept to close,
  // so its reads, handler start, write and access-log line never cross threads, and the loop's
  // connection table needs no lock (only its own thread touches it).
  struct Loop {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> keep_running =
        asio::make_work_guard(io);
    asio::steady_timer sweep{io};
    bool stopped = false;  // Shutdown finished: the sweep ends.
    std::unordered_map<uint64_t, Connection> connections;
  };

  struct RouteMetrics {
    metrics::StatusCounters statuses;
    metrics::Histogram latency = metrics::Histogram::Latency();
  };

  static std::vector<std::unique_ptr<Loop>> MakeLoops(int count) {
    std::vector<std::unique_ptr<Loop>> loops;
    for (int i = 0; i < std::max(1, count); ++i) {
      loops.push_back(std::make_unique<Loop>());
    }
    return loops;
  }

  // Calls `visit(route, method, metrics)` for every route that answered at least once (Record
  // counts each answer in both the status counters and the latency histogram).
  template <typename Visit>
  void ForEachRoute(const Visit& visit) const {
    for (size_t i = 0; i < route_metrics_.size(); ++i) {
      const RouteMetrics& m = *route_metrics_[i];
      if (m.latency.count() == 0) {
        continue;
      }
      if (i < router_.route_count()) {
        visit(router_.route_pattern(i), MethodName(router_.route_method(i)), m);
      } else if (i == router_.route_count()) {
        visit("web_app", "GET", m);
      } else {
        visit("unmatched", "any", m);
      }
    }
  }

  RouteMetrics& MetricsOf(int route) {
    if (route >= 0) {
      return *route_metrics_[static_cast<size_t>(route)];
    }
    return *route_metrics_[router_.route_count() + (route == RouteMatch::kFallbackRoute ? 0 : 1)];
  }

  // Runs on the first loop.
  void BeginShutdown() {
    if (draining_.exchange(true)) {
      return;
    }
    // Idle keep-alive connections are waiting for a request that should not come: each loop
    // closes its own. A session that starts a read after this sees draining_ and stops instead.
    for (auto& loop : loops_) {
      asio::post(loop->io, [loop = loop.get()] {
        for (auto& [id, connection] : loop->connections) {
          if (connection.state == Connection::State::kReading) {
            beast::error_code ignored;
            connection.socket->cancel(ignored);
          }
        }
      });
    }
    beast::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](const beast::error_code& ec) {
      if (ec) {
        return;
      }
      if (active_connections_.load() != 0) {
        spdlog::warn("shutdown grace period over; closing {} connections",
                     active_connections_.load());
      }
      for (auto& loop : loops_) {
        asio::post(loop->io, [loop = loop.get()] {
          for (auto& [id, connection] : loop->connections) {
            beast::error_code not_needed;
            connection.socket->close(not_needed);
          }
        });
      }
    });
    MaybeFinishShutdown();
  }

  // Once draining and the last connection is gone, lets every loop run out of work, so Run()
  // returns.
  void MaybeFinishShutdown() {
    if (draining_.load() && active_connections_.load() == 0) {
      asio::post(loops_.front()->io, [this] {
        grace_timer_.cancel();
        for (auto& loop : loops_) {
          asio::post(loop->io, [loop = loop.get()] {
            loop->stopped = true;
            loop->sweep.cancel();
          });
          loop->keep_running.reset();
        }
      });
    }
  }

  // Once a second, ends the reads and writes of this loop's connections that are past their
  // deadline: a read is cancelled (answered 408 if part of a request came), a write's socket is
  // closed. One pass over the connections per second instead of a timer armed per request.
  asio::awaitable<void> Sweep(Loop& loop) {
    for (;;) {
      loop.sweep.expires_after(std::chrono::seconds(1));
      auto [ec] = co_await loop.sweep.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec || loop.stopped) {
        co_return;  // Shutdown finished.
      }
      const auto now = std::chrono::steady_clock::now();
      for (auto& [id, connection] : loop.connections) {
        if (connection.state == Connection::State::kHandling || now < connection.deadline) {
          continue;
        }
        beast::error_code ignored;
        if (connection.state == Connection::State::kReading && !connection.timed_out) {
          connection.timed_out = true;
          connection.socket->cancel(ignored);
        } else if (connection.state == Connection::State::kWriting) {
          connection.socket->close(ignored);
        }
      }
    }
  }

  asio::awaitable<void> Accept() {
    size_t next_loop = 0;
    for (;;) {
      Loop& loop = *loops_[next_loop];
      next_loop = (next_loop + 1) % loops_.size();
      auto [ec, socket] =
          co_await acceptor_.async_accept(loop.io, asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
          co_return;
        }
        // Out of descriptors and the like: back off briefly instead of spinning.
        spdlog::warn("accept failed: {}", ec.message());
        asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      if (active_connections_.load() >= options_.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      ++active_connections_;
      asio::co_spawn(loop.io, Session(loop, std::move(socket)),
                     [](const std::exception_ptr& error) {
                       if (error) {
                         try {
                           std::rethrow_exception(error);
                         } catch (const std::exception& e) {
                           spdlog::error("connection failed: {}", e.what());
                         }
                       }
                     });
    }
  }

  static bool ClientWentAway(const beast::error_code& read_error, bool got_some) {
    return read_error == bhttp::error::end_of_stream || read_error == asio::error::eof ||
           read_error == asio::error::operation_aborted ||
           read_error == asio::error::connection_reset ||
           (read_error == beast::error::timeout && !got_some);
  }

  // The refusal of a request that could not be read: too large (413, 431), too slow (408) or
  // malformed (400).
  Status UnreadableStatus(const beast::error_code& read_error) const {
    if (read_error == bhttp::error::body_limit) {
      return Status(
          reason::kPayloadTooLarge,
          "the request body exceeds " + std::to_string(options_.max_body_bytes) + " bytes");
    }
    if (read_error == bhttp::error::header_limit) {
      return Status(
          reason::kHeadersTooLarge,
          "the request headers exceed " + std::to_string(options_.max_header_bytes) + " bytes");
    }
    if (read_error == beast::error::timeout) {
      return Status(reason::kRequestTimeout, "the request was not received in time");
    }
    return Status(reason::kBadRequest, "malformed HTTP request: " + read_error.message());
  }

  // Answers a request that could not be read, and logs it; the connection closes after it.
  asio::awaitable<void> AnswerUnreadable(tcp::socket& stream, Connection& self,
                                         bhttp::request_parser<bhttp::string_body>& parser,
                                         const beast::error_code& read_error,
                                         const std::string& remote_address,
                                         std::chrono::steady_clock::time_point started,
                                         size_t bytes_read) {
    Request request;
    request.request_id = ids_.NewId("req");
    request.remote_address = remote_address;
    request.method = Method::kOther;
    if (parser.is_header_done()) {
      request.method = ToMethod(parser.get().method());
      request.path = std::string(parser.get().target().substr(0, 256));
    }
    Response response = ErrorResponse(UnreadableStatus(read_error), request.request_id);
    Record(RouteMatch::kNoRoute, request, response, started, bytes_read);
    co_await Write(stream, self, request, response, /*keep_alive=*/false, 11);
  }

  asio::awaitable<void> Session(Loop& loop, tcp::socket stream) {
    beast::error_code ec;
    stream.set_option(tcp::no_delay(true), ec);
    const auto remote = stream.remote_endpoint(ec);
    const std::string remote_address = ec ? "unknown" : remote.address().to_string();
    const uint64_t id = next_connection_id_.fetch_add(1);
    // unordered_map nodes stay put: `self` is valid until the erase below.
    Connection& self = loop.connections[id];
    self.socket = &stream;
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(options_.max_header_bytes));
      parser.body_limit(options_.max_body_bytes);
      // Reading (and so cancellable) unless shutdown began: BeginShutdown posts its cancel of
      // reading connections to this loop after setting draining_, so it either finds this one
      // reading or this sees draining_.
      if (draining_.load()) {
        break;
      }
      self.state = Connection::State::kReading;
      self.deadline = std::chrono::steady_clock::now() + options_.read_timeout;
      self.timed_out = false;
      auto [read_error, bytes_read] =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      self.state = Connection::State::kHandling;
      if (self.timed_out && read_error == asio::error::operation_aborted) {
        read_error = beast::error::timeout;
      }
      const auto started = std::chrono::steady_clock::now();
      if (read_error) {
        // Nothing to answer when the client went away or stayed silent.
        if (!ClientWentAway(read_error, parser.got_some())) {
          co_await AnswerUnreadable(stream, self, parser, read_error, remote_address, started,
                                    bytes_read);
        }
        break;
      }
      auto& message = parser.get();
      Request request = MakeRequest(message, remote_address);
      int route = RouteMatch::kNoRoute;
      Response response = co_await Handle(request, route);
      const bool keep_alive = message.keep_alive() && !draining_;
      // Counted before the answer goes out, so a client that has it also finds it in /metrics.
      Record(route, request, response, started, bytes_read);
      const bool sent =
          co_await Write(stream, self, request, response, keep_alive, message.version());
      if (!keep_alive || !sent) {
        break;
      }
    }
    stream.shutdown(tcp::socket::shutdown_send, ec);
    stream.close(ec);
    loop.connections.erase(id);
    --active_connections_;
    MaybeFinishShutdown();
  }

  Request MakeRequest(bhttp::request<bhttp::string_body>& message,
                      const std::string& remote_address) {
    Request request;
    request.method = ToMethod(message.method());
    request.remote_address = remote_address;
    for (const auto& field : message) {
      std::string name(field.name_string());
      for (char& c : name) {
        if (c >= 'A' && c <= 'Z') {
          c = static_cast<char>(c - 'A' + 'a');
        }
      }
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    if (options_.trust_forwarded_for) {
      if (const auto forwarded = request.Header("x-forwarded-for")) {
        const auto comma = forwarded->rfind(',');
        const std::string_view last =
            comma == std::string_view::npos ? *forwarded : forwarded->substr(comma + 1);
        const auto begin = last.find_first_not_of(' ');
        if (begin != std::string_view::npos) {
          request.remote_address = std::string(last.substr(begin, last.find(' ', begin) - begin));
        }
      }
    }
    const auto incoming_id = request.Header("x-request-id");
    request.request_id = incoming_id && IsAcceptableRequestId(*incoming_id)
                             ? std::string(*incoming_id)
                             : ids_.NewId("req");
    const std::string_view target = message.target();
    const auto question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) {
      // Parsed in Handle, so a malformed query is answered like any other error.
      request.raw_query = std::string(target.substr(question + 1));
    }
    request.body = std::move(message.body());
    return request;
  }

  // Decodes the target and finds the route on the I/O thread (setting `route`); runs an inline
  // handler here, a blocking one on a worker thread, and starts an asynchronous one here (it
  // answers through its Responder) or on a worker thread when the route says its start would
  // block for this request.
  asio::awaitable<Response> Handle(Request& request, int& route) {
    auto query = ParseQueryString(request.raw_query);
    auto path = PercentDecode(request.path, false);
    if (!query || !path) {
      co_return ErrorResponse(Status(reason::kInvalidQuery, "the URL has a malformed %-escape"),
                              request.request_id);
    }
    request.query = std::move(*query);
    request.path = std::move(*path);
    RouteMatch match = router_.Match(request);
    route = match.route;
    if (match.response) {
      co_return std::move(*match.response);
    }
    if (match.async_handler != nullptr) {
      if (match.starts_inline == nullptr || (*match.starts_inline)(request)) {
        co_return co_await Start(*match.async_handler, request);
      }
      // Its start would block (a database read): start it on a worker thread instead.
      co_return co_await asio::co_spawn(
          workers_,
          [this, &request, handler = match.async_handler]() -> asio::awaitable<Response> {
            co_return co_await Start(*handler, request);
          },
          asio::use_awaitable);
    }
    if (match.runs_inline) {
      co_return RunBlocking(*match.handler, request);
    }
    co_return co_await asio::co_spawn(
        workers_,
        [this, &request, handler = match.handler]() -> asio::awaitable<Response> {
          co_return RunBlocking(*handler, request);
        },
        asio::use_awaitable);
  }

  // Runs a handler and catches what it throws; on a worker thread, or inline on the I/O thread.
  Response RunBlocking(const Handler& handler, Request& request) {
    const ScopedRequestId scoped(request.request_id);
    try {
      return handler(request);
    } catch (const std::exception& e) {
      // The last-resort catch of STYLE.md B.3: log with the request id, answer 500.
      spdlog::error("unhandled exception: {}", e.what());
      return ErrorResponse(Status(reason::kInternal, "internal error"), request.request_id);
    }
  }

  // Starts an asynchronous handler on this thread and suspends the session until the
  // handler's Responder is called, from whichever thread; the response comes back through the
  // session's loop.
  asio::awaitable<Response> Start(const AsyncHandler& handler, Request& request) {
    co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Response)>(
        [&handler, &request](auto completion) {
          auto executor = asio::get_associated_executor(completion);
          auto resume = std::make_shared<decltype(completion)>(std::move(completion));
          // The one call hands the executor and the suspended session over to the post, so a
          // Responder kept after it has answered holds nothing of the server.
          Responder respond = [resume, executor](Response response) mutable {
            auto session = std::exchange(resume, nullptr);
            asio::post(std::exchange(executor, {}),
                       [session, response = std::move(response)]() mutable {
                         std::move (*session)(std::move(response));
                       });
          };
          const ScopedRequestId scoped(request.request_id);
          try {
            handler(request, respond);
          } catch (const std::exception& e) {
            // Asynchronous handlers answer last, so one that threw has not answered yet.
            spdlog::error("unhandled exception: {}", e.what());
            respond(ErrorResponse(Status(reason::kInternal, "internal error"), request.request_id));
          }
        },
        asio::use_awaitable);
  }

  // Writes `response`: the status line and headers serialized here into one string (no
  // allocation per field), then head and body in one gather write. The server's headers
  // (Content-Type, Cache-Control: no-store) give way to a handler's own of the same name.
  // Returns whether all of it was written.
  asio::awaitable<bool> Write(tcp::socket& stream, Connection& self, const Request& request,
                              Response& response, bool keep_alive, unsigned version) const {
    const bool has_body =
        !(response.status < 200 || response.status == 204 || response.status == 304);
    const size_t body_bytes = has_body ? response.body.size() : 0;
    std::string head;
    head.reserve(192 + request.request_id.size() + response.content_type.size() +
                 64 * response.headers.size());
    head += version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head += std::to_string(response.status);
    head += ' ';
    head += bhttp::obsolete_reason(static_cast<bhttp::status>(response.status));
    head += "\r\nServer: creditd\r\n";
    if (!HasHeader(response, "content-type")) {
      AppendHeader(head, "Content-Type", response.content_type);
    }
    AppendHeader(head, "X-Request-Id", request.request_id);
    if (!HasHeader(response, "cache-control")) {
      head += "Cache-Control: no-store\r\n";
    }
    for (const auto& [name, value] : response.headers) {
      AppendHeader(head, name, value);
    }
    if (version == 10 && keep_alive) {
      head += "Connection: keep-alive\r\n";
    } else if (version != 10 && !keep_alive) {
      head += "Connection: close\r\n";
    }
    if (keep_alive) {
      // The idle time after which this server closes the connection (the sweep closes it up to
      // a second later, never sooner). A client that pools connections (Node's undici keeps
      // them 4 s by default) then stops reusing one before the close, instead of racing it with
      // a request the close would cut off.
      head += keep_alive_header_;
    }
    if (has_body) {
      head += "Content-Length: ";
      head += std::to_string(body_bytes);
      head += "\r\n";
    }
    head += "\r\n";
    // A HEAD answer has the headers of the GET, without the body.
    const bool send_body = has_body && request.method != Method::kHead;
    const std::array<asio::const_buffer, 2> buffers{
        asio::buffer(head), send_body ? asio::buffer(response.body) : asio::const_buffer()};
    self.state = Connection::State::kWriting;
    self.deadline = std::chrono::steady_clock::now() + options_.read_timeout;
    auto [ec, written] =
        co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
    self.state = Connection::State::kHandling;
    co_return !ec;
  }

  static bool HasHeader(const Response& response, std::string_view name) {
    return std::any_of(response.headers.begin(), response.headers.end(),
                       [name](const auto& header) { return beast::iequals(header.first, name); });
  }

  // Appends "Name: value\r\n"; a CR or LF inside (which would split the header) becomes a space.
  static void AppendHeader(std::string& head, std::string_view name, std::string_view value) {
    head += name;
    head += ": ";
    const size_t start = head.size();
    head += value;
    for (size_t i = start; i < head.size(); ++i) {
      if (head[i] == '\r' || head[i] == '\n') {
        head[i] = ' ';
      }
    }
    head += "\r\n";
  }

  // Counts the request in its route's metrics and writes its access-log line, once its answer
  // is ready (the time to write it to the socket is not included).
  void Record(int route, const Request& request, const Response& response,
              std::chrono::steady_clock::time_point started, size_t bytes_in) {
    const int64_t elapsed_us = metrics::MicrosSince(started);
    RouteMetrics& route_metrics = MetricsOf(route);
    route_metrics.statuses.Add(response.status);
    route_metrics.latency.Observe(elapsed_us);
    LogAccess(request, response, elapsed_us, bytes_in, response.body.size());
  }

  // One JSON line per request, built by hand: the access log is on every request's path.
  static void LogAccess(const Request& request, const Response& response, int64_t elapsed_us,
                        size_t bytes_in, size_t bytes_out) {
    std::string line;
    line.reserve(256 + request.path.size());
    line += R"({"ts":")";
    line += FormatRfc3339Millis(std::chrono::system_clock::now());
    line += R"(","level":"info","msg":"access","request_id":)";
    AppendJsonString(line, request.request_id);
    line += R"(,"method":")";
    line += MethodName(request.method);
    line += R"(","path":)";
    AppendJsonString(line, request.path);
    line += R"(,"status":)";
    line += std::to_string(response.status);
    line += R"(,"duration_us":)";
    line += std::to_string(elapsed_us);
    line += R"(,"bytes_in":)";
    line += std::to_string(bytes_in);
    line += R"(,"bytes_out":)";
    line += std::to_string(bytes_out);
    line += R"(,"remote":)";
    AppendJsonString(line, request.remote_address);
    if (!response.error_reason.empty()) {
      line += R"(,"reason":)";
      AppendJsonString(line, response.error_reason);
    }
    line += '}';
    WriteAccessLog(line);
  }

  ServerOptions options_;
  const std::string keep_alive_header_;  // "Keep-Alive: timeout=<read_timeout>\r\n".
  const Router& router_;
  std::vector<std::unique_ptr<Loop>> loops_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer grace_timer_;
  asio::thread_pool workers_;
  RandomIdGenerator ids_;
  std::atomic<bool> draining_{false};
  std::atomic<int> active_connections_{0};
  std::atomic<uint64_t> next_connection_id_{1};
  std::vector<std::unique_ptr<RouteMetrics>> route_metrics_;
};

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() = default;

Result<uint16_t> Server::Listen() {
  return impl_->Listen();
}
void Server::Run() {
  impl_->Run();
}
void Server::Shutdown() {
  impl_->Shutdown();
}
bool Server::draining() const {
  return impl_->draining();
}
void Server::WriteMetrics(metrics::TextWriter& out) const {
  impl_->WriteMetrics(out);
}

}  // namespace creditd::http
