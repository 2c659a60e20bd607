// Order numbers in seed 002's form: prefix letter, UTC date, daily sequence ("R20260122001").
//
// The sequence is at least three digits and grows beyond 999 without wrapping
// ("R202601221000"), so numbers stay unique and sort within a day. The store hands out the
// sequence (app/ports); this file only formats and parses. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace creditd {

// Known prefixes: recharge and membership orders of seed 002, subscription orders later.
inline constexpr char kRechargeOrderPrefix = 'R';
inline constexpr char kMembershipOrderPrefix = 'M';

struct OrderNumber {
  char prefix;
  std::string date;  // "YYYYMMDD", UTC.
  int64_t sequence;  // >= 1.
};

// Formats prefix + date of `day` + sequence zero-padded to three digits. `sequence` >= 1.
std::string FormatOrderNumber(char prefix, Timestamp day, int64_t sequence);

// Parses a number made by FormatOrderNumber; nullopt if it is not of that form.
std::optional<OrderNumber> ParseOrderNumber(std::string_view text);

}  // namespace creditd
