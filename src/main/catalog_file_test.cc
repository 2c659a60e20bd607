#include "main/catalog_file.h"

#include <gtest/gtest.h>

#include "main/embedded.h"

namespace creditd::main {
namespace {

TEST(CatalogFileTest, TheDemoCatalogHoldsTheSeedNumbers) {
  const auto catalog = ParseCatalogToml(embedded::DemoCatalogToml(), "demo");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  // Seed 002: 10/100/500/1000 credits at 1.00/10.00/50.00/100.00 with bonus 0/10/100/300.
  ASSERT_EQ(catalog->credit_packs.size(), 4U);
  const int64_t amounts[] = {10, 100, 500, 1000};
  const int64_t prices[] = {100, 1000, 5000, 10000};
  const int64_t bonuses[] = {0, 10, 100, 300};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(catalog->credit_packs[i].amount, amounts[i]);
    EXPECT_EQ(catalog->credit_packs[i].price, Money(prices[i], Currency::Cny()));
    EXPECT_EQ(catalog->credit_packs[i].bonus, bonuses[i]);
  }
  // Seed 002 memberships: 9.90 (19.90, 30 days), 25.00 (59.70, 90), 88.00 (238.80, 365).
  ASSERT_EQ(catalog->memberships.size(), 3U);
  EXPECT_EQ(catalog->memberships[0].price, Money(990, Currency::Cny()));
  EXPECT_EQ(catalog->memberships[0].original_price, Money(1990, Currency::Cny()));
  EXPECT_EQ(catalog->memberships[1].duration_days, 90);
  EXPECT_EQ(catalog->memberships[2].original_price.amount_minor(), 23880);
  // Seed 001 tool prices and seed 002's generation at 10.
  std::map<std::string, int64_t> tools;
  for (const auto& tool : catalog->tools) {
    tools[tool.key] = tool.credits;
  }
  EXPECT_EQ(tools, (std::map<std::string, int64_t>{{"ai-generation", 10},
                                                   {"flux-kontext-max", 8},
                                                   {"flux-kontext-pro", 3},
                                                   {"llm-chat", 1},
                                                   {"nano-banana", 2},
                                                   {"nano-banana-pro", 4},
                                                   {"seedream-4.0", 5},
                                                   {"sora-image", 6}}));
  std::map<std::string, domain::ToolUnit> units;
  for (const auto& tool : catalog->tools) {
    units[tool.key] = tool.unit;
  }
  EXPECT_EQ(units["nano-banana"], domain::ToolUnit::kImage);
  EXPECT_EQ(units["llm-chat"], domain::ToolUnit::kThousandTokens);
  ASSERT_EQ(catalog->plans.size(), 5U);
  EXPECT_EQ(catalog->plans[0].key, "free");
  EXPECT_EQ(catalog->plans[4].key, "enterprise");
}

TEST(CatalogFileTest, ReportsSyntaxAndValueErrorsWithTheirPlace) {
  const auto syntax = ParseCatalogToml("[[credit_packs]\nid = 1", "bad.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().reason(), "config_invalid");
  EXPECT_NE(syntax.status().message().find("bad.toml"), std::string::npos);

  const auto price = ParseCatalogToml(
      "[[credit_packs]]\nid = 1\namount = 10\nprice = \"1.005\"\ncurrency = \"CNY\"\n", "p.toml");
  ASSERT_FALSE(price.ok());
  EXPECT_NE(price.status().message().find("credit_packs[0].price"), std::string::npos)
      << price.status().message();

  const auto missing = ParseCatalogToml("[[tools]]\nname = \"x\"\ncredits = 1\n", "t.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("tools[0].key"), std::string::npos);
}

// Found by tests/fuzz/catalog_file_fuzz.cc: int fields took the low 32 bits of a larger number,
// so 4294967326 days passed validation as 30.
TEST(CatalogFileTest, RefusesNumbersTooLargeForTheirField) {
  const auto days = ParseCatalogToml(
      "[[memberships]]\nid = 1\nmembership_type = \"monthly\"\nduration_days = 4294967326\n"
      "price = \"9.90\"\noriginal_price = \"19.90\"\n",
      "m.toml");
  ASSERT_FALSE(days.ok());
  EXPECT_EQ(days.status().reason(), "config_invalid");
  EXPECT_NE(days.status().message().find("memberships[0].duration_days"), std::string::npos)
      << days.status().message();
  const auto sort_order = ParseCatalogToml(
      "[[plans]]\nkey = \"pro\"\nname = \"Pro\"\nmonthly_price = \"1\"\n"
      "yearly_price = \"10\"\nsort_order = 42949673262\n",
      "p.toml");
  ASSERT_FALSE(sort_order.ok());
  EXPECT_NE(sort_order.status().message().find("plans[0].sort_order"), std::string::npos);
}

// Found by tests/fuzz/catalog_file_fuzz.cc: a key of the wrong type silently took its default
// (is_active = "false" left a pack on sale, quotas = 5 made a plan unlimited), a float read as
// an integer (and one beyond int64 was undefined behaviour in toml++), and a section that was
// not [[name]] was skipped.
TEST(CatalogFileTest, RefusesKeysOfTheWrongType) {
  const std::string pack = "[[credit_packs]]\nid = 1\namount = 10\nprice = \"1.00\"\n";
  const std::string plan =
      "[[plans]]\nkey = \"pro\"\nname = \"Pro\"\nmonthly_price = \"1\"\n"
      "yearly_price = \"10\"\n";
  ASSERT_TRUE(ParseCatalogToml(pack, "ok.toml").ok());
  ASSERT_TRUE(ParseCatalogToml(plan, "ok.toml").ok());
  struct Case {
    std::string text;
    const char* where;
  };
  const Case cases[] = {
      {pack + "is_active = \"false\"\n", "credit_packs[0].is_active"},
      {pack + "bonus = \"10\"\n", "credit_packs[0].bonus"},
      {pack + "currency = 5\n", "credit_packs[0].currency"},
      {pack + "currency = \"XYZ\"\n", "credit_packs[0].currency: unknown currency \"XYZ\""},
      {"[[tools]]\nkey = \"t\"\nname = \"T\"\ncredits = 1\nresource_type = \"images\"\n"
       "unit = \"images\"\n",
       "tools[0].unit"},
      {"[[credit_packs]]\nid = 1.0\namount = 10\nprice = \"1.00\"\n", "credit_packs[0].id"},
      {"[[credit_packs]]\nid = 92233720368547758070.00\n", "credit_packs[0].id"},
      {plan + "quotas = 5\n", "plans[0].quotas"},
      {plan + "features = \"api\"\n", "plans[0].features"},
      {"credit_packs = 3\n", "credit_packs must be an array of tables"},
      {"[credit_packs]\nid = 1\n", "credit_packs must be an array of tables"},
  };
  for (const auto& c : cases) {
    const auto catalog = ParseCatalogToml(c.text, "t.toml");
    ASSERT_FALSE(catalog.ok()) << c.text;
    EXPECT_EQ(catalog.status().reason(), "config_invalid") << c.text;
    EXPECT_NE(catalog.status().message().find(c.where), std::string::npos)
        << c.text << " -> " << catalog.status().message();
  }
}

TEST(CatalogFileTest, StripePricesComeFromTheCatalogAndSettingsWin) {
  const auto catalog = ParseCatalogToml(R"(
[[plans]]
key = "free"
name = "Free"
monthly_price = "0.00"
yearly_price = "0.00"
[[plans]]
key = "pro"
name = "Pro"
monthly_price = "19.00"
yearly_price = "190.00"
stripe_price_monthly = "price_file_pro_monthly"
stripe_price_yearly = "price_file_pro_yearly"
)",
                                        "test");
  ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
  EXPECT_EQ(catalog->plans[1].stripe_price_monthly, "price_file_pro_monthly");
  using Prices = std::map<std::string, std::pair<std::string, domain::BillingInterval>>;
  constexpr auto kMonth = domain::BillingInterval::kMonth;
  constexpr auto kYear = domain::BillingInterval::kYear;
  EXPECT_EQ(StripePlanPrices(*catalog, [](const std::string&) { return std::string(); }),
            (Prices{{"price_file_pro_monthly", {"pro", kMonth}},
                    {"price_file_pro_yearly", {"pro", kYear}}}));
  const auto settings = [](const std::string& name) {
    return name == "STRIPE_PRICE_PRO_YEARLY" ? std::string("price_env_pro_yearly") : std::string();
  };
  EXPECT_EQ(StripePlanPrices(*catalog, settings),
            (Prices{{"price_file_pro_monthly", {"pro", kMonth}},
                    {"price_env_pro_yearly", {"pro", kYear}}}));
}

}  // namespace
}  // namespace creditd::main
