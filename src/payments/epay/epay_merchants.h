// The merchants of EPAY_MERCHANTS_FILE (docs/payments/epay.md): several accounts at one EPay
// aggregator, each with an optional daily limit, which EpayProvider fills in order. Pure;
// thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "payments/epay/epay_provider.h"

namespace creditd::payments::epay {

// Reads a JSON array of {"pid": "1001", "key": "…", "daily_limit": "500.00"} (daily_limit
// optional, in CNY). Errors: "config_invalid" (field EPAY_MERCHANTS_FILE) naming the entry and
// what is wrong: not an array of 1 to 50 objects, a pid that is not digits, a missing or too long
// key, a limit that is not an amount above zero with at most 2 decimals, a pid given twice, or
// another member.
Result<std::vector<EpayMerchant>> ParseMerchants(std::string_view json_text);

}  // namespace creditd::payments::epay
