#include "app/login_throttle.h"

#include <gtest/gtest.h>

namespace creditd::app {
namespace {

const Timestamp kStart = FromUnixSeconds(1'800'000'000);

TEST(LoginThrottleTest, LimitsFailuresPerAccountInASlidingWindow) {
  LoginThrottle throttle({3, 1000, std::chrono::seconds(60)});
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(throttle.Admit("a@x.co", "1.1.1.1", kStart + std::chrono::seconds(i)).ok());
    throttle.RecordFailure("a@x.co", kStart + std::chrono::seconds(i));
  }
  const Status refused = throttle.Admit("a@x.co", "2.2.2.2", kStart + std::chrono::seconds(10));
  EXPECT_EQ(refused.reason(), "too_many_attempts");
  EXPECT_EQ(refused.retry_after_seconds(), 50);
  EXPECT_TRUE(throttle.Admit("b@x.co", "2.2.2.2", kStart + std::chrono::seconds(10)).ok());
  EXPECT_TRUE(throttle.Admit("a@x.co", "2.2.2.2", kStart + std::chrono::seconds(60)).ok());
}

TEST(LoginThrottleTest, LimitsAttemptsPerAddressAndForgetsAfterSuccess) {
  LoginThrottle throttle({2, 3, std::chrono::seconds(60)});
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(throttle.Admit("user" + std::to_string(i), "9.9.9.9", kStart).ok());
  }
  EXPECT_EQ(throttle.Admit("user9", "9.9.9.9", kStart).reason(), "too_many_attempts");
  throttle.RecordFailure("c@x.co", kStart);
  throttle.RecordSuccess("c@x.co");
  throttle.RecordFailure("c@x.co", kStart);
  EXPECT_TRUE(throttle.Admit("c@x.co", "8.8.8.8", kStart).ok());
}

}  // namespace
}  // namespace creditd::app
