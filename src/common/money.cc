#include "common/money.h"

#include <algorithm>
#include <limits>

#include "common/check.h"

namespace creditd {

namespace {

struct CurrencyRow {
  std::string_view code;
  int exponent;
};

// The currencies the product sells in. Exponents from ISO 4217; extend as markets are added.
constexpr CurrencyRow kCurrencies[] = {
    {"CNY", 2}, {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2}, {"SGD", 2}, {"AUD", 2},
    {"CAD", 2}, {"CHF", 2}, {"TWD", 2}, {"JPY", 0}, {"KRW", 0}, {"KWD", 3}, {"BHD", 3},
};

}  // namespace

std::optional<Currency> Currency::FromCode(std::string_view code) {
  for (const auto& row : kCurrencies) {
    if (row.code == code) {
      return Currency({row.code[0], row.code[1], row.code[2]}, row.exponent);
    }
  }
  return std::nullopt;
}

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t out = 0;
  if (__builtin_add_overflow(a, b, &out)) {
    return std::nullopt;
  }
  return out;
}

Result<Money> Money::Parse(std::string_view text, Currency currency, bool allow_negative) {
  const auto invalid = [&] {
    return Status(reason::kInvalidAmount, "amount must be a decimal number with at most " +
                                              std::to_string(currency.exponent()) +
                                              " decimals, like \"9.90\"");
  };
  bool negative = false;
  if (!text.empty() && text.front() == '-') {
    if (!allow_negative) {
      return Status(reason::kInvalidAmount, "amount must not be negative");
    }
    negative = true;
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  const auto is_digits = [](std::string_view part) {
    return std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  // The whole text is checked before any digit is accumulated, so malformed text is always
  // "invalid_amount", never "amount_overflow" because of a long run of digits before the fault.
  if (whole.empty() || (dot != std::string_view::npos && fraction.empty()) ||
      fraction.size() > static_cast<size_t>(currency.exponent()) || !is_digits(whole) ||
      !is_digits(fraction)) {
    return invalid();
  }
  // Accumulate as a negative number so INT64_MIN's magnitude is reachable, then flip.
  int64_t value = 0;
  const auto push_digit = [&](char c) -> bool {
    return !__builtin_mul_overflow(value, 10, &value) &&
           !__builtin_sub_overflow(value, c - '0', &value);
  };
  for (char c : whole) {
    if (!push_digit(c)) {
      return Status(reason::kAmountOverflow, "amount is too large");
    }
  }
  for (size_t i = 0; i < static_cast<size_t>(currency.exponent()); ++i) {
    if (!push_digit(i < fraction.size() ? fraction[i] : '0')) {
      return Status(reason::kAmountOverflow, "amount is too large");
    }
  }
  if (!negative) {
    if (value == std::numeric_limits<int64_t>::min()) {
      return Status(reason::kAmountOverflow, "amount is too large");
    }
    value = -value;
  }
  return Money(value, currency);
}

std::string FormatMinorUnits(int64_t amount_minor, int exponent) {
  // Work on the unsigned magnitude so INT64_MIN formats correctly.
  const bool negative = amount_minor < 0;
  uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(amount_minor) : static_cast<uint64_t>(amount_minor);
  std::string digits = std::to_string(magnitude);
  if (exponent > 0) {
    const auto width = static_cast<size_t>(exponent) + 1;
    if (digits.size() < width) {
      digits.insert(0, width - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(exponent), 1, '.');
  }
  return negative ? "-" + digits : digits;
}

std::string Money::ToDecimalString() const {
  return FormatMinorUnits(amount_minor_, currency_.exponent());
}

Money Money::operator+(const Money& other) const {
  CREDITD_CHECK(currency_ == other.currency_);
  const auto sum = CheckedAdd(amount_minor_, other.amount_minor_);
  CREDITD_CHECK(sum.has_value());
  return {*sum, currency_};
}

Money Money::operator-(const Money& other) const {
  CREDITD_CHECK(currency_ == other.currency_);
  int64_t out = 0;
  CREDITD_CHECK(!__builtin_sub_overflow(amount_minor_, other.amount_minor_, &out));
  return {out, currency_};
}

}  // namespace creditd
