// Fuzzes the catalog file reader (main/catalog_file.h), which turns config/catalog.toml into
// the prices creditd sells at:
//   - ParseCatalogToml refuses with "config_invalid", or returns a catalog that
//     ValidateCatalog accepts;
//   - an accepted catalog says what the file says: every value equals the file's value of the
//     exact type (an integer is not narrowed, "5" or 5.0 is not an integer, "false" is not a
//     boolean) or, when the key is absent, its documented default; every price is Money::Parse
//     of the file's string in the entry's currency; no entry, feature, quota or header is lost
//     or invented, and a section of another shape than [[name]] is refused;
//   - StripePlanPrices maps only the plans' own price ids.
//
// Input: a catalog file.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "common/money.h"
#include "domain/catalog.h"
#include "fuzz/fuzz_support.h"
#include "main/catalog_file.h"

namespace {

using creditd::fuzz::Quote;

// The file's value of type T at `key`, or `fallback` when the key is absent. The catalog was
// accepted, so a key present with another type is a violation.
template <typename T>
T FileValue(const toml::table& table, const char* key, T fallback) {
  if (!table[key]) {
    return fallback;
  }
  const auto value = table[key].template value_exact<T>();
  CREDITD_FUZZ_EXPECT(value.has_value(), std::string("accepted a mistyped ") + key);
  return *value;
}

int64_t FileInt(const toml::table& table, const char* key, int64_t fallback) {
  return FileValue<int64_t>(table, key, fallback);
}

std::string FileString(const toml::table& table, const char* key, const char* fallback) {
  return FileValue<std::string>(table, key, fallback);
}

// Money::Parse of the file's price string; the entry was accepted, so it parses.
int64_t FilePrice(const toml::table& table, const char* key, creditd::Currency currency) {
  const auto price = creditd::Money::Parse(FileString(table, key, ""), currency);
  CREDITD_FUZZ_EXPECT(price.ok(), std::string(key) + ": " + price.status().ToString());
  return price->amount_minor();
}

// An item of the list `key`, of exactly the type Value.
template <typename Value>
Value FileItem(const toml::node& node, const char* key) {
  const auto value = node.value_exact<Value>();
  CREDITD_FUZZ_EXPECT(value.has_value(), std::string("accepted a mistyped item of ") + key);
  return *value;
}

// The plan's features (an array) or the plan's quotas and the tool's headers (a table of
// name = value) as the file lists them, into Out: a container of (name, value) pairs reads a
// table, any other container an array; absent, none. The catalog was accepted, so another shape
// or an item of another type is a violation.
template <typename Out>
Out FileItems(const toml::table& table, const char* key) {
  using Item = typename Out::value_type;
  Out items;
  if (!table[key]) {
    return items;
  }
  if constexpr (requires { typename Item::second_type; }) {
    const toml::table* entries = table[key].as_table();
    CREDITD_FUZZ_EXPECT(entries != nullptr, std::string("accepted a non-table ") + key);
    for (const auto& [name, node] : *entries) {
      items.insert(items.end(),
                   Item(std::string(name.str()), FileItem<typename Item::second_type>(node, key)));
    }
  } else {
    const toml::array* array = table[key].as_array();
    CREDITD_FUZZ_EXPECT(array != nullptr, std::string("accepted a non-array ") + key);
    for (const auto& node : *array) {
      items.push_back(FileItem<Item>(node, key));
    }
  }
  return items;
}

// The tables of the array `name`, each checked by `check` against the catalog's entry.
template <typename Entry, typename Check>
void CheckSection(const toml::table& root, const char* name, const std::vector<Entry>& entries,
                  Check&& check) {
  const toml::array* array = root[name].as_array();
  CREDITD_FUZZ_EXPECT(array != nullptr || !root[name], std::string("accepted a non-array ") + name);
  const size_t count = array == nullptr ? 0 : array->size();
  CREDITD_FUZZ_EXPECT(
      entries.size() == count,
      std::string(name) + ": " + std::to_string(entries.size()) + " of " + std::to_string(count));
  for (size_t i = 0; i < count; ++i) {
    const toml::table* table = (*array)[i].as_table();
    CREDITD_FUZZ_EXPECT(table != nullptr, std::string(name) + " holds a non-table");
    check(*table, entries[i], std::string(name) + "[" + std::to_string(i) + "]");
  }
}

#define CREDITD_FUZZ_EXPECT_FIELD(actual, expected, where)                                         \
  CREDITD_FUZZ_EXPECT(static_cast<int64_t>(actual) == (expected),                                  \
                      (where) + "." #actual " is " + std::to_string(actual) + ", the file says " + \
                          std::to_string(expected))

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = creditd::fuzz::AsText(data, size);
  const auto catalog = creditd::main::ParseCatalogToml(text, "fuzz.toml");
  if (!catalog.ok()) {
    CREDITD_FUZZ_EXPECT(catalog.status().reason() == "config_invalid", catalog.status().ToString());
    return 0;
  }
  CREDITD_FUZZ_EXPECT(creditd::domain::ValidateCatalog(*catalog).ok(), Quote(text));

  toml::table root;
  try {
    root = toml::parse(text, std::string_view("fuzz.toml"));
  } catch (const toml::parse_error& error) {
    CREDITD_FUZZ_EXPECT(false, std::string("accepted, yet a second parse fails: ") +
                                   std::string(error.description()));
  }

