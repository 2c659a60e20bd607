#include "http/error_response.h"

namespace creditd::http {

int HttpStatusFor(const Status& status) {
  // Reasons whose HTTP status is more specific than their code's.
  const std::string_view reason = status.reason();
  if (reason == reason::kPayloadTooLarge.name) {
    return 413;
  }
  if (reason == reason::kHeadersTooLarge.name) {
    return 431;
  }
  if (reason == reason::kRequestTimeout.name) {
    return 408;
  }
  if (reason == reason::kMethodNotAllowed.name) {
    return 405;
  }
  if (reason == reason::kUnsupportedMediaType.name) {
    return 415;
  }
  if (reason == reason::kIdempotencyKeyReused.name) {
    return 422;  // DESIGN.md section 4 and the IETF Idempotency-Key draft.
  }
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    // A state conflict is a 409, following userver's kConflictState (STYLE.md B.3).
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kPaymentRequired:
      return 402;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kUpstreamError:
      return 502;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

Response Success(const nlohmann::json& data, int http_status) {
  Response response;
  response.status = http_status;
  // Assembled by hand to keep seed 002's field order: code, message, data.
  response.body = "{\"code\":" + std::to_string(http_status) + R"(,"message":"success","data":)" +
                  data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "}";
  return response;
}

Response ErrorResponse(const Status& status, std::string_view request_id) {
  Response response;
  response.status = HttpStatusFor(status);
  response.error_reason = std::string(status.reason());
  // Internal details never reach a client; the request id lets an operator find them in logs.
  const std::string message = status.code() == StatusCode::kInternal
                                  ? "internal error; quote the request id when reporting it"
                                  : status.message();
  nlohmann::json error = {{"reason", status.reason()}, {"request_id", request_id}};
  if (!status.field().empty()) {
    error["field"] = status.field();
  }
  const auto dump = [](const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  response.body = "{\"code\":" + std::to_string(response.status) + ",\"message\":" + dump(message) +
                  R"(,"data":null,"error":)" + dump(error) + "}";
  if (status.retry_after_seconds() > 0) {
    response.headers.emplace_back("Retry-After", std::to_string(status.retry_after_seconds()));
  }
  if (response.status == 401) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"creditd\"");
  }
  return response;
}

}  // namespace creditd::http
