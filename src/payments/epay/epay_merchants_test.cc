#include "payments/epay/epay_merchants.h"

#include <gtest/gtest.h>

namespace creditd::payments::epay {
namespace {

TEST(EpayMerchantsTest, MerchantsAreReadInOrderWithTheirLimits) {
  const auto merchants = ParseMerchants(
      R"([{"pid": "1001", "key": "k1", "daily_limit": "500.00"}, {"pid": "1002", "key": "k2"}])");
  ASSERT_TRUE(merchants.ok()) << merchants.status().ToString();
  ASSERT_EQ(merchants->size(), 2U);
  EXPECT_EQ((*merchants)[0].pid, "1001");
  EXPECT_EQ((*merchants)[0].key, "k1");
  EXPECT_EQ((*merchants)[0].daily_limit, 50000);
  EXPECT_EQ((*merchants)[1].pid, "1002");
  EXPECT_EQ((*merchants)[1].daily_limit, std::nullopt);
  // A retired merchant takes no new orders but keeps its own.
  const auto retired = ParseMerchants(R"([{"pid": "1001", "key": "k1", "daily_limit": "0"}])");
  ASSERT_TRUE(retired.ok());
  EXPECT_EQ((*retired)[0].daily_limit, 0);
}

TEST(EpayMerchantsTest, EachMistakeIsNamedWithItsEntry) {
  for (const auto& [text, words] : std::vector<std::pair<std::string, std::string>>{
           {"{}", "JSON array"},
           {"[]", "JSON array"},
           {"not json", "JSON array"},
           {R"([{"pid": "10a1", "key": "k"}])", "merchant 1: pid"},
           {R"([{"pid": "1001", "key": "k"}, {"pid": "1002"}])", "merchant 2: key"},
           {R"([{"pid": "1001", "key": "k", "daily_limit": "-1"}])", "daily_limit"},
           {R"([{"pid": "01001", "key": "k"}])", "no leading 0"},
           {R"([{"pid": "1001", "key": "k", "daily_limit": "1.005"}])", "daily_limit"},
           {R"([{"pid": "1001", "key": "k", "daily_limit": 500}])", "must be a string"},
           {R"([{"pid": "1001", "key": "k", "limit": "5"}])", "unknown member limit"},
           {R"([{"pid": "1001", "key": "a"}, {"pid": "1001", "key": "b"}])", "given twice"},
           {"[1]", "must be an object"}}) {
    const auto merchants = ParseMerchants(text);
    ASSERT_FALSE(merchants.ok()) << text;
    EXPECT_EQ(merchants.status().field(), "EPAY_MERCHANTS_FILE");
    EXPECT_NE(merchants.status().message().find(words), std::string::npos)
        << text << ": " << merchants.status().message();
  }
}

}  // namespace
}  // namespace creditd::payments::epay
