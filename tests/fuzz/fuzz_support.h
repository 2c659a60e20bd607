// Shared by the libFuzzer targets of tests/fuzz (see tests/fuzz/CMakeLists.txt).
//
// A target does more than survive its input: it checks properties of the code under test (a
// round trip, agreement with a small reference model) with CREDITD_FUZZ_EXPECT, which prints
// the property and aborts. libFuzzer then saves the input as a crash, like a sanitizer report,
// so a target finds logic bugs as well as memory errors.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// libFuzzer's entry point, defined once per target.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace creditd::fuzz {

// Prints the violated property with its location and `detail`, then aborts. Never returns.
[[noreturn]] inline void PropertyFailed(const char* property, const char* file, int line,
                                        const std::string& detail) {
  std::fprintf(stderr, "fuzz property violated: %s at %s:%d\n  %s\n", property, file, line,
               detail.c_str());
  std::fflush(stderr);
  std::abort();
}

// The fuzzer's bytes as text.
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Quotes `text` for a failure message, escaping bytes outside printable ASCII.
inline std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    }
  }
  return out + "\"";
}

// The pieces of `text` between the separators, empty ones included: "a&&b" is {"a", "", "b"},
// "" is {""}.
inline std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (true) {
    const size_t end = text.find(separator, start);
    pieces.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) {
      return pieces;
    }
    start = end + 1;
  }
}

// The first bytes of the input as N arbitrary int64 (native byte order, zero where the bytes
// run out), for checks that want any number, the extremes included.
template <size_t N>
std::array<int64_t, N> LeadingInt64s(std::string_view bytes) {
  std::array<int64_t, N> numbers{};
  if (!bytes.empty()) {
    std::memcpy(numbers.data(), bytes.data(), std::min(bytes.size(), sizeof numbers));
  }
  return numbers;
}

// The nesting depth of a parsed nlohmann JSON value (json or ordered_json): the root is at
// depth 0, a value inside it at depth 1, as http/json_reader.cc counts. Walks without recursion,
// so deep inputs cannot exhaust the stack here.
template <typename Json>
int JsonDepth(const Json& root) {
  int deepest = 0;
  std::vector<std::pair<const Json*, int>> stack = {{&root, 0}};
  while (!stack.empty()) {
    const auto [value, depth] = stack.back();
    stack.pop_back();
    deepest = std::max(deepest, depth);
    if (value->is_structured()) {
      for (const auto& item : *value) {
        stack.emplace_back(&item, depth + 1);
      }
    }
  }
  return deepest;
}

}  // namespace creditd::fuzz

// Checks a property; `detail` (a std::string expression, evaluated only on failure) says what
// was seen.
#define CREDITD_FUZZ_EXPECT(condition, detail)                                   \
  do {                                                                           \
    if (!(condition)) {                                                          \
      ::creditd::fuzz::PropertyFailed(#condition, __FILE__, __LINE__, (detail)); \
    }                                                                            \
  } while (false)
