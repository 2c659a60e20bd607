// Fuzzes RawJsonMember (payments/common/json_text.h), which cuts the signed member out of
// Alipay's answers, against nlohmann::json as the reference:
//   - what it returns is a piece of the input;
//   - on a JSON object without escapes where the member's name appears once, it finds the member
//     exactly when the object has it, and the piece parses to that member's value;
//   - whenever it finds a member of text that parses as an object, the object has that member.
//
// Input: any bytes, e.g. {"alipay_trade_query_response":{"code":"10000"},"sign":"..."}.
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_support.h"
#include "payments/common/json_text.h"

namespace {

using creditd::fuzz::Quote;
using creditd::payments::RawJsonMember;

size_t Occurrences(std::string_view text, std::string_view needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = creditd::fuzz::AsText(data, size);
  const nlohmann::json parsed = nlohmann::json::parse(text, nullptr, false);
  const bool object = !parsed.is_discarded() && parsed.is_object();
  for (const std::string_view name : {"a", "sign", "alipay_trade_query_response"}) {
    const auto member = RawJsonMember(text, name);
    if (member) {
      CREDITD_FUZZ_EXPECT(member->data() >= text.data() &&
                              member->data() + member->size() <= text.data() + text.size(),
                          Quote(text));
    }
    if (member && object) {
      CREDITD_FUZZ_EXPECT(parsed.contains(name), Quote(text));
    }
    const std::string quoted = "\"" + std::string(name) + "\"";
    if (object && text.find('\\') == std::string_view::npos && Occurrences(text, quoted) == 1) {
      CREDITD_FUZZ_EXPECT(member.has_value() == parsed.contains(name), Quote(text));
      if (member) {
        const nlohmann::json value = nlohmann::json::parse(*member, nullptr, false);
        CREDITD_FUZZ_EXPECT(!value.is_discarded() && value == parsed[std::string(name)],
                            Quote(text) + " gave " + Quote(*member));
      }
    }
  }
  return 0;
}
