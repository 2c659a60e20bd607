#include "domain/catalog.h"

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

Catalog ValidCatalog() {
  Catalog catalog;
  catalog.credit_packs = {{1, 10, 0, 100, "CNY", true, 1}, {2, 100, 10, 1000, "CNY", true, 2}};
  catalog.memberships = {{1, "monthly", 30, 990, 1990, "CNY", true, 1}};
  Tool tool;
  tool.key = "nano-banana";
  tool.name = "Nano Banana";
  tool.credits = 2;
  tool.unit = "image";
  tool.resource_type = "images";
  catalog.tools = {tool};
  Plan plan;
  plan.key = "pro";
  plan.name = "Pro";
  plan.currency = "USD";
  plan.monthly_price_minor = 1900;
  plan.yearly_price_minor = 19000;
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
      {"credit pack 1", [](Catalog& c) { c.credit_packs[0].price_minor = 0; }},
      {"unknown currency", [](Catalog& c) { c.credit_packs[0].currency = "XYZ"; }},
      {"membership 1", [](Catalog& c) { c.memberships[0].original_price_minor = 100; }},
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

}  // namespace
}  // namespace creditd::domain
