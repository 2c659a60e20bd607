#include "common/order_number.h"

#include <cstdio>

#include "common/check.h"

namespace creditd {

std::string FormatOrderNumber(char prefix, Timestamp day, int64_t sequence) {
  CREDITD_CHECK(sequence >= 1);
  CREDITD_CHECK(prefix >= 'A' && prefix <= 'Z');
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%c%s%03lld", prefix, FormatCompactDate(day).c_str(),
                static_cast<long long>(sequence));  // NOLINT(google-runtime-int)
  return buffer;
}

std::optional<OrderNumber> ParseOrderNumber(std::string_view text) {
  // One letter, eight date digits, then at least three sequence digits (at most 18 so it fits).
  if (text.size() < 12 || text.size() > 27 || text[0] < 'A' || text[0] > 'Z') {
    return std::nullopt;
  }
  for (size_t i = 1; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
  }
  const std::string date(text.substr(1, 8));
  const auto parsed = ParseRfc3339(date.substr(0, 4) + "-" + date.substr(4, 2) + "-" +
                                   date.substr(6, 2) + "T00:00:00Z");
  if (!parsed) {
    return std::nullopt;
  }
  int64_t sequence = 0;
  for (char c : text.substr(9)) {
    sequence = sequence * 10 + (c - '0');
  }
  if (sequence < 1 || (text.size() > 12 && text[9] == '0')) {
    return std::nullopt;  // Zero, or padded beyond the three-digit minimum: not canonical.
  }
  return OrderNumber{text[0], date, sequence};
}

}  // namespace creditd
