#include "common/clock.h"

#include <gtest/gtest.h>

namespace creditd {
namespace {

TEST(ClockTest, FormatsAndParsesRfc3339) {
  const Timestamp t = FromUnixSeconds(1769070600);  // 2026-01-22T08:30:00Z
  EXPECT_EQ(FormatRfc3339(t), "2026-01-22T08:30:00Z");
  EXPECT_EQ(ParseRfc3339("2026-01-22T08:30:00Z"), t);
  EXPECT_EQ(ParseRfc3339("2026-01-22T16:30:00+08:00"), t);
  EXPECT_EQ(ParseRfc3339("2026-01-22T03:30:00-05:00"), t);
  EXPECT_EQ(FormatCompactDate(t), "20260122");
  EXPECT_EQ(FormatRfc3339Millis(
                std::chrono::system_clock::time_point(std::chrono::milliseconds(1769070600042))),
            "2026-01-22T08:30:00.042Z");
}

TEST(ClockTest, RejectsInvalidDatesAndShapes) {
  for (const char* text :
       {"", "2026-02-30T00:00:00Z", "2026-01-22 08:30:00Z", "2026-01-22T24:00:00Z",
        "2026-01-22T08:30:00", "2026-01-22T08:30:00+0800", "2026-13-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(text).has_value()) << text;
  }
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z").has_value());
  EXPECT_FALSE(ParseRfc3339("2026-02-29T00:00:00Z").has_value());
}

TEST(ClockTest, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(FromUnixSeconds(1000));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 1000);
  clock.Advance(std::chrono::minutes(2));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 1120);
  clock.Set(FromUnixSeconds(5));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 5);
}

TEST(ClockTest, SystemClockIsNearTheRealTime) {
  const SystemClock clock;
  EXPECT_GT(ToUnixSeconds(clock.Now()), 1700000000);
}

}  // namespace
}  // namespace creditd
