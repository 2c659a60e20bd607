#include "http/router.h"

#include <future>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "http/error_response.h"

namespace creditd::http {
namespace {

// What the server does with a match, on the calling thread (waiting for an asynchronous handler).
Response Dispatch(const Router& router, Request& request) {
  RouteMatch match = router.Match(request);
  if (match.response) {
    return std::move(*match.response);
  }
  if (match.handler != nullptr) {
    return (*match.handler)(request);
  }
  std::promise<Response> answered;
  (*match.async_handler)(
      request, [&answered](Response response) { answered.set_value(std::move(response)); });
  return answered.get_future().get();
}

Response Echo(Request& request) {
  nlohmann::json params = request.path_params;
  return Success(params);
}

TEST(RouterTest, MatchesLiteralsBeforeParametersAndFillsParams) {
  Router router;
  router.Add(Method::kGet, "/api/v1/accounts/{id}", Echo);
  router.Add(Method::kGet, "/api/v1/accounts/me", [](Request&) { return Success("me"); });
  Request request;
  request.path = "/api/v1/accounts/me";
  EXPECT_EQ(Dispatch(router, request).body, R"({"code":200,"message":"success","data":"me"})");
  request.path = "/api/v1/accounts/42";
  EXPECT_EQ(Dispatch(router, request).body,
            R"({"code":200,"message":"success","data":{"id":"42"}})");
}

TEST(RouterTest, AnswersUnknownPathsAndWrongMethodsWithTheirReasons) {
  Router router;
  router.Add(Method::kPost, "/api/v1/auth/login", Echo);
  Request request;
  request.request_id = "req_1";
  request.path = "/api/v1/auth/logins";
  const Response missing = Dispatch(router, request);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_reason, "route_not_found");
  request.path = "/api/v1/auth/login";
  request.method = Method::kGet;
  const Response wrong = Dispatch(router, request);
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.error_reason, "method_not_allowed");
  ASSERT_EQ(wrong.headers.size(), 1U);
  EXPECT_EQ(wrong.headers[0].second, "POST");
  request.path = "/api/v1/auth//login";
  request.method = Method::kPost;
  EXPECT_EQ(Dispatch(router, request).status, 404);
}

TEST(RouterTest, HeadIsServedByTheGetRoute) {
  Router router;
  router.Add(Method::kGet, "/healthz", [](Request&) { return Success("ok"); });
  Request request;
  request.method = Method::kHead;
  request.path = "/healthz";
  EXPECT_EQ(Dispatch(router, request).status, 200);
}

TEST(RouterTest, AsynchronousRoutesAreMatchedLikeOthersAndAnswerThroughTheirResponder) {
  Router router;
  router.AddAsync(Method::kPost, "/api/v1/charges/{id}/capture",
                  [](Request& request, Responder respond) { respond(Echo(request)); });
  router.Add(Method::kGet, "/api/v1/charges/{id}", Echo);
  Request request;
  request.method = Method::kPost;
  request.path = "/api/v1/charges/7/capture";
  const RouteMatch match = router.Match(request);
  EXPECT_NE(match.async_handler, nullptr);
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_FALSE(match.response.has_value());
  EXPECT_EQ(Dispatch(router, request).body,
            R"({"code":200,"message":"success","data":{"id":"7"}})");
  request.method = Method::kGet;
  request.path = "/api/v1/charges/7";
  EXPECT_NE(router.Match(request).handler, nullptr);
  request.method = Method::kDelete;
  const RouteMatch refused = router.Match(request);
  ASSERT_TRUE(refused.response.has_value());
  EXPECT_EQ(refused.response->status, 405);
}

TEST(RouterTest, ReadingRoutesRunInlineOnlyWhereReadsAreLocal) {
  Router router;
  router.Add(Method::kGet, "/blocking", Echo);
  router.AddInline(Method::kGet, "/inline", Echo);
  router.AddRead(Method::kGet, "/balance", Echo);
  const auto runs_inline = [&router](const char* path) {
    Request request;
    request.method = Method::kGet;
    request.path = path;
    const RouteMatch match = router.Match(request);
    EXPECT_NE(match.handler, nullptr) << path;
    return match.runs_inline;
  };
  // A database across the network (PostgreSQL): a reading route waits on a worker thread.
  EXPECT_FALSE(runs_inline("/blocking"));
  EXPECT_TRUE(runs_inline("/inline"));
  EXPECT_FALSE(runs_inline("/balance"));
  // An embedded one: it reads on the I/O thread; the other kinds of route do not change.
  router.RunReadsInline(true);
  EXPECT_FALSE(runs_inline("/blocking"));
  EXPECT_TRUE(runs_inline("/inline"));
  EXPECT_TRUE(runs_inline("/balance"));
}

}  // namespace
}  // namespace creditd::http
