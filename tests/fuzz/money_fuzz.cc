// Fuzzes Money::Parse (common/money.h), which reads every decimal amount a client, the admin
// console or the catalog file sends, against a reference parser on 128-bit integers, and checks
// the formatting round trips:
//   - Parse agrees with the reference on success, value and error reason;
//   - Parse(ToDecimalString(m)) == m, and a canonical text formats back to itself;
//   - FormatMinorUnits(v, e) parses back to v for any int64 v (INT64_MIN included);
//   - CheckedAdd agrees with 128-bit addition.
//
// Input: the currency code, a flag byte ('-' allows negative amounts), then the amount text, as
// in "CNY+9.90" or "KWD--1.234". An unknown code picks a currency from its first byte.
#include <array>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "common/money.h"
#include "fuzz/fuzz_support.h"

namespace {

using creditd::Currency;
using creditd::Money;
using creditd::fuzz::Quote;

// Every currency common/money.cc sells in (exponents 2, 0 and 3).
constexpr std::array<std::string_view, 14> kCodes = {"CNY", "USD", "EUR", "GBP", "HKD",
                                                     "SGD", "AUD", "CAD", "CHF", "TWD",
                                                     "JPY", "KRW", "KWD", "BHD"};

using Int128 = __int128;
constexpr Int128 kInt64Min = std::numeric_limits<int64_t>::min();
constexpr Int128 kInt64Max = std::numeric_limits<int64_t>::max();

bool IsDigits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return false;
    }
  }
  return true;
}

struct Expected {
  std::string_view reason;  // "" for success.
  int64_t amount_minor = 0;
};

// The documented grammar, -?[0-9]+(\.[0-9]{1,exponent})?, checked as a whole before the value
// is computed in 128 bits (saturating far above the int64 range).
Expected ReferenceParse(std::string_view text, int exponent, bool allow_negative) {
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    if (!allow_negative) {
      return {"invalid_amount"};
    }
    negative = true;
    text.remove_prefix(1);
  }
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || !IsDigits(whole) || !IsDigits(fraction) ||
      (dot != std::string_view::npos &&
       (fraction.empty() || fraction.size() > static_cast<size_t>(exponent)))) {
    return {"invalid_amount"};
  }
  constexpr Int128 kSaturated = Int128{1} << 100;
  Int128 value = 0;
  const auto push = [&](char c) { value = value > kSaturated ? value : value * 10 + (c - '0'); };
  for (const char c : whole) {
    push(c);
  }
  for (size_t i = 0; i < static_cast<size_t>(exponent); ++i) {
    push(i < fraction.size() ? fraction[i] : '0');
  }
  if (negative) {
    value = -value;
  }
  if (value < kInt64Min || value > kInt64Max) {
    return {"amount_overflow"};
  }
  return {"", static_cast<int64_t>(value)};
}

// The form ToDecimalString writes: no sign on zero, no leading zeros, exactly `exponent`
// decimals.
bool IsCanonical(std::string_view text, int exponent) {
  if (text.starts_with('-')) {
    text.remove_prefix(1);
    if (text.find_first_not_of("0.") == std::string_view::npos) {
      return false;  // "-0.00"
    }
  }
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  if (whole.empty() || !IsDigits(whole) || (whole.size() > 1 && whole.front() == '0')) {
    return false;
  }
  if (exponent == 0) {
    return dot == std::string_view::npos;
  }
  return dot != std::string_view::npos && text.size() - dot - 1 == static_cast<size_t>(exponent) &&
         IsDigits(text.substr(dot + 1));
}

std::string ToString(Int128 value) {
  const bool negative = value < 0;
  auto magnitude = static_cast<unsigned __int128>(negative ? -value : value);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return negative ? "-" + digits : digits;
}

