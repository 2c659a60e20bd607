// Fuzzes the request-target decoding: common/strings.h's PercentDecode (the path) and
// ParseQueryString (the query), checking
//   - PercentDecode agrees with a reference decoder, with '+' as a space or not;
//   - ParseQueryString fails exactly when the text has a bad %-escape, and yields one pair
//     per non-empty '&'-separated piece;
//   - re-encoding the pairs with common/strings.h's PercentEncode and parsing again gives the
//     same pairs (PercentDecode(PercentEncode(x)) == x for any bytes x is form_encoding_fuzz.cc's
//     check).
//
// Input: a raw query string as it follows '?', e.g. "skip=0&limit=20&q=a%20b+c".
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/strings.h"
#include "fuzz/fuzz_support.h"
#include "http/request.h"

namespace {

using creditd::PercentDecode;
using creditd::PercentEncode;
using creditd::fuzz::Quote;
using creditd::http::ParseQueryString;

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// RFC 3986 section 2.1: '%' and two hex digits stand for one byte; anything else after a '%'
// is an error.
std::optional<std::string> ReferenceDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] != '%') {
      out += plus_is_space && text[i] == '+' ? ' ' : text[i];
      ++i;
      continue;
    }
    if (text.size() - i < 3 || !IsHex(text[i + 1]) || !IsHex(text[i + 2])) {
      return std::nullopt;
    }
    unsigned byte = 0;
    std::from_chars(text.data() + i + 1, text.data() + i + 3, byte, 16);
    out += static_cast<char>(byte);
    i += 3;
  }
  return out;
}

void CheckDecode(std::string_view text, bool plus_is_space) {
  const auto decoded = PercentDecode(text, plus_is_space);
  const auto expected = ReferenceDecode(text, plus_is_space);
  CREDITD_FUZZ_EXPECT(decoded == expected,
                      Quote(text) + " decodes to " + (decoded ? Quote(*decoded) : "an error") +
                          ", expected " + (expected ? Quote(*expected) : "an error"));
}

// The non-empty '&'-separated pieces of a query string.
size_t CountPieces(std::string_view text) {
  const std::vector<std::string_view> pieces = creditd::fuzz::Split(text, '&');
  return static_cast<size_t>(std::count_if(pieces.begin(), pieces.end(),
                                           [](std::string_view piece) { return !piece.empty(); }));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = creditd::fuzz::AsText(data, size);
  CheckDecode(text, false);
  CheckDecode(text, true);

  const auto params = ParseQueryString(text);
  // '&' and '=' are not hex digits, so an escape never spans a separator: the whole string
  // decodes exactly when each key and value does.
  const bool decodable = ReferenceDecode(text, true).has_value();
  CREDITD_FUZZ_EXPECT(params.has_value() == decodable,
                      Quote(text) + (decodable ? " was refused" : " was accepted"));
  if (!params) {
    return 0;
  }
  CREDITD_FUZZ_EXPECT(params->size() == CountPieces(text),
                      Quote(text) + " gave " + std::to_string(params->size()) + " pairs");
  std::string reencoded;
  for (const auto& [key, value] : *params) {
    reencoded += (reencoded.empty() ? "" : "&") + PercentEncode(key) + "=" + PercentEncode(value);
  }
  const auto again = ParseQueryString(reencoded);
  CREDITD_FUZZ_EXPECT(again && *again == *params,
                      Quote(text) + " re-encoded as " + Quote(reencoded) + " parses differently");
  return 0;
}
