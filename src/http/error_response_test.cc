#include "http/error_response.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace creditd::http {
namespace {

TEST(ErrorResponseTest, MapsEveryReasonToAnErrorStatus) {
  for (const auto& reason : kAllReasons) {
    const int status = HttpStatusFor(Status(reason, "x"));
    EXPECT_GE(status, 400) << reason.name;
    EXPECT_LT(status, 600) << reason.name;
  }
  EXPECT_EQ(HttpStatusFor(Status(reason::kInsufficientCredits, "")), 402);
  EXPECT_EQ(HttpStatusFor(Status(reason::kPayloadTooLarge, "")), 413);
  EXPECT_EQ(HttpStatusFor(Status(reason::kIdempotencyKeyReused, "")), 422);
  EXPECT_EQ(HttpStatusFor(Status(reason::kEmailTaken, "")), 409);
  EXPECT_EQ(HttpStatusFor(Status(reason::kTooManyAttempts, "")), 429);
}

TEST(ErrorResponseTest, BuildsTheEnvelopeWithReasonFieldAndRequestId) {
  const Response response =
      ErrorResponse(Status(reason::kInvalidField, "limit too big").WithField("limit"), "req_7");
  EXPECT_EQ(response.status, 400);
  const auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["code"], 400);
  EXPECT_EQ(body["message"], "limit too big");
  EXPECT_TRUE(body["data"].is_null());
  EXPECT_EQ(body["error"]["reason"], "invalid_field");
  EXPECT_EQ(body["error"]["field"], "limit");
  EXPECT_EQ(body["error"]["request_id"], "req_7");
}

TEST(ErrorResponseTest, HidesInternalDetailsAndSetsRetryAfter) {
  const Response internal = ErrorResponse(
      Status(reason::kDatabaseError, "disk I/O").WithInternalDetail("secret path"), "r");
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("secret path"), std::string::npos);
  EXPECT_EQ(internal.body.find("disk I/O"), std::string::npos);
  const Response busy = ErrorResponse(Status(reason::kDatabaseBusy, "busy").WithRetryAfter(2), "r");
  EXPECT_EQ(busy.status, 503);
  ASSERT_EQ(busy.headers.size(), 1U);
  EXPECT_EQ(busy.headers[0], (std::pair<std::string, std::string>{"Retry-After", "2"}));
}

}  // namespace
}  // namespace creditd::http
