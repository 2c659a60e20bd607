#include "common/status.h"

#include <utility>

#include "common/check.h"

namespace creditd {

namespace {
const std::string& EmptyString() {
  static const std::string kEmpty;
  return kEmpty;
}
}  // namespace

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kUnauthenticated:
      return "unauthenticated";
    case StatusCode::kPermissionDenied:
      return "permission_denied";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kAborted:
      return "aborted";
    case StatusCode::kPaymentRequired:
      return "payment_required";
    case StatusCode::kResourceExhausted:
      return "resource_exhausted";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kDeadlineExceeded:
      return "deadline_exceeded";
    case StatusCode::kUnimplemented:
      return "unimplemented";
    case StatusCode::kUpstreamError:
      return "upstream_error";
    case StatusCode::kInternal:
      return "internal";
  }
  return "unknown";
}

Status::Status(const Reason& reason, std::string message)
    : rep_(std::make_unique<Rep>(Rep{reason.code, reason.name, std::move(message), {}, {}, 0})) {
  // An OK code with a reason would be a non-OK status that looks OK: a programming error.
  CREDITD_CHECK(reason.code != StatusCode::kOk);
}

Status::Status(const Status& other)
    : rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}

Status& Status::operator=(const Status& other) {
  if (this != &other) {
    rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
  }
  return *this;
}

const std::string& Status::message() const {
  return rep_ ? rep_->message : EmptyString();
}
const std::string& Status::field() const {
  return rep_ ? rep_->field : EmptyString();
}
const std::string& Status::internal_detail() const {
  return rep_ ? rep_->internal_detail : EmptyString();
}

Status Status::WithField(std::string field) && {
  if (rep_) {
    rep_->field = std::move(field);
  }
  return std::move(*this);
}

Status Status::WithInternalDetail(std::string detail) && {
  if (rep_) {
    rep_->internal_detail = std::move(detail);
  }
  return std::move(*this);
}

Status Status::WithRetryAfter(int64_t seconds) && {
  if (rep_) {
    rep_->retry_after_seconds = seconds;
  }
  return std::move(*this);
}

std::string Status::ToString() const {
  if (ok()) {
    return "ok";
  }
  std::string out(rep_->reason);
  out += ": ";
  out += rep_->message;
  if (!rep_->field.empty()) {
    out += " [field=" + rep_->field + "]";
  }
  if (!rep_->internal_detail.empty()) {
    out += " (" + rep_->internal_detail + ")";
  }
  return out;
}

}  // namespace creditd
