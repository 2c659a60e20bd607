#include "main/catalog_file.h"

#include <limits>
#include <sstream>
#include <tuple>

#include <toml++/toml.h>

#include "common/money.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace creditd::main {

namespace {

class TableReader {
 public:
  TableReader(const toml::table& table, std::string where)
      : table_(table), where_(std::move(where)) {}

  Status error() const { return error_; }

  int64_t Int(const char* key, std::optional<int64_t> fallback = std::nullopt) {
    return Value<int64_t>(key, fallback, "an integer");
  }

  // An integer for an int field of the catalog: out of range is an error, never a value
  // silently narrowed (4294967326 days is not 30).
  int Int32(const char* key, std::optional<int64_t> fallback = std::nullopt) {
    const int64_t value = Int(key, fallback);
    if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
      Fail(key, "an integer between " + std::to_string(std::numeric_limits<int>::min()) + " and " +
                    std::to_string(std::numeric_limits<int>::max()) + " is required");
      return 0;
    }
    return static_cast<int>(value);
  }

  std::string String(const char* key, std::optional<std::string> fallback = std::nullopt) {
    return Value<std::string>(key, std::move(fallback), "a string");
  }

  bool Bool(const char* key, bool fallback) { return Value<bool>(key, fallback, "true or false"); }

  // An ISO currency code, `fallback` when absent.
  Currency CurrencyCode(const char* key, const char* fallback) {
    const std::string code = String(key, fallback);
    if (const auto currency = Currency::FromCode(code)) {
      return *currency;
    }
    Fail(key, "unknown currency \"" + code + "\"");
    return Currency::Cny();
  }

  // A decimal price string in `currency`.
  Money Price(const char* key, Currency currency) {
    const std::string text = String(key);
    auto money = Money::Parse(text, currency);
    if (!money.ok()) {
      Fail(key, money.status().message());
      return Money(0, currency);
    }
    return *money;
  }

  // One of the tool units by name, "call" when absent.
  domain::ToolUnit Unit(const char* key) {
    const std::string name = String(key, "call");
    if (const auto unit = domain::ParseToolUnit(name)) {
      return *unit;
    }
    Fail(key, R"(must be "image", "1k_tokens" or "call", not ")" + name + "\"");
    return domain::ToolUnit::kCall;
  }

  std::vector<std::string> Strings(const char* key) {
    std::vector<std::string> out;
    if (const auto* array = table_[key].as_array()) {
      for (const auto& item : *array) {
        if (const auto text = item.value_exact<std::string>()) {
          out.push_back(*text);
        } else {
          Fail(key, "must be a list of strings");
        }
      }
    } else if (table_[key]) {
      Fail(key, "must be a list of strings");
    }
    return out;
  }

  std::map<std::string, int64_t> IntMap(const char* key) {
    std::map<std::string, int64_t> out;
    if (const auto* table = table_[key].as_table()) {
      for (const auto& [name, value] : *table) {
        if (const auto number = value.value_exact<int64_t>()) {
          out[std::string(name.str())] = *number;
        } else {
          Fail(key, "values must be integers");
        }
      }
    } else if (table_[key]) {
      Fail(key, "must be a table of integers");
    }
    return out;
  }

  std::vector<std::pair<std::string, std::string>> StringPairs(const char* key) {
    std::vector<std::pair<std::string, std::string>> out;
    if (const auto* table = table_[key].as_table()) {
      for (const auto& [name, value] : *table) {
        if (const auto text = value.value_exact<std::string>()) {
          out.emplace_back(std::string(name.str()), *text);
        } else {
          Fail(key, "values must be strings");
        }
      }
    } else if (table_[key]) {
      Fail(key, "must be a table of strings");
    }
    return out;
  }

 private:
  // The `T` at `key`, or `fallback` when the key is absent. A key present with another type
  // ("5" or 5.0 for an integer, "false" for a boolean) is an error, never the fallback, and so is
  // an absent key without one. Exact types also keep toml++ from converting an out-of-range float
  // to int64 (undefined behaviour in its value<int64_t>()).
  template <typename T>
  T Value(const char* key, std::optional<T> fallback, const char* what) {
    const auto node = table_[key];
    if (node) {
      if (auto value = node.template value_exact<T>()) {
        return *std::move(value);
      }
    } else if (fallback) {
      return *std::move(fallback);
    }
    Fail(key, std::string(what) + " is required");
    return T{};
  }

  void Fail(const char* key, const std::string& what) {
    if (error_.ok()) {
      error_ = Status(reason::kConfigInvalid, where_ + "." + key + ": " + what);
    }
  }

  const toml::table& table_;
  std::string where_;
  Status error_;
};

