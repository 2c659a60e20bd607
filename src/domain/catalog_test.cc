#include "domain/catalog.h"

#include <limits>

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

Catalog ValidCatalog() {
  Catalog catalog;
  const Currency cny = Currency::Cny();
  catalog.credit_packs = {{1, 10, 0, Money(100, cny), true, 1},
                          {2, 100, 10, Money(1000, cny), true, 2}};
  catalog.memberships = {{1, "monthly", 30, Money(990, cny), Money(1990, cny), true, 1}};
  Tool tool;
  tool.key = "nano-banana";
  tool.name = "Nano Banana";
  tool.credits = 2;
  tool.unit = ToolUnit::kImage;
  tool.resource_type = "images";
  catalog.tools = {tool};
  Plan plan;
  plan.key = "pro";
  plan.name = "Pro";
  const Currency usd = *Currency::FromCode("USD");
  plan.monthly_price = Money(1900, usd);
  plan.yearly_price = Money(19000, usd);
  plan.features = {"advanced_models"};
  plan.quotas = {{"images", 500}};
  catalog.plans = {plan};
  return catalog;
}

TEST(CatalogTest, AcceptsAValidCatalog) {
  EXPECT_TRUE(ValidateCatalog(ValidCatalog()).ok());
}

TEST(CatalogTest, RejectsEachKindOfMistakeNamingTheEntry) {
  struct Case {
    const char* expected;
    void (*mutate)(Catalog&);
  };
  const Case cases[] = {
      {"must be a unique positive number", [](Catalog& c) { c.credit_packs[1].id = 1; }},
      {"credit pack 1", [](Catalog& c) { c.credit_packs[0].price = Money(0, Currency::Cny()); }},
      {"membership 1",
       [](Catalog& c) { c.memberships[0].original_price = Money(100, Currency::Cny()); }},
      {"every price must be in USD",
       [](Catalog& c) { c.plans[0].yearly_price = Money(19000, Currency::Cny()); }},
      {"every price must be in CNY",
       [](Catalog& c) {
         c.memberships[0].original_price = Money(1990, *Currency::FromCode("EUR"));
       }},
      {"tool \"bad key\"", [](Catalog& c) { c.tools[0].key = "bad key"; }},
      {"unknown resource_type", [](Catalog& c) { c.tools[0].resource_type = "gpus"; }},
      {"reserved", [](Catalog& c) { c.tools[0].key = "runs"; }},
      {"upstream_url", [](Catalog& c) { c.tools[0].upstream_url = "ftp://x"; }},
      {"upstream_timeout_ms", [](Catalog& c) { c.tools[0].upstream_timeout_ms = 5; }},
      {"fail_percent", [](Catalog& c) { c.tools[0].fail_percent = 101; }},
      {"upstream_headers",
       [](Catalog& c) {
         c.tools[0].upstream_headers = {{"X-Bad", "two\nlines"}};
       }},
      {"quota", [](Catalog& c) { c.plans[0].quotas["gpus"] = 1; }},
      {"feature", [](Catalog& c) { c.plans[0].features.push_back("Has Space"); }},
  };
  for (const auto& c : cases) {
    Catalog catalog = ValidCatalog();
    c.mutate(catalog);
    const Status status = ValidateCatalog(catalog);
    ASSERT_FALSE(status.ok()) << c.expected;
    EXPECT_EQ(status.reason(), "config_invalid");
    EXPECT_NE(status.message().find(c.expected), std::string::npos) << status.message();
  }
}

TEST(CatalogTest, AMembershipsPricePerThirtyDaysRoundsDown) {
  const Currency cny = Currency::Cny();
  MembershipPrice quarterly{2, "quarterly", 90, Money(2500, cny), Money(5970, cny), true, 2};
  EXPECT_EQ(PricePerThirtyDays(quarterly), Money(833, cny));  // 25.00 / 3 = 8.333...
  MembershipPrice yearly{3, "yearly", 365, Money(8800, cny), Money(23880, cny), true, 3};
  EXPECT_EQ(PricePerThirtyDays(yearly), Money(723, cny));  // 88.00 * 30 / 365 = 7.23.
  // No overflow where price * 30 would not fit in int64.
  const int64_t huge = std::numeric_limits<int64_t>::max() / 2;
  MembershipPrice long_one{4, "long", 60, Money(huge, cny), Money(huge, cny), true, 4};
  EXPECT_EQ(PricePerThirtyDays(long_one).amount_minor(), huge / 2);
}

TEST(CatalogTest, ToolUnitsReadBackFromTheirNames) {
  for (const ToolUnit unit : {ToolUnit::kImage, ToolUnit::kThousandTokens, ToolUnit::kCall}) {
    EXPECT_EQ(ParseToolUnit(ToolUnitName(unit)), unit);
  }
  EXPECT_EQ(ToolUnitName(ToolUnit::kThousandTokens), "1k_tokens");
  EXPECT_EQ(ParseToolUnit("images"), std::nullopt);
  EXPECT_EQ(ParseToolUnit(""), std::nullopt);
}

}  // namespace
}  // namespace creditd::domain
