#include "payments/epay/epay_signature.h"

#include <gtest/gtest.h>

namespace creditd::payments::epay {
namespace {

// ../shared/PROTOCOLS-2.md 1.8: the documentation's sample merchant key and values.
constexpr std::string_view kDocKey = "89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i";

ProviderParams DocNotify(std::string money) {
  return {{"pid", "1001"},
          {"trade_no", "20160806151343349021"},
          {"out_trade_no", "20160806151343349"},
          {"type", "alipay"},
          {"name", "VIP会员"},
          {"money", std::move(money)},
          {"trade_status", "TRADE_SUCCESS"},
          {"param", ""},
          {"sign_type", "MD5"}};
}

TEST(EpaySignatureTest, MatchesThePublishedAndComputedVectors) {
  // go-epay's TestMD5String; sign, sign_type and empty values are not signed.
  EXPECT_EQ(SignV1({{"device", "devicev"},
                    {"money", "moneyv"},
                    {"sign", "x"},
                    {"sign_type", "MD5"},
                    {"param", ""}},
                   "1234567"),
            "3854cc9f022e0fb821bd2e002260245d");
  EXPECT_EQ(SignV1({{"pid", "1001"},
                    {"type", "alipay"},
                    {"out_trade_no", "20160806151343349"},
                    {"notify_url", "http://www.pay.com/notify_url.php"},
                    {"return_url", "http://www.pay.com/return_url.php"},
                    {"name", "VIP会员"},
                    {"money", "1.00"}},
                   kDocKey),
            "427724b6656aa612cfdbe7a2262036a3");
  EXPECT_EQ(SignV1(DocNotify("1"), kDocKey), "d234c00c90982004526450b6a5e31089");
  EXPECT_EQ(SignV1(DocNotify("1.00"), kDocKey), "3ec3bda0f65fd24c5320e7ab770b2547");
}

TEST(EpaySignatureTest, ANotificationVerifiesOnlyAsReceived) {
  ProviderParams notify = DocNotify("1");
  notify["sign"] = "d234c00c90982004526450b6a5e31089";
  EXPECT_TRUE(VerifyV1(notify, kDocKey).ok());

  // Re-formatting the amount before verifying breaks it: the string is signed as sent.
  ProviderParams reformatted = notify;
  reformatted["money"] = "1.00";
  EXPECT_EQ(VerifyV1(reformatted, kDocKey).field(), "sign");
  // Another key, another amount, an upper-case sign, a missing sign: all refused.
  EXPECT_EQ(VerifyV1(notify, "another-key").reason(), "invalid_signature");
  ProviderParams richer = notify;
  richer["money"] = "100";
  EXPECT_FALSE(VerifyV1(richer, kDocKey).ok());
  ProviderParams upper = notify;
  upper["sign"] = "D234C00C90982004526450B6A5E31089";
  EXPECT_FALSE(VerifyV1(upper, kDocKey).ok());
  ProviderParams unsigned_notify = notify;
  unsigned_notify.erase("sign");
  EXPECT_EQ(VerifyV1(unsigned_notify, kDocKey).field(), "sign");
  ProviderParams other_type = notify;
  other_type["sign_type"] = "RSA";
  EXPECT_EQ(VerifyV1(other_type, kDocKey).field(), "sign_type");
}

}  // namespace
}  // namespace creditd::payments::epay
