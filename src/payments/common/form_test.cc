#include "payments/common/form.h"

#include <gtest/gtest.h>

namespace creditd::payments {
namespace {

TEST(ProviderFormTest, EncodesInNameOrderAndDecodesBackToTheSameParameters) {
  const ProviderParams params = {{"name", "VIP会员 1+1"},
                                 {"money", "1.00"},
                                 {"notify_url", "http://a.test/n?x=1&y=2"},
                                 {"empty", ""}};
  const std::string form = EncodeForm(params);
  EXPECT_EQ(form,
            "empty=&money=1.00&name=VIP%E4%BC%9A%E5%91%98%201%2B1&notify_url=http%3A%2F%2Fa.test%"
            "2Fn%3Fx%3D1%26y%3D2");
  EXPECT_EQ(ParseForm(form), params);
}

TEST(ProviderFormTest, DecodesAsPhpDoes) {
  const auto params = ParseForm("money=1&name=VIP+%e4%bc%9a&flag&&trade_status=TRADE_SUCCESS");
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(params->at("money"), "1");
  EXPECT_EQ(params->at("name"), "VIP 会");
  EXPECT_EQ(params->at("flag"), "");
  EXPECT_EQ(params->at("trade_status"), "TRADE_SUCCESS");
  EXPECT_EQ(params->size(), 4U);
  EXPECT_EQ(ParseForm(""), ProviderParams());
}

TEST(ProviderFormTest, RefusesWhatCannotBeVerifiedUnambiguously) {
  EXPECT_FALSE(ParseForm("money=1&money=2").has_value());  // Which copy was signed?
  EXPECT_FALSE(ParseForm("a=%2").has_value());
  EXPECT_FALSE(ParseForm("a=%zz").has_value());
  EXPECT_FALSE(ParseForm("a=1%").has_value());
  EXPECT_FALSE(ParseForm("=1").has_value());
}

}  // namespace
}  // namespace creditd::payments