template <typename Each>
Status ForEachTable(const toml::table& root, const char* name, std::string_view origin,
                    Each&& each) {
  const auto* array = root[name].as_array();
  if (array == nullptr) {
    if (root[name]) {
      return Status(reason::kConfigInvalid, std::string(origin) + ": " + name +
                                                " must be an array of tables, [[" + name + "]]");
    }
    return Status::Ok();
  }
  int index = 0;
  for (const auto& node : *array) {
    const auto* table = node.as_table();
    const std::string where =
        std::string(origin) + ": " + name + "[" + std::to_string(index++) + "]";
    if (table == nullptr) {
      return Status(reason::kConfigInvalid, where + " must be a table");
    }
    TableReader reader(*table, where);
    each(reader);
    CREDITD_RETURN_IF_ERROR(reader.error());
  }
  return Status::Ok();
}

}  // namespace

Result<domain::Catalog> ParseCatalogToml(std::string_view text, std::string_view origin) {
  toml::table root;
  try {
    // Debian's toml++ is built with exceptions; this adapter turns them into a Status.
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& error) {
    std::ostringstream message;
    message << error.description() << " at line " << error.source().begin.line;
    return Status(reason::kConfigInvalid, std::string(origin) + ": " + message.str());
  }
  domain::Catalog catalog;
  CREDITD_RETURN_IF_ERROR(ForEachTable(root, "credit_packs", origin, [&](TableReader& row) {
    domain::CreditPack pack;
    pack.id = row.Int("id");
    pack.amount = row.Int("amount");
    pack.bonus = row.Int("bonus", 0);
    pack.price = row.Price("price", row.CurrencyCode("currency", "CNY"));
    pack.is_active = row.Bool("is_active", true);
    pack.sort_order = row.Int32("sort_order", pack.id);
    catalog.credit_packs.push_back(pack);
  }));
  CREDITD_RETURN_IF_ERROR(ForEachTable(root, "memberships", origin, [&](TableReader& row) {
    domain::MembershipPrice membership;
    membership.id = row.Int("id");
    membership.membership_type = row.String("membership_type");
    membership.duration_days = row.Int32("duration_days");
    const Currency currency = row.CurrencyCode("currency", "CNY");
    membership.price = row.Price("price", currency);
    membership.original_price = row.Price("original_price", currency);
    membership.is_active = row.Bool("is_active", true);
    membership.sort_order = row.Int32("sort_order", membership.id);
    catalog.memberships.push_back(membership);
  }));
  CREDITD_RETURN_IF_ERROR(ForEachTable(root, "tools", origin, [&](TableReader& row) {
    domain::Tool tool;
    tool.key = row.String("key");
    tool.name = row.String("name");
    tool.credits = row.Int("credits");
    tool.unit = row.Unit("unit");
    tool.resource_type = row.String("resource_type");
    tool.required_feature = row.String("required_feature", "");
    tool.is_active = row.Bool("is_active", true);
    tool.price_version = row.Int("price_version", 1);
    tool.upstream_url = row.String("upstream_url", "");
    tool.upstream_headers = row.StringPairs("upstream_headers");
    tool.upstream_timeout_ms = row.Int32("upstream_timeout_ms", 30000);
    tool.fail_percent = row.Int32("fail_percent", 0);
    catalog.tools.push_back(tool);
  }));
  CREDITD_RETURN_IF_ERROR(ForEachTable(root, "plans", origin, [&](TableReader& row) {
    domain::Plan plan;
    plan.key = row.String("key");
    plan.name = row.String("name");
    const Currency currency = row.CurrencyCode("currency", "USD");
    plan.monthly_price = row.Price("monthly_price", currency);
    plan.yearly_price = row.Price("yearly_price", currency);
    plan.monthly_credits = row.Int("monthly_credits", 0);
    plan.features = row.Strings("features");
    plan.quotas = row.IntMap("quotas");
    plan.trial_days = row.Int32("trial_days", 0);
    plan.sort_order = row.Int32("sort_order", 0);
    plan.stripe_price_monthly = row.String("stripe_price_monthly", "");
    plan.stripe_price_yearly = row.String("stripe_price_yearly", "");
    catalog.plans.push_back(plan);
  }));
  CREDITD_RETURN_IF_ERROR(domain::ValidateCatalog(catalog));
  return catalog;
}

std::map<std::string, std::pair<std::string, domain::BillingInterval>> StripePlanPrices(
    const domain::Catalog& catalog, const std::function<std::string(const std::string&)>& setting) {
  std::map<std::string, std::pair<std::string, domain::BillingInterval>> prices;
  for (const domain::Plan& plan : catalog.plans) {
    for (const auto& [suffix, interval, from_file] :
         {std::tuple{"MONTHLY", domain::BillingInterval::kMonth, &plan.stripe_price_monthly},
          std::tuple{"YEARLY", domain::BillingInterval::kYear, &plan.stripe_price_yearly}}) {
      std::string price = setting("STRIPE_PRICE_" + ToUpperAscii(plan.key) + "_" + suffix);
      if (price.empty()) {
        price = *from_file;
      }
      if (!price.empty()) {
        prices[price] = {plan.key, interval};
      }
    }
  }
  return prices;
}

}  // namespace creditd::main
