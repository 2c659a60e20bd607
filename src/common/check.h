// Always-on and debug-only assertions for programmer errors and money invariants.
//
// CREDITD_CHECK stays on in release builds (STYLE.md B.3): it guards invariants whose breach
// would corrupt money, such as a ledger balance that no longer equals its entries. Never use it
// on input or environment; those are Status values. Thread-safe.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace creditd::internal {

// Prints the failed condition with its location and aborts. Never returns.
[[noreturn]] inline void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "CHECK failed: %s at %s:%d\n", condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace creditd::internal

#define CREDITD_CHECK(condition)                                        \
  do {                                                                  \
    if (!(condition)) {                                                 \
      ::creditd::internal::CheckFailed(#condition, __FILE__, __LINE__); \
    }                                                                   \
  } while (false)

#ifdef NDEBUG
#define CREDITD_DCHECK(condition) \
  do {                            \
  } while (false && (condition))
#else
#define CREDITD_DCHECK(condition) CREDITD_CHECK(condition)
#endif
