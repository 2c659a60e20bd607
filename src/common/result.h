// Result<T>: a value of type T or a non-OK Status (our C++20 stand-in for std::expected).
//
// Converts implicitly from T and from a non-OK Status, so functions can `return value;` and
// `return status;`. Reading value() of a failed Result is a programming error and aborts.
// Thread-safety is that of T.
#pragma once

#include <optional>
#include <utility>

#include "common/check.h"
#include "common/status.h"

namespace creditd {

template <typename T>
class [[nodiscard]] Result {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): implicit by design, like absl::StatusOr.
  Result(T value) : value_(std::move(value)) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) { CREDITD_CHECK(!status_.ok()); }

  bool ok() const { return value_.has_value(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  T& value() & {
    CREDITD_CHECK(ok());
    return *value_;
  }
  const T& value() const& {
    CREDITD_CHECK(ok());
    return *value_;
  }
  T value() && {
    CREDITD_CHECK(ok());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  void IgnoreError() const {}

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace creditd
