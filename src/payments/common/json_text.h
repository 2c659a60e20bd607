// The exact text of a member of a JSON object, for providers that sign the bytes of a part of
// their answer: Alipay signs the text of `<method>_response` as it sent it (with its own escapes,
// such as `\/`), so it must be verified as received, never re-serialized. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace creditd::payments {

// The text of the value of the top-level member `name` of the JSON object `json` (a view into
// `json`), or nullopt when `json` is not an object, has no such member, or is malformed up to
// the end of that value. Member names are compared as written (no escapes decoded); a name given
// twice yields the first.
std::optional<std::string_view> RawJsonMember(std::string_view json, std::string_view name);

}  // namespace creditd::payments
