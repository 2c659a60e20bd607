// The shared column helpers of row_reader.h, over a row held in memory: what both backends'
// mappers do with a stored value creditd does not know.
#include "storage/common/row_reader.h"

#include <vector>

#include <gtest/gtest.h>

#include "domain/catalog.h"
#include "domain/subscription.h"

namespace creditd::storage {
namespace {

// One row of text cells; a number cell holds its decimal digits.
struct TextRow {
  std::vector<std::string> cells;
  int64_t Int64(int column) const { return std::stoll(cells.at(static_cast<size_t>(column))); }
  std::optional<int64_t> OptionalInt64(int column) const { return Int64(column); }
  std::string Text(int column) const { return cells.at(static_cast<size_t>(column)); }
  bool IsNull(int /*column*/) const { return false; }
};
static_assert(RowReader<TextRow>);

TEST(RowReaderTest, AmountsReadWithTheirStoredCurrency) {
  const TextRow row{{"990", "USD"}};
  const Result<Money> price = MoneyColumn(row, 0, 1, "orders.currency");
  ASSERT_TRUE(price.ok());
  EXPECT_EQ(*price, Money(990, *Currency::FromCode("USD")));
}

TEST(RowReaderTest, AnUnknownCurrencyOrNameIsACorruptRowNeverADefault) {
  const Result<Money> price = MoneyColumn(TextRow{{"990", "XYZ"}}, 0, 1, "orders.currency");
  EXPECT_EQ(price.status().reason(), "database_error");
  const Result<domain::ToolUnit> unit =
      EnumColumn(TextRow{{"images"}}, 0, domain::ParseToolUnit, "tools.unit");
  EXPECT_EQ(unit.status().reason(), "database_error");
  const Result<domain::BillingInterval> interval =
      EnumColumn(TextRow{{"week"}}, 0, domain::ParseBillingInterval, "billing_interval");
  EXPECT_EQ(interval.status().reason(), "database_error");
  EXPECT_EQ(*EnumColumn(TextRow{{"1k_tokens"}}, 0, domain::ParseToolUnit, "tools.unit"),
            domain::ToolUnit::kThousandTokens);
}

}  // namespace
}  // namespace creditd::storage
