#include "app/catalog_service.h"

#include <gtest/gtest.h>

#include "app/ports/catalog_repository.h"
#include "testing/test_database.h"

namespace creditd::app {
namespace {

domain::Catalog SmallCatalog(int64_t price_minor) {
  domain::Catalog catalog;
  catalog.credit_packs = {{1, 10, 0, Money(price_minor, Currency::Cny()), true, 1}};
  domain::Tool tool;
  tool.key = "nano-banana";
  tool.name = "Nano Banana";
  tool.credits = 2;
  tool.unit = domain::ToolUnit::kImage;
  tool.resource_type = "images";
  catalog.tools = {tool};
  domain::Plan plan;
  plan.key = "free";
  plan.name = "Free";
  plan.monthly_price = plan.yearly_price = Money(0, *Currency::FromCode("USD"));
  plan.features = {"basic_chat"};
  plan.quotas = {{"images", 20}};
  catalog.plans = {plan};
  return catalog;
}

TEST(CatalogServiceTest, SeedsOnceAndNeverOverwritesLaterStarts) {
  testing::TempDir dir;
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  {
    auto database = testing::OpenSqlite(dir.path());
    CatalogService service(*database, clock);
    EXPECT_EQ(*service.SeedIfFirstStart(SmallCatalog(100)), true);
    const auto stored = service.Load();
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->credit_packs[0].price, Money(100, Currency::Cny()));
    EXPECT_EQ(stored->plans[0].currency().code(), "USD");
    EXPECT_EQ(stored->tools[0].unit, domain::ToolUnit::kImage);
    EXPECT_EQ(stored->plans[0].quotas.at("images"), 20);
    EXPECT_EQ(stored->plans[0].features, std::vector<std::string>{"basic_chat"});
    const auto tools = service.ListActiveTools();
    ASSERT_TRUE(tools.ok());
    ASSERT_EQ(tools->size(), 1U);
    EXPECT_EQ(tools->front().credits, 2);
  }
  // A restart with a changed file keeps what is stored (operators edit the database).
  auto database = testing::OpenSqlite(dir.path());
  CatalogService service(*database, clock);
  EXPECT_EQ(*service.SeedIfFirstStart(SmallCatalog(999)), false);
  EXPECT_EQ(service.Load()->credit_packs[0].price.amount_minor(), 100);
}

TEST(CatalogServiceTest, RefusesAnInvalidCatalogAndStoresNothing) {
  testing::TempDir dir;
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  auto database = testing::OpenSqlite(dir.path());
  CatalogService service(*database, clock);
  auto bad = SmallCatalog(100);
  bad.credit_packs.push_back(bad.credit_packs[0]);  // Duplicate id.
  EXPECT_EQ(service.SeedIfFirstStart(bad).status().reason(), "config_invalid");
  EXPECT_TRUE(service.Load()->credit_packs.empty());
  EXPECT_EQ(*service.SeedIfFirstStart(SmallCatalog(100)), true);
}

}  // namespace
}  // namespace creditd::app
