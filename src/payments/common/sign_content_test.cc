#include "payments/common/sign_content.h"

#include <gtest/gtest.h>

#include "payments/common/provider_crypto.h"

namespace creditd::payments {
namespace {

// Splits "k=v&k=v" at '&' and each pair at its first '=' (enough for the vector below, whose
// values hold no '&').
ProviderParams ParamsOf(std::string_view text) {
  ProviderParams params;
  while (!text.empty()) {
    const size_t end = std::min(text.find('&'), text.size());
    const std::string_view pair = text.substr(0, end);
    const size_t equals = pair.find('=');
    params.emplace(std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1)));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return params;
}

TEST(SignContentTest, SortsByNameLeavesOutTheExcludedAndOptionallyTheEmpty) {
  const ProviderParams params = {{"b", "2"},    {"a", "1"}, {"sign", "s"},
                                 {"empty", ""}, {"C", "3"}, {"a_b", "x y"}};
  EXPECT_EQ(SignContent(params, {"sign"}, /*skip_empty=*/true), "C=3&a=1&a_b=x y&b=2");
  EXPECT_EQ(SignContent(params, {"sign"}, /*skip_empty=*/false), "C=3&a=1&a_b=x y&b=2&empty=");
  EXPECT_EQ(SignContent({}, {}, true), "");
}

TEST(SignContentTest, RebuildsTheTextAlipaySignedInItsNotification) {
  // ../shared/PROTOCOLS.md 5.1: the signed text, and the notification's parameters (which also
  // carry sign and sign_type, both left out by the V1 rule).
  const std::string signed_text =
      "app_id=2019073166072302&auth_app_id=2019073166072302&buyer_id=2088102534368455&buyer_"
      "logon_id=xud***@126.com&buyer_pay_amount=0.10&charset=utf-8&fund_bill_list=[{\"amount\":"
      "\"0.10\",\"fundChannel\":\"ALIPAYACCOUNT\"}]&gmt_create=2019-08-15 15:56:22&gmt_payment="
      "2019-08-15 15:56:24&invoice_amount=0.10&notify_id=2019081500222155624068450559358070&"
      "notify_time=2019-08-15 15:56:25&notify_type=trade_status_sync&out_trade_no="
      "20190815155618536-564-57&point_amount=0.00&receipt_amount=0.10&seller_email=z97-"
      "yuquerevenue@service.aliyun.com&seller_id=2088531891668739&subject=语雀空间 500人规模&"
      "total_amount=0.10&trade_no=2019081522001468450512505578&trade_status=TRADE_SUCCESS&"
      "version=1.0";
  ProviderParams notify = ParamsOf(signed_text);
  notify["sign_type"] = "RSA2";
  notify["sign"] =
      "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0L"
      "EWdK2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIu"
      "l4TG+Q3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn"
      "+WhxF26Dqt9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==";
  const std::string content = SignContent(notify, {"sign", "sign_type"}, /*skip_empty=*/false);
  EXPECT_EQ(content, signed_text);
  const Result<RsaPublicKey> key = RsaPublicKey::Parse(
      "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPH"
      "R5knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrz"
      "Y+aGX2xcOrxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbT"
      "qHWkQcNCUNrA8C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+"
      "GbXfZHraG5NCF1+XioL5JwIDAQAB");
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->VerifySha256(content, Base64Decode(notify["sign"]).value()));
  // The V2 rule (sign_type kept) is another text, which this signature does not cover.
  EXPECT_FALSE(key->VerifySha256(SignContent(notify, {"sign"}, false),
                                 Base64Decode(notify["sign"]).value()));
}

}  // namespace
}  // namespace creditd::payments
