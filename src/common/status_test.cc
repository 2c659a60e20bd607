#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"
#include "common/status_macros.h"

namespace creditd {
namespace {

TEST(StatusTest, DefaultIsOkAndCarriesNoReason) {
  const Status status;
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kOk);
  EXPECT_EQ(status.reason(), "");
  EXPECT_EQ(status.message(), "");
}

TEST(StatusTest, ErrorCarriesReasonCodeFieldAndDetail) {
  const Status status = Status(reason::kInvalidField, "limit must be at most 100")
                            .WithField("limit")
                            .WithInternalDetail("limit=500");
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.reason(), "invalid_field");
  EXPECT_EQ(status.field(), "limit");
  EXPECT_EQ(status.internal_detail(), "limit=500");
  EXPECT_EQ(status.ToString(),
            "invalid_field: limit must be at most 100 [field=limit] (limit=500)");
}

TEST(StatusTest, CopiesAreIndependent) {
  Status a(reason::kTooManyAttempts, "slow down");
  Status b = a;
  b = std::move(b).WithRetryAfter(30);
  EXPECT_EQ(a.retry_after_seconds(), 0);
  EXPECT_EQ(b.retry_after_seconds(), 30);
  EXPECT_EQ(a, b);  // Equality compares code and reason.
}

TEST(StatusTest, EveryReasonHasAUniqueSnakeCaseName) {
  for (size_t i = 0; i < kAllReasons.size(); ++i) {
    const auto name = kAllReasons[i].name;
    EXPECT_FALSE(name.empty());
    for (char c : name) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    }
    EXPECT_NE(kAllReasons[i].code, StatusCode::kOk) << name;
    for (size_t j = i + 1; j < kAllReasons.size(); ++j) {
      EXPECT_NE(name, kAllReasons[j].name);
    }
  }
}

Result<int> Half(int n) {
  if (n % 2 != 0) {
    return Status(reason::kInvalidAmount, "odd");
  }
  return n / 2;
}

Result<int> Quarter(int n) {
  CREDITD_ASSIGN_OR_RETURN(const int half, Half(n));
  CREDITD_ASSIGN_OR_RETURN(const int quarter, Half(half));
  return quarter;
}

Status CheckEven(int n) {
  CREDITD_RETURN_IF_ERROR(Half(n));
  return Status::Ok();
}

TEST(ResultTest, MacrosPropagateTheFirstError) {
  ASSERT_TRUE(Quarter(8).ok());
  EXPECT_EQ(*Quarter(8), 2);
  const auto odd = Quarter(6);  // 6 -> 3 -> odd.
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().reason(), "invalid_amount");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).reason(), "invalid_amount");
}

TEST(ResultDeathTest, ReadingTheValueOfAnErrorAborts) {
  const Result<int> result = Status(reason::kInternal, "x");
  EXPECT_DEATH((void)result.value(), "CHECK failed");
}

}  // namespace
}  // namespace creditd
