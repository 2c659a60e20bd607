// Shared by the libFuzzer targets of tests/fuzz (see tests/fuzz/CMakeLists.txt).
//
// A target does more than survive its input: it checks properties of the code under test (a
// round trip, agreement with a small reference model) with CREDITD_FUZZ_EXPECT, which prints
// the property and aborts. libFuzzer then saves the input as a crash, like a sanitizer report,
// so a target finds logic bugs as well as memory errors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

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

}  // namespace creditd::fuzz

// Checks a property; `detail` (a std::string expression, evaluated only on failure) says what
// was seen.
#define CREDITD_FUZZ_EXPECT(condition, detail)                                   \
  do {                                                                           \
    if (!(condition)) {                                                          \
      ::creditd::fuzz::PropertyFailed(#condition, __FILE__, __LINE__, (detail)); \
    }                                                                            \
  } while (false)
