#include "domain/catalog.h"

#include <set>
#include <string_view>

#include "common/money.h"
#include "common/status_macros.h"
#include "domain/enum_names.h"

namespace creditd::domain {

namespace {

constexpr std::string_view kToolUnitNames[] = {"image", "1k_tokens", "call"};

Status Invalid(const std::string& where, const std::string& what) {
  return Status(reason::kConfigInvalid, "catalog " + where + ": " + what);
}

bool IsKey(std::string_view key) {
  if (key.empty() || key.size() > 64) {
    return false;
  }
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

bool IsResourceType(std::string_view type) {
  for (const char* known : kResourceTypes) {
    if (type == known) {
      return true;
    }
  }
  return false;
}

// `price` not negative and in `currency` (an item is sold in one currency).
Status CheckPrice(const std::string& where, const Money& price, const Currency& currency) {
  if (price.currency() != currency) {
    return Invalid(where, "every price must be in " + std::string(currency.code()));
  }
  if (price.amount_minor() < 0) {
    return Invalid(where, "price must not be negative");
  }
  return Status::Ok();
}

Status ValidatePacks(const std::vector<CreditPack>& packs) {
  std::set<int64_t> ids;
  for (const auto& pack : packs) {
    const std::string where = "credit pack " + std::to_string(pack.id);
    if (pack.id <= 0 || !ids.insert(pack.id).second) {
      return Invalid(where, "id must be a unique positive number");
    }
    if (pack.amount <= 0 || pack.bonus < 0) {
      return Invalid(where, "amount must be positive and bonus not negative");
    }
    CREDITD_RETURN_IF_ERROR(CheckPrice(where, pack.price, pack.currency()));
    if (pack.price.amount_minor() == 0) {
      return Invalid(where, "price must be positive");
    }
  }
  return Status::Ok();
}

Status ValidateMemberships(const std::vector<MembershipPrice>& memberships) {
  std::set<int64_t> ids;
  for (const auto& membership : memberships) {
    const std::string where = "membership " + std::to_string(membership.id);
    if (membership.id <= 0 || !ids.insert(membership.id).second) {
      return Invalid(where, "id must be a unique positive number");
    }
    if (!IsKey(membership.membership_type) || membership.duration_days <= 0) {
      return Invalid(where, "membership_type must be a key and duration_days positive");
    }
    CREDITD_RETURN_IF_ERROR(CheckPrice(where, membership.price, membership.currency()));
    CREDITD_RETURN_IF_ERROR(CheckPrice(where, membership.original_price, membership.currency()));
    if (membership.price.amount_minor() == 0 ||
        membership.original_price.amount_minor() < membership.price.amount_minor()) {
      return Invalid(where, "price must be positive and original_price at least price");
    }
  }
  return Status::Ok();
}

}  // namespace

Money PricePerThirtyDays(const MembershipPrice& membership) {
  const int64_t price = membership.price.amount_minor();
  if (membership.duration_days <= 0) {
    return membership.price;
  }
  const int64_t days = membership.duration_days;
  // price * 30 / days without overflowing for any int64 price.
  return Money(price / days * 30 + price % days * 30 / days, membership.currency());
}

std::string_view ToolUnitName(ToolUnit unit) {
  return kToolUnitNames[static_cast<size_t>(unit)];
}

std::optional<ToolUnit> ParseToolUnit(std::string_view name) {
  return ParseEnumName<ToolUnit>(kToolUnitNames, name);
}

std::string EncodeHeaderLines(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string text;
  for (const auto& [name, value] : headers) {
    text.append(name).append(": ").append(value).append("\n");
  }
  return text;
}

std::vector<std::pair<std::string, std::string>> DecodeHeaderLines(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> headers;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      end = text.size();
    }
    const std::string line = text.substr(start, end - start);
    if (const size_t colon = line.find(": "); colon != std::string::npos) {
      headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    }
    start = end + 1;
  }
  return headers;
}

namespace {

// The upstream a tool's runs call (seed 003): URL, timeout, simulated failures, headers.
Status ValidateUpstream(const std::string& where, const Tool& tool) {
  if (!tool.upstream_url.empty() && !tool.upstream_url.starts_with("http://") &&
      !tool.upstream_url.starts_with("https://")) {
    return Invalid(where, "upstream_url must start with http:// or https://");
  }
  if (tool.upstream_timeout_ms < 100 || tool.upstream_timeout_ms > 600000) {
    return Invalid(where, "upstream_timeout_ms must be between 100 and 600000");
  }
  if (tool.fail_percent < 0 || tool.fail_percent > 100) {
    return Invalid(where, "fail_percent must be between 0 and 100");
  }
  for (const auto& [name, value] : tool.upstream_headers) {
    const bool bad_name = name.empty() || name.find_first_of(":\r\n ") != std::string::npos;
    if (bad_name || value.find_first_of("\r\n") != std::string::npos) {
      return Invalid(where,
                     "upstream_headers must be names without ':' or spaces and "
                     "single-line values");
    }
  }
  return Status::Ok();
}

Status ValidateTools(const std::vector<Tool>& tools) {
  std::set<std::string> keys;
  for (const auto& tool : tools) {
    const std::string where = "tool \"" + tool.key + "\"";
    if (!IsKey(tool.key) || !keys.insert(tool.key).second) {
      return Invalid(where, "key must be unique, of a-z 0-9 . - _");
    }
    if (tool.key == "runs") {
      // /api/v1/tools/runs is the run history; a tool of that name could not be run.
      return Invalid(where, "\"runs\" is reserved");
    }
    if (tool.name.empty() || tool.credits < 0 || tool.price_version < 1) {
      return Invalid(where, "name is required and credits must not be negative");
    }
    if (!IsResourceType(tool.resource_type)) {
      return Invalid(where, "unknown resource_type \"" + tool.resource_type + "\"");
    }
    CREDITD_RETURN_IF_ERROR(ValidateUpstream(where, tool));
  }
  return Status::Ok();
}

Status ValidatePlans(const std::vector<Plan>& plans) {
  std::set<std::string> keys;
  for (const auto& plan : plans) {
    const std::string where = "plan \"" + plan.key + "\"";
    if (!IsKey(plan.key) || !keys.insert(plan.key).second) {
      return Invalid(where, "key must be unique, of a-z 0-9 . - _");
    }
    CREDITD_RETURN_IF_ERROR(CheckPrice(where, plan.monthly_price, plan.currency()));
    CREDITD_RETURN_IF_ERROR(CheckPrice(where, plan.yearly_price, plan.currency()));
    if (plan.name.empty() || plan.monthly_credits < 0 || plan.trial_days < 0) {
      return Invalid(where, "name is required; credits and trial days must not be negative");
    }
    for (const auto& [resource, limit] : plan.quotas) {
      if (!IsResourceType(resource) || limit < 0) {
        return Invalid(where, "quota \"" + resource + "\" must be a known resource, not negative");
      }
    }
    for (const auto& feature : plan.features) {
      if (!IsKey(feature)) {
        return Invalid(where, "feature \"" + feature + "\" must be a key");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateCatalog(const Catalog& catalog) {
  CREDITD_RETURN_IF_ERROR(ValidatePacks(catalog.credit_packs));
  CREDITD_RETURN_IF_ERROR(ValidateMemberships(catalog.memberships));
  CREDITD_RETURN_IF_ERROR(ValidateTools(catalog.tools));
  return ValidatePlans(catalog.plans);
}

}  // namespace creditd::domain
