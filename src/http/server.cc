#include "http/server.h"

#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "common/clock.h"
#include "common/ids.h"
#include "common/mutex.h"
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

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router)
      : options_(std::move(options)),
        router_(router),
        io_(options_.io_threads),
        acceptor_(io_),
        signals_(io_, SIGINT, SIGTERM),
        grace_timer_(io_),
        workers_(static_cast<size_t>(options_.worker_threads)) {}

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
    std::vector<std::thread> threads;
    for (int i = 1; i < options_.io_threads; ++i) {
      threads.emplace_back([this] { io_.run(); });
    }
    io_.run();
    for (auto& thread : threads) {
      thread.join();
    }
    workers_.join();
  }

  void Shutdown() {
    asio::post(io_, [this] { BeginShutdown(); });
  }

  bool draining() const { return draining_.load(); }

 private:
  struct Connection {
    beast::tcp_stream* stream;
    bool idle;
  };

  void BeginShutdown() {
    {
      const MutexLock lock(mutex_);
      if (draining_.exchange(true)) {
        return;
      }
      // Idle keep-alive connections are waiting for a request that should not come: close them.
      for (auto& [id, connection] : connections_) {
        if (connection.idle) {
          CancelOnItsStrand(id, connection.stream->get_executor(), /*close=*/false);
        }
      }
    }
    beast::error_code ignored;
    acceptor_.close(ignored);
    signals_.cancel(ignored);
    grace_timer_.expires_after(options_.shutdown_grace);
    grace_timer_.async_wait([this](const beast::error_code& ec) {
      if (ec) {
        return;
      }
      const MutexLock lock(mutex_);
      if (!connections_.empty()) {
        spdlog::warn("shutdown grace period over; closing {} connections", connections_.size());
      }
      for (auto& [id, connection] : connections_) {
        CancelOnItsStrand(id, connection.stream->get_executor(), /*close=*/true);
      }
    });
    MaybeFinishShutdown();
  }

  // Cancels (or closes) connection `id` on its own strand, where its session runs. The session
  // may have ended by the time the handler runs, so the handler looks the connection up again
  // instead of keeping a pointer to it.
  void CancelOnItsStrand(uint64_t id, const asio::any_io_executor& strand, bool close)
      REQUIRES(mutex_) {
    asio::post(strand, [this, id, close] {
      const MutexLock lock(mutex_);
      const auto it = connections_.find(id);
      if (it == connections_.end()) {
        return;
      }
      beast::error_code ignored;
      if (close) {
        it->second.stream->socket().close(ignored);
      } else {
        it->second.stream->socket().cancel(ignored);
      }
    });
  }

  // Ends the grace timer once the last connection is gone.
  void MaybeFinishShutdown() EXCLUDES(mutex_) {
    const MutexLock lock(mutex_);
    if (draining_ && connections_.empty()) {
      asio::post(io_, [this] { grace_timer_.cancel(); });
    }
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_),
                                                          asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
          co_return;
        }
        // Out of descriptors and the like: back off briefly instead of spinning.
        spdlog::warn("accept failed: {}", ec.message());
        asio::steady_timer pause(io_, std::chrono::milliseconds(50));
        co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
        continue;
      }
      if (active_connections_.load() >= options_.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      auto executor = socket.get_executor();
      asio::co_spawn(executor, Session(std::move(socket)), [](const std::exception_ptr& error) {
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

  // Marks the connection idle unless shutdown began; both under the lock, so BeginShutdown
  // either sees it idle (and cancels its read) or the session sees draining_ and stops.
  bool EnterIdle(uint64_t id) {
    const MutexLock lock(mutex_);
    if (draining_) {
      return false;
    }
    connections_[id].idle = true;
    return true;
  }

  void LeaveIdle(uint64_t id) {
    const MutexLock lock(mutex_);
    connections_[id].idle = false;
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
  asio::awaitable<void> AnswerUnreadable(beast::tcp_stream& stream,
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
    const Response response = ErrorResponse(UnreadableStatus(read_error), request.request_id);
    co_await Write(stream, request, response, /*keep_alive=*/false, 11);
    LogAccess(request, response, started, bytes_read);
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::error_code ec;
    stream.socket().set_option(tcp::no_delay(true), ec);
    const auto remote = stream.socket().remote_endpoint(ec);
    const std::string remote_address = ec ? "unknown" : remote.address().to_string();
    const uint64_t id = next_connection_id_.fetch_add(1);
    ++active_connections_;
    {
      const MutexLock lock(mutex_);
      connections_[id] = Connection{&stream, false};
    }
    beast::flat_buffer buffer;
    for (;;) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<uint32_t>(options_.max_header_bytes));
      parser.body_limit(options_.max_body_bytes);
      if (!EnterIdle(id)) {
        break;
      }
      // A timer (not tcp_stream's own timeout, which closes the socket) bounds the read, so a
      // half-received request can still be answered with 408. The handler touches only the
      // shared flag unless it fires while the read, and so this frame, is pending.
      stream.expires_never();
      auto timed_out = std::make_shared<bool>(false);
      asio::steady_timer read_timer(stream.get_executor(), options_.read_timeout);
      read_timer.async_wait([timed_out, &stream](const beast::error_code& timer_error) {
        if (!timer_error) {
          *timed_out = true;
          beast::error_code ignored;
          stream.socket().cancel(ignored);
        }
      });
      auto [read_error, bytes_read] =
          co_await bhttp::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      read_timer.cancel();
      LeaveIdle(id);
      if (*timed_out && read_error == asio::error::operation_aborted) {
        read_error = beast::error::timeout;
      }
      const auto started = std::chrono::steady_clock::now();
      if (read_error) {
        // Nothing to answer when the client went away or stayed silent.
        if (!ClientWentAway(read_error, parser.got_some())) {
          co_await AnswerUnreadable(stream, parser, read_error, remote_address, started,
                                    bytes_read);
        }
        break;
      }
      auto& message = parser.get();
      Request request = MakeRequest(message, remote_address);
      Response response = co_await Handle(request);
      const bool keep_alive = message.keep_alive() && !draining_;
      const bool written = co_await Write(stream, request, response, keep_alive, message.version());
      LogAccess(request, response, started, bytes_read);
      if (!keep_alive || !written) {
        break;
      }
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.socket().close(ec);
    {
      const MutexLock lock(mutex_);
      connections_.erase(id);
    }
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

  // Decodes the target and finds the route on the I/O thread; runs a blocking handler on a
  // worker thread and starts an asynchronous one here (it answers through its Responder), or on a
  // worker thread when the route says its start would block for this request.
  asio::awaitable<Response> Handle(Request& request) {
    auto query = ParseQueryString(request.raw_query);
    auto path = PercentDecode(request.path, false);
    if (!query || !path) {
      co_return ErrorResponse(Status(reason::kInvalidQuery, "the URL has a malformed %-escape"),
                              request.request_id);
    }
    request.query = std::move(*query);
    request.path = std::move(*path);
    RouteMatch match = router_.Match(request);
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
    co_return co_await asio::co_spawn(
        workers_,
        [this, &request, handler = match.handler]() -> asio::awaitable<Response> {
          co_return RunBlocking(*handler, request);
        },
        asio::use_awaitable);
  }

  // Runs on a worker thread.
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
  // session's strand.
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

  asio::awaitable<bool> Write(beast::tcp_stream& stream, const Request& request,
                              const Response& response, bool keep_alive, unsigned version) const {
    bhttp::response<bhttp::string_body> message{static_cast<bhttp::status>(response.status),
                                                version};
    message.set(bhttp::field::server, "creditd");
    message.set(bhttp::field::content_type, response.content_type);
    message.set("X-Request-Id", request.request_id);
    message.set(bhttp::field::cache_control, "no-store");
    for (const auto& [name, value] : response.headers) {
      message.set(name, value);
    }
    message.keep_alive(keep_alive);
    if (request.method == Method::kHead) {
      message.content_length(response.body.size());
    } else {
      message.body() = response.body;
      message.prepare_payload();
    }
    stream.expires_after(options_.read_timeout);
    auto [ec, written] =
        co_await bhttp::async_write(stream, message, asio::as_tuple(asio::use_awaitable));
    co_return !ec;
  }

  // One JSON line per request, built by hand: the access log is on every request's path.
  void LogAccess(const Request& request, const Response& response,
                 std::chrono::steady_clock::time_point started, size_t bytes_in) {
    const auto elapsed = std::chrono::steady_clock::now() - started;
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
    line += std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count());
    line += R"(,"bytes_in":)";
    line += std::to_string(bytes_in);
    line += R"(,"bytes_out":)";
    line += std::to_string(response.body.size());
    line += R"(,"remote":)";
    AppendJsonString(line, request.remote_address);
    if (!response.error_reason.empty()) {
      line += R"(,"reason":)";
      AppendJsonString(line, response.error_reason);
    }
    line += '}';
    WriteAccessLog(line);
  }

  // Appends `text` as a JSON string; invalid UTF-8 (a raw path may hold any bytes) becomes U+FFFD.
  static void AppendJsonString(std::string& out, std::string_view text) {
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

  ServerOptions options_;
  const Router& router_;
  asio::io_context io_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer grace_timer_;
  asio::thread_pool workers_;
  RandomIdGenerator ids_;
  std::atomic<bool> draining_{false};
  std::atomic<int> active_connections_{0};
  std::atomic<uint64_t> next_connection_id_{1};
  Mutex mutex_;
  std::unordered_map<uint64_t, Connection> connections_ GUARDED_BY(mutex_);
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

}  // namespace creditd::http
