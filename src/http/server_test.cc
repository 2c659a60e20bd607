#include "http/server.h"

#include <condition_variable>
#include <future>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <gtest/gtest.h>

#include "http/error_response.h"

namespace creditd::http {
namespace {

namespace asio = boost::asio;
namespace bhttp = boost::beast::http;

// One GET over its own connection; returns "STATUS BODY".
std::string Get(uint16_t port, const std::string& target) {
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::address_v4::loopback(), port});
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
  request.set(bhttp::field::host, "127.0.0.1");
  request.keep_alive(false);
  bhttp::write(socket, request);
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(socket, buffer, response);
  return std::to_string(response.result_int()) + " " + response.body();
}

TEST(ServerTest, AsynchronousRoutesWaitWithoutAThreadAndAnswerFromAnother) {
  // Eight requests are pending at once although there is one worker thread: an asynchronous
  // route holds no thread while it waits. They are answered together from a thread of the test.
  constexpr size_t kPending = 8;
  Router router;
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<Responder> waiting;
  router.AddAsync(Method::kGet, "/later", [&](Request&, Responder respond) {
    const std::lock_guard lock(mutex);
    waiting.push_back(std::move(respond));
    arrived.notify_one();
  });
  router.AddAsync(Method::kGet, "/throws",
                  [](Request&, Responder) { throw std::runtime_error("a bug"); });
  router.Add(Method::kGet, "/now", [](Request&) { return Success("now"); });
  ServerOptions options;
  options.port = 0;
  options.worker_threads = 1;
  Server server(options, router);
  const auto port = server.Listen();
  ASSERT_TRUE(port.ok());
  std::thread serving([&] { server.Run(); });

  std::vector<std::future<std::string>> replies;
  for (size_t i = 0; i < kPending; ++i) {
    replies.push_back(std::async(std::launch::async, [&] { return Get(*port, "/later"); }));
  }
  std::thread answering([&] {
    std::unique_lock lock(mutex);
    arrived.wait(lock, [&] { return waiting.size() == kPending; });
    for (Responder& respond : waiting) {
      respond(Success("later"));
    }
  });
  for (auto& reply : replies) {
    EXPECT_EQ(reply.get(), R"(200 {"code":200,"message":"success","data":"later"})");
  }
  answering.join();
  EXPECT_EQ(Get(*port, "/now"), R"(200 {"code":200,"message":"success","data":"now"})");
  // A handler that throws before answering gets the last-resort 500.
  EXPECT_EQ(Get(*port, "/throws").substr(0, 4), "500 ");
  server.Shutdown();
  serving.join();
  // The responders that answered are kept until here: they hold nothing of the server any more.
  EXPECT_EQ(waiting.size(), kPending);
}

TEST(ServerTest, AnAsynchronousRouteWhoseStartWouldBlockStartsOnAWorkerThread) {
  Router router;
  std::mutex mutex;
  std::thread::id inline_thread;
  std::thread::id worker_thread;
  std::thread::id blocking_thread;
  // GET /start?inline=1 starts on the I/O thread; without it the route's test says its start
  // would block (as an API key missing from the cache does), so it starts on a worker.
  router.AddAsync(
      Method::kGet, "/start",
      [&](Request& request, Responder respond) {
        const std::lock_guard lock(mutex);
        (request.query.count("inline") != 0 ? inline_thread : worker_thread) =
            std::this_thread::get_id();
        respond(Success("started"));
      },
      [](const Request& request) { return request.query.count("inline") != 0; });
  router.Add(Method::kGet, "/blocking", [&](Request&) {
    const std::lock_guard lock(mutex);
    blocking_thread = std::this_thread::get_id();
    return Success("done");
  });
  ServerOptions options;
  options.port = 0;
  options.io_threads = 1;
  options.worker_threads = 1;
  Server server(options, router);
  const auto port = server.Listen();
  ASSERT_TRUE(port.ok());
  std::thread serving([&] { server.Run(); });
  EXPECT_EQ(Get(*port, "/start?inline=1"),
            R"(200 {"code":200,"message":"success","data":"started"})");
  EXPECT_EQ(Get(*port, "/start"), R"(200 {"code":200,"message":"success","data":"started"})");
  EXPECT_EQ(Get(*port, "/blocking"), R"(200 {"code":200,"message":"success","data":"done"})");
  server.Shutdown();
  serving.join();
  const std::lock_guard lock(mutex);
  // The one worker thread ran both the blocking route and the deferred start; the I/O thread,
  // which started the inline one, is another thread.
  EXPECT_EQ(worker_thread, blocking_thread);
  EXPECT_NE(inline_thread, worker_thread);
  EXPECT_NE(inline_thread, std::thread::id());
}

