#include "common/money.h"

#include <limits>

#include <gtest/gtest.h>

namespace creditd {
namespace {

Currency Cny() {
  return *Currency::FromCode("CNY");
}

TEST(MoneyTest, ParsesAndFormatsSeedPrices) {
  struct Case {
    const char* text;
    int64_t minor;
    const char* formatted;
  };
  const Case cases[] = {{"9.90", 990, "9.90"},       {"9.9", 990, "9.90"}, {"25", 2500, "25.00"},
                        {"238.80", 23880, "238.80"}, {"0.01", 1, "0.01"},  {"0", 0, "0.00"},
                        {"100.00", 10000, "100.00"}};
  for (const auto& c : cases) {
    const auto money = Money::Parse(c.text, Cny());
    ASSERT_TRUE(money.ok()) << c.text;
    EXPECT_EQ(money->amount_minor(), c.minor) << c.text;
    EXPECT_EQ(money->ToDecimalString(), c.formatted) << c.text;
  }
}

TEST(MoneyTest, RejectsMalformedAmountsNamingTheRule) {
  for (const char* text : {"", ".5", "5.", "9.901", "1e3", " 1", "1 ", "+1", "1,00", "abc", "-"}) {
    const auto money = Money::Parse(text, Cny());
    ASSERT_FALSE(money.ok()) << text;
    EXPECT_EQ(money.status().reason(), "invalid_amount") << text;
  }
  EXPECT_EQ(Money::Parse("-1.00", Cny()).status().reason(), "invalid_amount");
}

TEST(MoneyTest, HandlesCurrencyExponentsZeroTwoAndThree) {
  const auto jpy = *Currency::FromCode("JPY");
  const auto kwd = *Currency::FromCode("KWD");
  EXPECT_EQ(Money::Parse("500", jpy)->amount_minor(), 500);
  EXPECT_FALSE(Money::Parse("500.5", jpy).ok());
  EXPECT_EQ(Money(500, jpy).ToDecimalString(), "500");
  EXPECT_EQ(Money::Parse("1.234", kwd)->amount_minor(), 1234);
  EXPECT_EQ(Money(5, kwd).ToDecimalString(), "0.005");
  EXPECT_FALSE(Currency::FromCode("XXX").has_value());
  EXPECT_FALSE(Currency::FromCode("cny").has_value());
}

TEST(MoneyTest, NegativeAmountsOnlyWhenAllowed) {
  const auto money = Money::Parse("-0.05", Cny(), /*allow_negative=*/true);
  ASSERT_TRUE(money.ok());
  EXPECT_EQ(money->amount_minor(), -5);
  EXPECT_EQ(money->ToDecimalString(), "-0.05");
}

TEST(MoneyTest, DetectsOverflowAtTheInt64Edges) {
  EXPECT_EQ(Money::Parse("92233720368547758.07", Cny())->amount_minor(),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(Money::Parse("92233720368547758.08", Cny()).status().reason(), "amount_overflow");
  EXPECT_EQ(Money::Parse("-92233720368547758.08", Cny(), true)->amount_minor(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Money::Parse("99999999999999999999999", Cny()).status().reason(), "amount_overflow");
  EXPECT_EQ(FormatMinorUnits(std::numeric_limits<int64_t>::min(), 2), "-92233720368547758.08");
  EXPECT_FALSE(CheckedAdd(std::numeric_limits<int64_t>::max(), 1).has_value());
  EXPECT_EQ(*CheckedAdd(2, 3), 5);
}

// Found by tests/fuzz/money_fuzz.cc: a long run of digits before the fault was reported as an
// overflow.
TEST(MoneyTest, MalformedTextIsInvalidEvenAfterManyDigits) {
  for (const char* text : {"922337203685470075854700758;8", "99999999999999999999999x",
                           "99999999999999999999999.1x", "1.99999999999999999999999"}) {
    EXPECT_EQ(Money::Parse(text, Cny(), /*allow_negative=*/true).status().reason(),
              "invalid_amount")
        << text;
  }
  EXPECT_EQ(Money::Parse("-922337203685470075854700758", Cny(), true).status().reason(),
            "amount_overflow");
}

TEST(MoneyTest, AddsSameCurrencyAndAbortsOnMismatch) {
  EXPECT_EQ((Money(990, Cny()) + Money(10, Cny())).ToDecimalString(), "10.00");
  EXPECT_EQ((Money(990, Cny()) - Money(1000, Cny())).ToDecimalString(), "-0.10");
  EXPECT_DEATH((void)(Money(1, Cny()) + Money(1, *Currency::FromCode("USD"))), "CHECK failed");
}

}  // namespace
}  // namespace creditd