  CheckSection(
      root, "credit_packs", catalog->credit_packs,
      [](const toml::table& file, const creditd::domain::CreditPack& pack,
         const std::string& where) {
        CREDITD_FUZZ_EXPECT_FIELD(pack.id, FileInt(file, "id", 0), where);
        CREDITD_FUZZ_EXPECT_FIELD(pack.amount, FileInt(file, "amount", 0), where);
        CREDITD_FUZZ_EXPECT_FIELD(pack.bonus, FileInt(file, "bonus", 0), where);
        CREDITD_FUZZ_EXPECT(pack.currency().code() == FileString(file, "currency", "CNY"), where);
        CREDITD_FUZZ_EXPECT_FIELD(pack.price.amount_minor(),
                                  FilePrice(file, "price", pack.currency()), where);
        CREDITD_FUZZ_EXPECT_FIELD(pack.sort_order, FileInt(file, "sort_order", pack.id), where);
        CREDITD_FUZZ_EXPECT(pack.is_active == FileValue<bool>(file, "is_active", true), where);
      });
  CheckSection(root, "memberships", catalog->memberships,
               [](const toml::table& file, const creditd::domain::MembershipPrice& membership,
                  const std::string& where) {
                 CREDITD_FUZZ_EXPECT_FIELD(membership.id, FileInt(file, "id", 0), where);
                 CREDITD_FUZZ_EXPECT(
                     membership.membership_type == FileString(file, "membership_type", "") &&
                         membership.currency().code() == FileString(file, "currency", "CNY") &&
                         membership.is_active == FileValue<bool>(file, "is_active", true),
                     where);
                 CREDITD_FUZZ_EXPECT_FIELD(membership.duration_days,
                                           FileInt(file, "duration_days", 0), where);
                 CREDITD_FUZZ_EXPECT_FIELD(membership.price.amount_minor(),
                                           FilePrice(file, "price", membership.currency()), where);
                 CREDITD_FUZZ_EXPECT_FIELD(membership.original_price.amount_minor(),
                                           FilePrice(file, "original_price", membership.currency()),
                                           where);
                 CREDITD_FUZZ_EXPECT_FIELD(membership.sort_order,
                                           FileInt(file, "sort_order", membership.id), where);
               });
  CheckSection(
      root, "tools", catalog->tools,
      [](const toml::table& file, const creditd::domain::Tool& tool, const std::string& where) {
        CREDITD_FUZZ_EXPECT(tool.key == FileString(file, "key", ""), where);
        CREDITD_FUZZ_EXPECT(tool.is_active == FileValue<bool>(file, "is_active", true), where);
        CREDITD_FUZZ_EXPECT(
            creditd::domain::ToolUnitName(tool.unit) == FileString(file, "unit", "call"), where);
        CREDITD_FUZZ_EXPECT(tool.name == FileString(file, "name", "") &&
                                tool.resource_type == FileString(file, "resource_type", "") &&
                                tool.required_feature == FileString(file, "required_feature", "") &&
                                tool.upstream_url == FileString(file, "upstream_url", ""),
                            where);
        CREDITD_FUZZ_EXPECT(tool.upstream_headers == FileItems<decltype(tool.upstream_headers)>(
                                                         file, "upstream_headers"),
                            where);
        CREDITD_FUZZ_EXPECT_FIELD(tool.credits, FileInt(file, "credits", 0), where);
        CREDITD_FUZZ_EXPECT_FIELD(tool.price_version, FileInt(file, "price_version", 1), where);
        CREDITD_FUZZ_EXPECT_FIELD(tool.upstream_timeout_ms,
                                  FileInt(file, "upstream_timeout_ms", 30000), where);
        CREDITD_FUZZ_EXPECT_FIELD(tool.fail_percent, FileInt(file, "fail_percent", 0), where);
      });
  CheckSection(
      root, "plans", catalog->plans,
      [](const toml::table& file, const creditd::domain::Plan& plan, const std::string& where) {
        CREDITD_FUZZ_EXPECT(plan.key == FileString(file, "key", ""), where);
        CREDITD_FUZZ_EXPECT(plan.currency().code() == FileString(file, "currency", "USD"), where);
        CREDITD_FUZZ_EXPECT(
            plan.name == FileString(file, "name", "") &&
                plan.stripe_price_monthly == FileString(file, "stripe_price_monthly", "") &&
                plan.stripe_price_yearly == FileString(file, "stripe_price_yearly", ""),
            where);
        CREDITD_FUZZ_EXPECT(plan.features == FileItems<decltype(plan.features)>(file, "features"),
                            where);
        CREDITD_FUZZ_EXPECT(plan.quotas == FileItems<decltype(plan.quotas)>(file, "quotas"), where);
        CREDITD_FUZZ_EXPECT_FIELD(plan.monthly_price.amount_minor(),
                                  FilePrice(file, "monthly_price", plan.currency()), where);
        CREDITD_FUZZ_EXPECT_FIELD(plan.yearly_price.amount_minor(),
                                  FilePrice(file, "yearly_price", plan.currency()), where);
        CREDITD_FUZZ_EXPECT_FIELD(plan.monthly_credits, FileInt(file, "monthly_credits", 0), where);
        CREDITD_FUZZ_EXPECT_FIELD(plan.trial_days, FileInt(file, "trial_days", 0), where);
        CREDITD_FUZZ_EXPECT_FIELD(plan.sort_order, FileInt(file, "sort_order", 0), where);
      });

  const auto prices = creditd::main::StripePlanPrices(
      *catalog, [](const std::string& /*setting*/) { return std::string(); });
  for (const auto& [price_id, plan_and_interval] : prices) {
    bool found = false;
    for (const auto& plan : catalog->plans) {
      found = found ||
              (plan.key == plan_and_interval.first &&
               (price_id == (plan_and_interval.second == creditd::domain::BillingInterval::kMonth
                                 ? plan.stripe_price_monthly
                                 : plan.stripe_price_yearly)));
    }
    CREDITD_FUZZ_EXPECT(found, Quote(price_id));
  }
  return 0;
}
