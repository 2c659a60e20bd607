#include "payments/epay/epay_merchants.h"

#include <algorithm>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "common/money.h"

namespace creditd::payments::epay {

namespace {

constexpr size_t kMaxMerchants = 50;

Status Invalid(const std::string& what) {
  return Status(reason::kConfigInvalid, "EPAY_MERCHANTS_FILE: " + what)
      .WithField("EPAY_MERCHANTS_FILE");
}

// A merchant id as EPay's PHP reads it back: digits, no leading zero ("01001" comes back as
// 1001 in notifications, which would then match no merchant).
bool Pid(const std::string& text) {
  return !text.empty() && text.size() <= 64 && text[0] != '0' &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// One entry of the list; `where` names it in errors.
Result<EpayMerchant> ParseMerchant(const nlohmann::json& entry, const std::string& where) {
  if (!entry.is_object()) {
    return Invalid(where + "must be an object with pid, key and optionally daily_limit");
  }
  for (const auto& [name, value] : entry.items()) {
    if (name != "pid" && name != "key" && name != "daily_limit") {
      return Invalid(where + "unknown member " += name);
    }
    if (!value.is_string()) {
      return Invalid(where + name += " must be a string");
    }
  }
  EpayMerchant merchant;
  merchant.pid = entry.value("pid", "");
  merchant.key = entry.value("key", "");
  if (!Pid(merchant.pid)) {
    return Invalid(where +
                   "pid must be the merchant id the aggregator gave you (digits, no leading 0)");
  }
  if (merchant.key.empty() || merchant.key.size() > 256) {
    return Invalid(where + "key must be the merchant key (1 to 256 characters)");
  }
  if (entry.contains("daily_limit")) {
    const Result<Money> limit =
        Money::Parse(entry["daily_limit"].get<std::string>(), Currency::Cny());
    if (!limit.ok() || limit->amount_minor() < 0) {
      return Invalid(where +
                     "daily_limit must be an amount in CNY, like \"500.00\" (0: no new orders)");
    }
    merchant.daily_limit = limit->amount_minor();
  }
  return merchant;
}

}  // namespace

Result<std::vector<EpayMerchant>> ParseMerchants(std::string_view json_text) {
  const nlohmann::json list = nlohmann::json::parse(json_text, nullptr, false);
  if (!list.is_array() || list.empty() || list.size() > kMaxMerchants) {
    return Invalid("must be a JSON array of 1 to 50 merchants");
  }
  std::vector<EpayMerchant> merchants;
  std::set<std::string> pids;
  for (size_t index = 0; index < list.size(); ++index) {
    const std::string where = "merchant " + std::to_string(index + 1) + ": ";
    Result<EpayMerchant> merchant = ParseMerchant(list[index], where);
    if (!merchant.ok()) {
      return merchant.status();
    }
    if (!pids.insert(merchant->pid).second) {
      return Invalid(where + "pid " + merchant->pid + " is given twice");
    }
    merchants.push_back(std::move(*merchant));
  }
  return merchants;
}

}  // namespace creditd::payments::epay
