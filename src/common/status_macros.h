// Error propagation macros in the abseil style, as plain statements (no GNU extensions).
//
//   CREDITD_RETURN_IF_ERROR(uow.Commit());
//   CREDITD_ASSIGN_OR_RETURN(User user, users.FindByEmail(email));
#pragma once

#include <utility>

#include "common/result.h"
#include "common/status.h"

namespace creditd::internal {
inline const Status& GetStatus(const Status& status) {
  return status;
}
template <typename T>
const Status& GetStatus(const Result<T>& result) {
  return result.status();
}
}  // namespace creditd::internal

#define CREDITD_CONCAT_INNER(a, b) a##b
#define CREDITD_CONCAT(a, b) CREDITD_CONCAT_INNER(a, b)

// The temporary is named after the line so nested uses (a lambda inside the expression) do not
// shadow each other.
#define CREDITD_RETURN_IF_ERROR(expr) \
  CREDITD_RETURN_IF_ERROR_IMPL(CREDITD_CONCAT(creditd_status_or_, __LINE__), expr)
// `tmp` and `lhs` name or declare variables, so they cannot be parenthesized.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define CREDITD_RETURN_IF_ERROR_IMPL(tmp, expr)   \
  do {                                            \
    const auto& tmp = (expr);                     \
    if (!tmp.ok()) {                              \
      return ::creditd::internal::GetStatus(tmp); \
    }                                             \
  } while (false)

#define CREDITD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) {                                    \
    return std::move(tmp).status();                   \
  }                                                   \
  lhs = std::move(tmp).value()

#define CREDITD_ASSIGN_OR_RETURN(lhs, expr) \
  CREDITD_ASSIGN_OR_RETURN_IMPL(CREDITD_CONCAT(creditd_result_, __LINE__), lhs, expr)
// NOLINTEND(bugprone-macro-parentheses)
