#include "http/request.h"

#include <gtest/gtest.h>

namespace creditd::http {
namespace {

TEST(RequestTest, ParsesAndDecodesQueryStrings) {
  const auto query = ParseQueryString("skip=0&limit=20&type=CONSUME&q=a%20b+c&empty=&&flag");
  ASSERT_TRUE(query.has_value());
  EXPECT_EQ(query->find("limit")->second, "20");
  EXPECT_EQ(query->find("q")->second, "a b c");
  EXPECT_EQ(query->find("empty")->second, "");
  EXPECT_EQ(query->count("flag"), 1U);
  EXPECT_FALSE(ParseQueryString("a=%zz").has_value());
  EXPECT_FALSE(ParseQueryString("a=%2").has_value());
  EXPECT_EQ(PercentDecode("/a%2Fb+c", false), "/a/b+c");
}

TEST(RequestTest, FindsHeadersAndQueryValues) {
  Request request;
  request.headers = {{"content-type", "application/json"}};
  request.query = {{"limit", "5"}};
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_FALSE(request.Header("authorization").has_value());
  EXPECT_EQ(request.Query("limit"), "5");
}

}  // namespace
}  // namespace creditd::http
