#include "payments/common/order_text.h"

#include <string>

#include <gtest/gtest.h>

#include "common/strings.h"
#include "payments/common/provider_crypto.h"

namespace creditd::payments {
namespace {

TEST(RequestNumberTest, APlainKeyIsKeptAndAnyOtherBecomesItsDigest) {
  EXPECT_EQ(RequestNumber("refund-R20261203001-part_1", 64), "refund-R20261203001-part_1");
  EXPECT_EQ(RequestNumber(std::string(64, 'a'), 64), std::string(64, 'a'));
  // Characters a provider refuses (WeChat Pay takes [0-9A-Za-z_-|*@]), or too long: the digest,
  // the same each time.
  EXPECT_EQ(RequestNumber("refund-R1-ops:2026/12", 64), HexEncode(Md5("refund-R1-ops:2026/12")));
  EXPECT_EQ(RequestNumber("refund-R1-ops:2026/12", 64), RequestNumber("refund-R1-ops:2026/12", 64));
  EXPECT_EQ(RequestNumber(std::string(65, 'a'), 64), HexEncode(Md5(std::string(65, 'a'))));
  EXPECT_EQ(RequestNumber("退款", 64).size(), 32U);
  EXPECT_EQ(RequestNumber("", 64).size(), 32U);
}

TEST(PayerAddressTest, AnIpv4AddressReachedOverIpv6IsIpv4AndAnUnknownOneIsNone) {
  EXPECT_EQ(PayerAddress("203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(PayerAddress("::ffff:203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(PayerAddress("2001:db8::7"), "2001:db8::7");
  EXPECT_EQ(PayerAddress("unknown"), std::nullopt);
  EXPECT_EQ(PayerAddress(""), std::nullopt);
}

}  // namespace
}  // namespace creditd::payments
