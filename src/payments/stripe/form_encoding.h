// Stripe's request body encoding (application/x-www-form-urlencoded with nested parameters), as
// stripe-node sends it: objects as `parent[child]`, arrays as `parent[0][child]`, booleans as
// true/false, null as an empty value (Stripe's "unset"), every key and value percent-encoded
// except the square brackets. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace creditd::payments::stripe {

// Encodes a JSON object of parameters, keys in their insertion order. Nested objects and arrays
// recurse; an empty object or array contributes nothing (Stripe has no syntax for it).
std::string EncodeForm(const nlohmann::ordered_json& parameters);

}  // namespace creditd::payments::stripe