void CheckParse(std::string_view text, Currency currency, bool allow_negative) {
  const auto parsed = Money::Parse(text, currency, allow_negative);
  const Expected expected = ReferenceParse(text, currency.exponent(), allow_negative);
  const std::string context =
      std::string(currency.code()) + " " + Quote(text) + (allow_negative ? " allow_negative" : "");
  CREDITD_FUZZ_EXPECT(parsed.ok() == expected.reason.empty(),
                      context + ": parse says " +
                          (parsed.ok() ? std::string("ok") : parsed.status().ToString()) +
                          ", the reference " + std::string(expected.reason));
  if (!parsed.ok()) {
    CREDITD_FUZZ_EXPECT(parsed.status().reason() == expected.reason,
                        context + ": " + parsed.status().ToString());
    return;
  }
  CREDITD_FUZZ_EXPECT(parsed->amount_minor() == expected.amount_minor,
                      context + " -> " + std::to_string(parsed->amount_minor()) + ", expected " +
                          std::to_string(expected.amount_minor));
  CREDITD_FUZZ_EXPECT(parsed->currency() == currency, context);
  const std::string formatted = parsed->ToDecimalString();
  const auto again = Money::Parse(formatted, currency, /*allow_negative=*/true);
  CREDITD_FUZZ_EXPECT(again.ok() && *again == *parsed,
                      context + " formats as " + Quote(formatted) + ", which does not parse back");
  CREDITD_FUZZ_EXPECT(IsCanonical(formatted, currency.exponent()),
                      context + " formats as " + Quote(formatted));
  if (IsCanonical(text, currency.exponent())) {
    CREDITD_FUZZ_EXPECT(formatted == text, context + " formats as " + Quote(formatted));
  }
}

// Every int64 formats to a text that parses back to it, at every exponent in use.
void CheckFormat(int64_t amount_minor) {
  for (const std::string_view code : {"JPY", "CNY", "KWD"}) {
    const Currency currency = *Currency::FromCode(code);
    const std::string text = creditd::FormatMinorUnits(amount_minor, currency.exponent());
    const Money money(amount_minor, currency);
    CREDITD_FUZZ_EXPECT(money.ToDecimalString() == text, text);
    const auto parsed = Money::Parse(text, currency, /*allow_negative=*/true);
    CREDITD_FUZZ_EXPECT(
        parsed.ok() && parsed->amount_minor() == amount_minor,
        std::to_string(amount_minor) + " formats as " + Quote(text) + " in " + std::string(code));
    if (amount_minor >= 0) {
      CREDITD_FUZZ_EXPECT(Money::Parse(text, currency).ok(), text);
    }
  }
}

void CheckAdd(int64_t a, int64_t b) {
  const Int128 exact = Int128{a} + Int128{b};
  const auto sum = creditd::CheckedAdd(a, b);
  const bool fits = exact >= kInt64Min && exact <= kInt64Max;
  CREDITD_FUZZ_EXPECT(sum.has_value() == fits && (!fits || *sum == exact),
                      std::to_string(a) + " + " + std::to_string(b) + " = " + ToString(exact));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = creditd::fuzz::AsText(data, size);
  if (input.size() < 4) {
    return 0;
  }
  std::optional<Currency> currency = Currency::FromCode(input.substr(0, 3));
  if (!currency) {
    currency = Currency::FromCode(kCodes[static_cast<unsigned char>(input[0]) % kCodes.size()]);
  }
  CREDITD_FUZZ_EXPECT(currency.has_value(), "a listed currency is unknown");
  const bool allow_negative = input[3] == '-';
  const std::string_view text = input.substr(4);
  CheckParse(text, *currency, allow_negative);
  CheckParse(text, *currency, !allow_negative);

  // The first bytes of the text, taken as numbers, for the formatting and addition checks.
  const auto numbers = creditd::fuzz::LeadingInt64s<2>(text);
  CheckFormat(numbers[0]);
  CheckAdd(numbers[0], numbers[1]);
  return 0;
}
