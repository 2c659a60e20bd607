// Money: an integer amount in a currency's minor units, with decimal text conversion.
//
// No floating point anywhere: "9.90" CNY is {990, CNY}. Parsing accepts exactly the currency's
// number of decimals or fewer and rejects signs where not allowed, exponents, spaces and values
// beyond int64. Arithmetic on two amounts of different currencies is a programming error
// (CREDITD_CHECK), as is overflow. Value type; thread-safe for distinct objects.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace creditd {

// An ISO 4217 currency we accept, with its minor-unit exponent (CNY 2, JPY 0, KWD 3).
class Currency {
 public:
  // Returns the currency for an upper-case ISO code, or nullopt for an unknown one.
  static std::optional<Currency> FromCode(std::string_view code);
  // The product's home currency (the seeds sell in CNY): what a price is in until it is set.
  static constexpr Currency Cny() { return Currency({'C', 'N', 'Y'}, 2); }

  std::string_view code() const { return {code_.data(), code_.size()}; }
  int exponent() const { return exponent_; }

  friend bool operator==(const Currency& a, const Currency& b) { return a.code_ == b.code_; }

 private:
  constexpr Currency(std::array<char, 3> code, int exponent) : code_(code), exponent_(exponent) {}
  std::array<char, 3> code_;
  int exponent_;
};

class Money {
 public:
  constexpr Money(int64_t amount_minor, Currency currency)
      : amount_minor_(amount_minor), currency_(currency) {}

  // Parses a decimal string such as "9.90", "100", "0.5" in `currency`. Negative amounts are
  // refused unless `allow_negative`. Returns kInvalidArgument/"invalid_amount" for anything else
  // (too many decimals, exponents, spaces, empty) and "amount_overflow" beyond int64.
  static Result<Money> Parse(std::string_view text, Currency currency, bool allow_negative = false);

  constexpr int64_t amount_minor() const { return amount_minor_; }
  constexpr const Currency& currency() const { return currency_; }

  // Formats with exactly the currency's decimals: {990, CNY} -> "9.90", {-5, CNY} -> "-0.05".
  std::string ToDecimalString() const;

  // Sums two amounts of the same currency. Aborts on a currency mismatch or overflow.
  Money operator+(const Money& other) const;
  Money operator-(const Money& other) const;

  friend bool operator==(const Money& a, const Money& b) {
    return a.amount_minor_ == b.amount_minor_ && a.currency_ == b.currency_;
  }

 private:
  int64_t amount_minor_;
  Currency currency_;
};

// Formats a minor-unit amount with `exponent` decimals (990, 2 -> "9.90").
std::string FormatMinorUnits(int64_t amount_minor, int exponent);

// Adds with overflow detection; nullopt when the sum does not fit in int64.
std::optional<int64_t> CheckedAdd(int64_t a, int64_t b);

}  // namespace creditd
