#include "common/order_number.h"

#include <gtest/gtest.h>

namespace creditd {
namespace {

TEST(OrderNumberTest, FormatsTheSeedExample) {
  const auto day = *ParseRfc3339("2026-01-22T23:59:59Z");
  EXPECT_EQ(FormatOrderNumber(kRechargeOrderPrefix, day, 1), "R20260122001");
  EXPECT_EQ(FormatOrderNumber(kMembershipOrderPrefix, day, 42), "M20260122042");
  EXPECT_EQ(FormatOrderNumber('R', day, 1000), "R202601221000");
}

TEST(OrderNumberTest, ParsesWhatItFormats) {
  const auto parsed = ParseOrderNumber("R20260122001");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->prefix, 'R');
  EXPECT_EQ(parsed->date, "20260122");
  EXPECT_EQ(parsed->sequence, 1);
  EXPECT_EQ(ParseOrderNumber("R202601221000")->sequence, 1000);
}

TEST(OrderNumberTest, RejectsOtherShapes) {
  for (const char* text : {"", "R2026012200", "r20260122001", "R20261322001", "R20260122000",
                           "R202601220001", "R20260122A01", "RR0260122001"}) {
    EXPECT_FALSE(ParseOrderNumber(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace creditd
