// The sellable catalog: credit packs, memberships, tool prices and plans (DESIGN.md section 2).
//
// Loaded from config/catalog.toml into the database at first start and edited by operators
// afterwards; nothing in code hard-codes a price. Money is integer minor units with a currency.
// Pure value types plus validation; thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/money.h"
#include "common/result.h"

namespace creditd::domain {

// A one-time credit pack (seed 002 CreditPrice): `amount` credits plus `bonus` for `price`.
struct CreditPack {
  int64_t id = 0;
  int64_t amount = 0;
  int64_t bonus = 0;
  Money price{0, Currency::Cny()};
  bool is_active = true;
  int sort_order = 0;

  Currency currency() const { return price.currency(); }
};

// A membership duration (seed 002): unlimited use of the tools for `duration_days`.
struct MembershipPrice {
  int64_t id = 0;
  std::string membership_type;  // "monthly", "quarterly", "yearly".
  int duration_days = 0;
  Money price{0, Currency::Cny()};
  Money original_price{0, Currency::Cny()};  // List price shown struck through; same currency.
  bool is_active = true;
  int sort_order = 0;

  Currency currency() const { return price.currency(); }
};

// What a membership costs per 30 days, rounded down to the minor unit (the "price per month" the
// membership page shows).
Money PricePerThirtyDays(const MembershipPrice& membership);

// Resource types metered against plan quotas (seeds 000 and 003).
inline constexpr const char* kResourceTypes[] = {"images", "llm_tokens", "messages", "api_calls"};

// What one unit of a tool is: its wire and catalog names are "image", "1k_tokens" and "call".
enum class ToolUnit { kImage, kThousandTokens, kCall };
std::string_view ToolUnitName(ToolUnit unit);
// Returns nullopt for a name that is not one of ToolUnitName's.
std::optional<ToolUnit> ParseToolUnit(std::string_view name);

// An AI tool and its price per unit (seed 001's per-image prices, seed 002's generation).
struct Tool {
  std::string key;  // "nano-banana".
  std::string name;
  int64_t credits = 0;  // Credits per unit.
  ToolUnit unit = ToolUnit::kCall;
  std::string resource_type;     // One of kResourceTypes.
  std::string required_feature;  // Empty: every account may use it.
  bool is_active = true;
  int64_t price_version = 1;  // Recorded on every charge so price changes never re-rate usage.
  // Where a run goes: empty runs the built-in demo renderer (a PNG drawn from the prompt);
  // otherwise creditd POSTs the run to this http(s) URL with these extra headers.
  std::string upstream_url;
  std::vector<std::pair<std::string, std::string>> upstream_headers;
  int upstream_timeout_ms = 30000;
  // Demo renderer only: the share of runs (0..100 percent) that fail, to show refunds.
  int fail_percent = 0;
};

// A subscription plan (seeds 000 and 003).
struct Plan {
  std::string key;  // "free", "pro", "premium", "team", "enterprise".
  std::string name;
  Money monthly_price{0, Currency::Cny()};
  Money yearly_price{0, Currency::Cny()};  // In monthly_price's currency.
  int64_t monthly_credits = 0;
  std::vector<std::string> features;
  std::map<std::string, int64_t> quotas;  // Resource type -> monthly limit; absent = unlimited.
  int trial_days = 0;
  int sort_order = 0;
  // Stripe price ids from the catalog file ("" when not sold through Stripe); the
  // STRIPE_PRICE_<PLAN>_<MONTHLY|YEARLY> settings override them.
  std::string stripe_price_monthly;
  std::string stripe_price_yearly;

  Currency currency() const { return monthly_price.currency(); }
};

struct Catalog {
  std::vector<CreditPack> credit_packs;
  std::vector<MembershipPrice> memberships;
  std::vector<Tool> tools;
  std::vector<Plan> plans;
};

// Upstream headers as stored: one "Name: value" line each, and back.
std::string EncodeHeaderLines(const std::vector<std::pair<std::string, std::string>>& headers);
std::vector<std::pair<std::string, std::string>> DecodeHeaderLines(const std::string& text);

// Checks a catalog before it is stored: positive prices and credits, one currency per item,
// known resource types, unique ids and keys, keys of lower-case letters, digits, '.', '-' and '_'.
// Returns kInvalidArgument/"config_invalid" naming the first offending entry.
Status ValidateCatalog(const Catalog& catalog);

}  // namespace creditd::domain
