#include "common/strings.h"

#include <gtest/gtest.h>

namespace creditd {
namespace {

TEST(StringsTest, TrimsAndLowersAscii) {
  EXPECT_EQ(TrimAscii("  A@B.com\t\n"), "A@B.com");
  EXPECT_EQ(TrimAscii("   "), "");
  EXPECT_EQ(ToLowerAscii("Alice@Example.COM"), "alice@example.com");
  EXPECT_EQ(ToLowerAscii("Ärger"), "Ärger");  // Non-ASCII bytes untouched.
}

TEST(StringsTest, CountsUtf8CodePointsAndRejectsInvalid) {
  EXPECT_EQ(CountUtf8CodePoints("abc"), 3);
  EXPECT_EQ(CountUtf8CodePoints("积分"), 2);
  EXPECT_EQ(CountUtf8CodePoints("😀"), 1);
  EXPECT_EQ(CountUtf8CodePoints("\xC3"), -1);
  EXPECT_EQ(CountUtf8CodePoints("\xFF"), -1);
  EXPECT_EQ(CountUtf8CodePoints("\xC0\xAF"), -1);  // Overlong encoding.
}

}  // namespace
}  // namespace creditd
