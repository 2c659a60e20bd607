// ParseEnumName: looks a wire name up in a table of names indexed by enum value. Internal helper
// of domain/*.cc. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace creditd::domain {

// Returns the enum whose index in `names` holds `name`, or nullopt.
template <typename Enum, size_t N>
std::optional<Enum> ParseEnumName(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) {
      return static_cast<Enum>(i);
    }
  }
  return std::nullopt;
}

}  // namespace creditd::domain
