#include "common/strings.h"

#include <gtest/gtest.h>

namespace creditd {
namespace {

TEST(StringsTest, TrimsAndLowersAscii) {
  EXPECT_EQ(TrimAscii("  A@B.com\t\n"), "A@B.com");
  EXPECT_EQ(TrimAscii("   "), "");
  EXPECT_EQ(ToLowerAscii("Alice@Example.COM"), "alice@example.com");
  EXPECT_EQ(ToLowerAscii("Ärger"), "Ärger");  // Non-ASCII bytes untouched.
  EXPECT_EQ(ToUpperAscii("usd"), "USD");
  EXPECT_EQ(ToUpperAscii("cny-Ärger"), "CNY-ÄRGER");
}

TEST(StringsTest, CountsUtf8CodePointsAndRejectsInvalid) {
  EXPECT_EQ(CountUtf8CodePoints("abc"), 3);
  EXPECT_EQ(CountUtf8CodePoints("积分"), 2);
  EXPECT_EQ(CountUtf8CodePoints("😀"), 1);
  EXPECT_EQ(CountUtf8CodePoints("\xC3"), -1);
  EXPECT_EQ(CountUtf8CodePoints("\xFF"), -1);
  EXPECT_EQ(CountUtf8CodePoints("\xC0\xAF"), -1);  // Overlong encoding.
}

TEST(StringsTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe", 2)), "//4=");
}

TEST(StringsTest, Base64DecodeInvertsEncodeAndRefusesOtherCharacters) {
  for (const char* text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(Base64Decode(Base64Encode(text)), std::optional<std::string>(text)) << text;
  }
  EXPECT_EQ(Base64Decode("//4="), std::optional<std::string>(std::string("\xff\xfe", 2)));
  EXPECT_FALSE(Base64Decode("Zm9v-_").has_value());
}

TEST(StringsTest, HexEncodeIsLowerCase) {
  EXPECT_EQ(HexEncode(std::string("\x00\x0a\xff", 3)), "000aff");
}

TEST(StringsTest, PercentEncodingKeepsOnlyUnreservedCharactersAndDecodesBack) {
  EXPECT_EQ(PercentEncode("a-z_0.9~"), "a-z_0.9~");
  EXPECT_EQ(PercentEncode("a b&c=d+e"), "a%20b%26c%3Dd%2Be");
  EXPECT_EQ(PercentEncode("积分"), "%E7%A7%AF%E5%88%86");
  EXPECT_EQ(PercentDecode("a%20b+c%e7%A7%af", true), "a b c积");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_FALSE(PercentDecode("%2", true).has_value());
  EXPECT_FALSE(PercentDecode("%g0", false).has_value());
}

}  // namespace
}  // namespace creditd
