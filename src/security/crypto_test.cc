#include "security/crypto.h"

#include <gtest/gtest.h>

#include "common/strings.h"

namespace creditd::security {
namespace {

TEST(CryptoTest, Sha256MatchesTheKnownVector) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, HmacSha256MatchesStripesPublishedVector) {
  // PROTOCOLS.md 4.1: secret "secret", signed payload "123.hello".
  EXPECT_EQ(HexEncode(HmacSha256("secret", "123.hello")),
            "f89c0a0e96fa6304a7ebd5ecaf13bc1beb859577cd7cafb7bdbc43c3bc2f6afa");
}

TEST(CryptoTest, Base64UrlRoundTripsEveryLength) {
  const std::string bytes = RandomBytes(64);
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const std::string data = bytes.substr(0, n);
    const std::string encoded = Base64UrlEncode(data);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(encoded), data);
  }
}

TEST(CryptoTest, Base64UrlRejectsPaddingForeignCharactersAndNonCanonicalTails) {
  EXPECT_FALSE(Base64UrlDecode("YQ==").has_value());
  EXPECT_FALSE(Base64UrlDecode("a+b/").has_value());
  EXPECT_FALSE(Base64UrlDecode("Y").has_value());
  EXPECT_FALSE(Base64UrlDecode("YR").has_value());  // Non-zero leftover bits.
  EXPECT_EQ(Base64UrlDecode("YQ"), "a");
}

TEST(CryptoTest, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

}  // namespace
}  // namespace creditd::security
