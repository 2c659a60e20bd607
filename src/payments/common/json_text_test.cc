#include "payments/common/json_text.h"

#include <gtest/gtest.h>

namespace creditd::payments {
namespace {

TEST(RawJsonMemberTest, GivesTheValueExactlyAsWritten) {
  // Alipay's answer shape: the signed member keeps its own escapes and spacing.
  const std::string_view answer =
      R"({"alipay_trade_query_response":{"code":"10000","msg":"Success","note":"a\/b \"q\" }{",)"
      R"("fund":[{"x":1},{"y":[2,3]}]},"sign":"c2ln"})";
  EXPECT_EQ(
      RawJsonMember(answer, "alipay_trade_query_response"),
      R"({"code":"10000","msg":"Success","note":"a\/b \"q\" }{","fund":[{"x":1},{"y":[2,3]}]})");
  EXPECT_EQ(RawJsonMember(answer, "sign"), R"("c2ln")");
  EXPECT_EQ(RawJsonMember(" { \"n\" : 12 , \"t\":true}\n", "n"), "12");
  EXPECT_EQ(RawJsonMember(" { \"n\" : 12 , \"t\":true}\n", "t"), "true");
  EXPECT_EQ(RawJsonMember(R"({"a":1,"a":2})", "a"), "1");
}

TEST(RawJsonMemberTest, FindsNothingInWhatIsNotAnObjectWithTheMember) {
  EXPECT_FALSE(RawJsonMember(R"({"a":1})", "b").has_value());
  EXPECT_FALSE(RawJsonMember("{}", "a").has_value());
  EXPECT_FALSE(RawJsonMember(R"(["a",1])", "a").has_value());
  EXPECT_FALSE(RawJsonMember("", "a").has_value());
  EXPECT_FALSE(RawJsonMember(R"({"a":{"b":1)", "a").has_value());  // Unclosed.
  // What follows the member does not matter: its text is complete.
  EXPECT_EQ(RawJsonMember(R"({"a":{"b":1})", "a"), R"({"b":1})");
  EXPECT_FALSE(RawJsonMember(R"({"a":"x)", "a").has_value());
  EXPECT_FALSE(RawJsonMember(R"({"x":1 "a":2})", "a").has_value());
  // A member of a nested object is not a top-level member.
  EXPECT_FALSE(RawJsonMember(R"({"r":{"sign":"x"}})", "sign").has_value());
}

}  // namespace
}  // namespace creditd::payments
