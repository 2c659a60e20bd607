// Status: the outcome of an operation that can fail, carried across every layer boundary.
//
// A non-OK Status holds a code, a stable reason from reason.h, a message safe to show a client,
// optionally the request field it concerns, a Retry-After hint and an internal detail that only
// reaches logs. The OK status does not allocate. Status is a value type; distinct objects may be
// used from different threads, one object is not synchronized.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/reason.h"

namespace creditd {

class [[nodiscard]] Status {
 public:
  // The OK status.
  Status() = default;
  // A failure with `reason` and a client-facing `message`.
  Status(const Reason& reason, std::string message);

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status Ok() { return {}; }

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // Returns the stable reason ("insufficient_credits"), or "" when OK.
  std::string_view reason() const { return rep_ ? rep_->reason : std::string_view(); }
  const std::string& message() const;
  // The request field this error concerns ("email", "limit"), or "".
  const std::string& field() const;
  // Detail for logs only; never sent to a client.
  const std::string& internal_detail() const;
  // Seconds a client should wait before retrying (429/503), 0 when not set.
  int64_t retry_after_seconds() const { return rep_ ? rep_->retry_after_seconds : 0; }

  // Builders; each returns the status with the attribute set. No effect on an OK status.
  Status WithField(std::string field) &&;
  Status WithInternalDetail(std::string detail) &&;
  Status WithRetryAfter(int64_t seconds) &&;

  // Marks a deliberately ignored status, so such places can be found with grep.
  void IgnoreError() const {}

  // "invalid_field: limit must be at most 100 [field=limit]", for logs and tests.
  std::string ToString() const;

 private:
  struct Rep {
    StatusCode code;
    std::string_view reason;  // Points into the static reason table.
    std::string message;
    std::string field;
    std::string internal_detail;
    int64_t retry_after_seconds = 0;
  };
  std::unique_ptr<Rep> rep_;
};

inline bool operator==(const Status& a, const Status& b) {
  return a.code() == b.code() && a.reason() == b.reason();
}

}  // namespace creditd
