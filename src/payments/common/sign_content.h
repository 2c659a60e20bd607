// The "k=v&k=v" text that Alipay (PROTOCOLS.md 5.1) and EPay (PROTOCOLS-2.md 1.3) sign:
// parameters sorted by name in byte order, joined as name=value with '&', values raw (never
// URL-encoded; a received form is decoded first), without the excluded names and, where the
// provider says so, without empty values. Pure; thread-safe.
#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

namespace creditd::payments {

// A request's or notification's parameters by name (a name appears once; the form decoder
// refuses duplicates).
using ProviderParams = std::map<std::string, std::string, std::less<>>;

// The value of parameter `name`, or "" when it is absent.
std::string ParamOf(const ProviderParams& params, std::string_view name);

// The signed text of `params`, leaving out the names in `excluded` and, with `skip_empty`,
// every parameter whose value is empty.
std::string SignContent(const ProviderParams& params,
                        std::initializer_list<std::string_view> excluded, bool skip_empty);

}  // namespace creditd::payments
