// Fuzzes Stripe's form encoding of request parameters (payments/stripe/form_encoding.h), which
// carries client-supplied text (emails, names, metadata, order numbers) to Stripe:
//   - PercentEncode leaves only unreserved characters and %XX, and PercentDecode gives the bytes
//   back, with '+' as a space or not (the one check of
//     PercentEncode on any bytes; query_string_fuzz.cc only re-encodes with it);
//   - EncodeForm writes one key=value pair per scalar leaf, in order, with the bracketed key
//     path and the scalar's text, so that decoding each pair gives them back exactly: no text
//     can add, split or rename a parameter;
//   - ParseQueryString (http/request.h) reads the form as the same pairs.
//
// Input: a JSON object of parameters, as the adapter builds them:
// {"mode":"payment","metadata":{"order_no":"x"},"line_items":[{"quantity":1}]}.
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/strings.h"
#include "fuzz/fuzz_support.h"
#include "http/request.h"
#include "payments/stripe/form_encoding.h"

namespace {

using creditd::PercentDecode;
using creditd::PercentEncode;
using creditd::fuzz::Quote;
using creditd::fuzz::Split;
using creditd::payments::stripe::EncodeForm;
using nlohmann::ordered_json;

// The adapter's parameters nest two or three levels; deeper input is not a request it sends,
// and the reference walk below recurses.
constexpr int kDepthMax = 16;

bool Unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}

bool UpperHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

void CheckPercentEncode(std::string_view bytes) {
  const std::string encoded = PercentEncode(bytes);
  size_t expected_size = 0;
  for (const char c : bytes) {
    expected_size += Unreserved(c) ? 1 : 3;
  }
  CREDITD_FUZZ_EXPECT(encoded.size() == expected_size, Quote(bytes) + " -> " + Quote(encoded));
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded[i] == '%') {
      CREDITD_FUZZ_EXPECT(
          i + 2 < encoded.size() && UpperHex(encoded[i + 1]) && UpperHex(encoded[i + 2]),
          Quote(encoded));
      i += 2;
    } else {
      CREDITD_FUZZ_EXPECT(Unreserved(encoded[i]), Quote(encoded));
    }
  }
  for (const bool plus_is_space : {false, true}) {
    const auto decoded = PercentDecode(encoded, plus_is_space);
    CREDITD_FUZZ_EXPECT(decoded && *decoded == bytes,
                        Quote(bytes) + " encodes as " + Quote(encoded) + ", decoded " +
                            (decoded ? Quote(*decoded) : "as an error"));
  }
}

// The pairs Stripe reads from the form: every scalar leaf under its bracketed path.
void Leaves(const std::string& key, const ordered_json& value,
            std::vector<std::pair<std::string, std::string>>& out) {
  if (value.is_object()) {
    for (const auto& [child, child_value] : value.items()) {
      Leaves(key + "[" + child + "]", child_value, out);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      Leaves(key + "[" + std::to_string(i) + "]", value[i], out);
    }
  } else if (value.is_string()) {
    out.emplace_back(key, value.get<std::string>());
  } else if (value.is_boolean()) {
    out.emplace_back(key, value.get<bool>() ? "true" : "false");
  } else if (value.is_null()) {
    out.emplace_back(key, "");
  } else {
    out.emplace_back(key, value.dump());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = creditd::fuzz::AsText(data, size);
  CheckPercentEncode(text);

  const ordered_json parameters = ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parameters.is_discarded() || !parameters.is_object() ||
      creditd::fuzz::JsonDepth(parameters) > kDepthMax) {
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> leaves;
  for (const auto& [key, value] : parameters.items()) {
    Leaves(key, value, leaves);
  }
  const std::string form = EncodeForm(parameters);
  const std::string context = Quote(text) + " -> " + Quote(form);
  if (leaves.empty()) {
    CREDITD_FUZZ_EXPECT(form.empty(), context);
    return 0;
  }
  for (const char c : form) {
    CREDITD_FUZZ_EXPECT(Unreserved(c) || c == '%' || c == '[' || c == ']' || c == '=' || c == '&',
                        context);
  }
  const std::vector<std::string_view> pairs = Split(form, '&');
  CREDITD_FUZZ_EXPECT(pairs.size() == leaves.size(), context + ": " + std::to_string(pairs.size()) +
                                                         " pairs for " +
                                                         std::to_string(leaves.size()) + " values");
  std::multimap<std::string, std::string> expected;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const std::vector<std::string_view> sides = Split(pairs[i], '=');
    CREDITD_FUZZ_EXPECT(sides.size() == 2, context + ": pair " + Quote(pairs[i]));
    const auto key = PercentDecode(sides[0], false);
    const auto value = PercentDecode(sides[1], false);
    CREDITD_FUZZ_EXPECT(key == leaves[i].first && value == leaves[i].second,
                        context + ": pair " + Quote(pairs[i]) + " for " + Quote(leaves[i].first) +
                            "=" + Quote(leaves[i].second));
    expected.emplace(leaves[i]);
  }
  CREDITD_FUZZ_EXPECT(creditd::http::ParseQueryString(form) == expected, context);
  return 0;
}