TEST(ServerTest, InlineRoutesAnswerOnTheLoopsWhileEveryWorkerIsBusy) {
  Router router;
  std::mutex mutex;
  std::set<std::thread::id> inline_threads;
  std::thread::id worker_thread;
  std::promise<void> blocking_started;
  std::promise<void> unblock;
  std::shared_future<void> unblocked = unblock.get_future().share();
  router.Add(Method::kGet, "/block", [&](Request&) {
    {
      const std::lock_guard lock(mutex);
      worker_thread = std::this_thread::get_id();
    }
    blocking_started.set_value();
    unblocked.wait();
    return Success("unblocked");
  });
  router.AddInline(Method::kGet, "/inline", [&](Request&) {
    const std::lock_guard lock(mutex);
    inline_threads.insert(std::this_thread::get_id());
    return Success("inline");
  });
  ServerOptions options;
  options.port = 0;
  options.io_threads = 2;
  options.worker_threads = 1;
  Server server(options, router);
  const auto port = server.Listen();
  ASSERT_TRUE(port.ok());
  std::thread serving([&] { server.Run(); });
  auto blocked = std::async(std::launch::async, [&] { return Get(*port, "/block"); });
  blocking_started.get_future().wait();
  // The only worker is busy: these are answered by the I/O threads themselves, each new
  // connection on the next loop.
  auto inline_replies = std::async(std::launch::async, [&] {
    std::vector<std::string> replies;
    for (int i = 0; i < 4; ++i) {
      replies.push_back(Get(*port, "/inline"));
    }
    return replies;
  });
  ASSERT_EQ(inline_replies.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  for (const std::string& reply : inline_replies.get()) {
    EXPECT_EQ(reply, R"(200 {"code":200,"message":"success","data":"inline"})");
  }
  unblock.set_value();
  EXPECT_EQ(blocked.get(), R"(200 {"code":200,"message":"success","data":"unblocked"})");
  metrics::TextWriter out;
  server.WriteMetrics(out);
  EXPECT_NE(out.text().find(
                R"(creditd_http_requests_total{route="/inline",method="GET",status="200"} 4)"),
            std::string::npos)
      << out.text();
  server.Shutdown();
  serving.join();
  const std::lock_guard lock(mutex);
  EXPECT_EQ(inline_threads.size(), 2U);  // Both loops served.
  EXPECT_EQ(inline_threads.count(worker_thread), 0U);
}

TEST(ServerTest, ListeningOnABusyPortIsNotReady) {
  Router router;
  ServerOptions options;
  options.port = 0;
  Server first(options, router);
  const auto port = first.Listen();
  ASSERT_TRUE(port.ok());
  options.port = *port;
  Server second(options, router);
  const auto again = second.Listen();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "not_ready");
  options.host = "not-an-address";
  Server third(options, router);
  EXPECT_EQ(third.Listen().status().reason(), "not_ready");
}

// A kept-alive answer states the idle time after which the server closes the connection, and
// the server keeps the connection at least that long: a pooling client that believes the header
// never sends a request into a close. An answer that closes states none.
TEST(ServerTest, KeepAliveAnswersStateTheIdleTimeTheServerKeeps) {
  Router router;
  router.Add(Method::kGet, "/now", [](Request&) { return Success("now"); });
  ServerOptions options;
  options.port = 0;
  options.read_timeout = std::chrono::seconds(1);
  Server server(options, router);
  const auto port = server.Listen();
  ASSERT_TRUE(port.ok());
  std::thread serving([&] { server.Run(); });

  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::address_v4::loopback(), *port});
  bhttp::request<bhttp::empty_body> request{bhttp::verb::get, "/now", 11};
  request.set(bhttp::field::host, "127.0.0.1");
  boost::beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  // The server starts the idle time after it answers, so after `asked` too.
  auto asked = std::chrono::steady_clock::now();
  for (int i = 0; i < 2; ++i) {  // The second request reuses the connection.
    asked = std::chrono::steady_clock::now();
    bhttp::write(socket, request);
    response = {};
    bhttp::read(socket, buffer, response);
    EXPECT_EQ(response.result_int(), 200U);
    EXPECT_EQ(response[bhttp::field::keep_alive], "timeout=1");
    EXPECT_TRUE(response.keep_alive());
  }
  boost::system::error_code ec;
  char byte = 0;
  socket.read_some(asio::buffer(&byte, 1), ec);  // Blocks until the server closes it.
  EXPECT_EQ(ec, asio::error::eof);
  EXPECT_GE(std::chrono::steady_clock::now() - asked, std::chrono::seconds(1));

  asio::ip::tcp::socket closing(io);
  closing.connect({asio::ip::address_v4::loopback(), *port});
  request.keep_alive(false);
  bhttp::write(closing, request);
  response = {};
  bhttp::read(closing, buffer, response);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_EQ(response.count(bhttp::field::keep_alive), 0U);
  server.Shutdown();
  serving.join();
}

}  // namespace
}  // namespace creditd::http
