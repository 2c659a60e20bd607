// application/x-www-form-urlencoded as providers send and expect it: EPay notifies with a query
// string, Alipay with a form body, and both take signed forms. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "payments/common/sign_content.h"

namespace creditd::payments {

// "a=1&b=x%20y" from `params`, in name order, names and values percent-encoded.
std::string EncodeForm(const ProviderParams& params);

// Decodes "a=1&b=x+y%21" as PHP's $_GET does ('+' is a space, %XX a byte; a pair without '=' has
// an empty value; empty pairs are skipped). nullopt on a bad %-escape, an empty name or a name
// given twice (a signed form never repeats one, and which copy was signed would be a guess).
std::optional<ProviderParams> ParseForm(std::string_view text);

}  // namespace creditd::payments
