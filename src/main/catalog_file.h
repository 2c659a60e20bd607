// Reads the catalog file format (config/catalog.toml, documented in docs/catalog.md) into a
// domain::Catalog. Prices are decimal strings in the entry's currency ("9.90"), never floats.
// Pure parsing; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"
#include "domain/catalog.h"
#include "domain/subscription.h"

namespace creditd::main {

// Parses TOML text. `origin` names the file in error messages. Returns
// kInvalidArgument/"config_invalid" naming the table and key at fault.
Result<domain::Catalog> ParseCatalogToml(std::string_view text, std::string_view origin);

// The Stripe price id -> (plan key, billing interval) of every plan price: the catalog's
// stripe_price_monthly / stripe_price_yearly, each overridden by its setting
// STRIPE_PRICE_<PLAN>_<MONTHLY|YEARLY> as `setting(name)` returns it ("" when unset). Plans
// with neither are not sold through Stripe.
std::map<std::string, std::pair<std::string, domain::BillingInterval>> StripePlanPrices(
    const domain::Catalog& catalog, const std::function<std::string(const std::string&)>& setting);

}  // namespace creditd::main
