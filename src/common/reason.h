// The fixed table of error reasons: the stable, snake_case identifiers clients branch on.
//
// Every failure a user can meet is a Status built from one of these constants, so a reason can
// only come from this table. Reasons are API: never rename or reuse one, and give each a row in
// docs/errors.md (tools/check_error_reasons.sh enforces both). Header-only, constexpr, thread-safe.
#pragma once

#include <array>
#include <string_view>

namespace creditd {

// The canonical subset of status codes we use, plus kPaymentRequired (STYLE.md B.3). The HTTP
// status of each is chosen in exactly one place, src/http/error_response.cc.
enum class StatusCode {
  kOk,
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kAborted,
  kPaymentRequired,
  kResourceExhausted,
  kUnavailable,
  kDeadlineExceeded,
  kUnimplemented,
  kUpstreamError,  // A provider creditd called refused or failed the request (HTTP 502).
  kInternal,
};

// Returns the snake_case name of `code` ("invalid_argument"), for logs.
std::string_view StatusCodeName(StatusCode code);

// One error reason: its wire name and the status code it always carries.
struct Reason {
  std::string_view name;
  StatusCode code;
};

namespace reason {

// Request shape and transport (http/).
inline constexpr Reason kMalformedJson{"malformed_json", StatusCode::kInvalidArgument};
inline constexpr Reason kInvalidField{"invalid_field", StatusCode::kInvalidArgument};
inline constexpr Reason kMissingField{"missing_field", StatusCode::kInvalidArgument};
inline constexpr Reason kUnknownField{"unknown_field", StatusCode::kInvalidArgument};
inline constexpr Reason kInvalidQuery{"invalid_query", StatusCode::kInvalidArgument};
inline constexpr Reason kUnsupportedMediaType{"unsupported_media_type",
                                              StatusCode::kInvalidArgument};
inline constexpr Reason kPayloadTooLarge{"payload_too_large", StatusCode::kInvalidArgument};
inline constexpr Reason kHeadersTooLarge{"headers_too_large", StatusCode::kInvalidArgument};
inline constexpr Reason kRequestTimeout{"request_timeout", StatusCode::kInvalidArgument};
inline constexpr Reason kBadRequest{"bad_request", StatusCode::kInvalidArgument};
inline constexpr Reason kRouteNotFound{"route_not_found", StatusCode::kNotFound};
inline constexpr Reason kMethodNotAllowed{"method_not_allowed", StatusCode::kInvalidArgument};

// Authentication and authorization.
inline constexpr Reason kUnauthenticated{"unauthenticated", StatusCode::kUnauthenticated};
inline constexpr Reason kInvalidToken{"invalid_token", StatusCode::kUnauthenticated};
inline constexpr Reason kTokenExpired{"token_expired", StatusCode::kUnauthenticated};
inline constexpr Reason kInvalidCredentials{"invalid_credentials", StatusCode::kUnauthenticated};
inline constexpr Reason kInvalidRefreshToken{"invalid_refresh_token", StatusCode::kUnauthenticated};
inline constexpr Reason kRefreshTokenReused{"refresh_token_reused", StatusCode::kUnauthenticated};
inline constexpr Reason kForbidden{"forbidden", StatusCode::kPermissionDenied};
inline constexpr Reason kTooManyAttempts{"too_many_attempts", StatusCode::kResourceExhausted};
inline constexpr Reason kEmailTaken{"email_taken", StatusCode::kAlreadyExists};
inline constexpr Reason kInvalidEmail{"invalid_email", StatusCode::kInvalidArgument};
inline constexpr Reason kInvalidPassword{"invalid_password", StatusCode::kInvalidArgument};

// Accounts and the ledger.
inline constexpr Reason kUserNotFound{"user_not_found", StatusCode::kNotFound};
inline constexpr Reason kAccountNotFound{"account_not_found", StatusCode::kNotFound};
inline constexpr Reason kInsufficientCredits{"insufficient_credits", StatusCode::kPaymentRequired};
inline constexpr Reason kInvalidAmount{"invalid_amount", StatusCode::kInvalidArgument};
inline constexpr Reason kAmountOverflow{"amount_overflow", StatusCode::kInvalidArgument};
inline constexpr Reason kIdempotencyKeyReused{"idempotency_key_reused", StatusCode::kAborted};
inline constexpr Reason kIdempotencyKeyInFlight{"idempotency_key_in_flight", StatusCode::kAborted};
inline constexpr Reason kInvalidIdempotencyKey{"invalid_idempotency_key",
                                               StatusCode::kInvalidArgument};

// Orders and payments (seed 002).
inline constexpr Reason kPriceNotFound{"price_not_found", StatusCode::kNotFound};
inline constexpr Reason kOrderNotFound{"order_not_found", StatusCode::kNotFound};
inline constexpr Reason kInvalidPaymentMethod{"invalid_payment_method",
                                              StatusCode::kInvalidArgument};
inline constexpr Reason kPaymentMethodUnavailable{"payment_method_unavailable",
                                                  StatusCode::kUnimplemented};
inline constexpr Reason kOrderExpired{"order_expired", StatusCode::kFailedPrecondition};
inline constexpr Reason kOrderNotPayable{"order_not_payable", StatusCode::kFailedPrecondition};
inline constexpr Reason kOrderNotCancellable{"order_not_cancellable",
                                             StatusCode::kFailedPrecondition};
inline constexpr Reason kOrderNotRefundable{"order_not_refundable",
                                            StatusCode::kFailedPrecondition};
inline constexpr Reason kSandboxDisabled{"sandbox_disabled", StatusCode::kPermissionDenied};

// API keys of tool backends.
inline constexpr Reason kInvalidApiKey{"invalid_api_key", StatusCode::kUnauthenticated};
inline constexpr Reason kApiKeyNotFound{"api_key_not_found", StatusCode::kNotFound};

// Charges and holds (DESIGN.md section 4).
inline constexpr Reason kHoldAlreadyCaptured{"hold_already_captured",
                                             StatusCode::kFailedPrecondition};
inline constexpr Reason kHoldAlreadyReleased{"hold_already_released",
                                             StatusCode::kFailedPrecondition};
inline constexpr Reason kHoldExpired{"hold_expired", StatusCode::kFailedPrecondition};
inline constexpr Reason kCaptureExceedsHold{"capture_exceeds_hold", StatusCode::kInvalidArgument};
inline constexpr Reason kChargeNotFound{"charge_not_found", StatusCode::kNotFound};
inline constexpr Reason kChargeNotCaptured{"charge_not_captured", StatusCode::kFailedPrecondition};
inline constexpr Reason kRefundExceedsCaptured{"refund_exceeds_captured",
                                               StatusCode::kInvalidArgument};
inline constexpr Reason kToolNotFound{"tool_not_found", StatusCode::kNotFound};
inline constexpr Reason kUpgradeRequired{"upgrade_required", StatusCode::kPermissionDenied};
inline constexpr Reason kRunNotFound{"run_not_found", StatusCode::kNotFound};

// Payment provider webhooks.
inline constexpr Reason kInvalidSignature{"invalid_signature", StatusCode::kInvalidArgument};
inline constexpr Reason kProviderUnavailable{"provider_unavailable", StatusCode::kUnavailable};
inline constexpr Reason kProviderError{"provider_error", StatusCode::kUpstreamError};

// Subscriptions and teams.
inline constexpr Reason kSubscriptionExists{"subscription_exists", StatusCode::kAlreadyExists};
inline constexpr Reason kSubscriptionNotFound{"subscription_not_found", StatusCode::kNotFound};
inline constexpr Reason kAccountFrozen{"account_frozen", StatusCode::kPermissionDenied};
inline constexpr Reason kTeamNotFound{"team_not_found", StatusCode::kNotFound};
inline constexpr Reason kInvitationNotFound{"invitation_not_found", StatusCode::kNotFound};
inline constexpr Reason kInvitationPending{"invitation_pending", StatusCode::kAlreadyExists};
inline constexpr Reason kAlreadyMember{"already_member", StatusCode::kAlreadyExists};
inline constexpr Reason kOwnerCannotLeave{"owner_cannot_leave", StatusCode::kFailedPrecondition};

// Infrastructure.
inline constexpr Reason kDatabaseBusy{"database_busy", StatusCode::kUnavailable};
inline constexpr Reason kDatabaseError{"database_error", StatusCode::kInternal};
// A transaction lost a serialization race or a deadlock and may simply be run again; returned
// to clients only after InTransaction's retries are exhausted.
inline constexpr Reason kDatabaseConflict{"database_conflict", StatusCode::kUnavailable};
inline constexpr Reason kShuttingDown{"shutting_down", StatusCode::kUnavailable};
inline constexpr Reason kNotReady{"not_ready", StatusCode::kUnavailable};
inline constexpr Reason kInternal{"internal_error", StatusCode::kInternal};
inline constexpr Reason kConfigInvalid{"config_invalid", StatusCode::kInvalidArgument};

}  // namespace reason

// Every reason above, for the documentation cross-check and for lookups by name.
inline constexpr std::array kAllReasons = {
    reason::kMalformedJson,
    reason::kInvalidField,
    reason::kMissingField,
    reason::kUnknownField,
    reason::kInvalidQuery,
    reason::kUnsupportedMediaType,
    reason::kPayloadTooLarge,
    reason::kHeadersTooLarge,
    reason::kRequestTimeout,
    reason::kBadRequest,
    reason::kRouteNotFound,
    reason::kMethodNotAllowed,
    reason::kUnauthenticated,
    reason::kInvalidToken,
    reason::kTokenExpired,
    reason::kInvalidCredentials,
    reason::kInvalidRefreshToken,
    reason::kRefreshTokenReused,
    reason::kForbidden,
    reason::kTooManyAttempts,
    reason::kEmailTaken,
    reason::kInvalidEmail,
    reason::kInvalidPassword,
    reason::kUserNotFound,
    reason::kAccountNotFound,
    reason::kInsufficientCredits,
    reason::kInvalidAmount,
    reason::kAmountOverflow,
    reason::kIdempotencyKeyReused,
    reason::kIdempotencyKeyInFlight,
    reason::kInvalidIdempotencyKey,
    reason::kDatabaseBusy,
    reason::kDatabaseError,
    reason::kShuttingDown,
    reason::kNotReady,
    reason::kInternal,
    reason::kConfigInvalid,
    reason::kDatabaseConflict,
    reason::kPriceNotFound,
    reason::kOrderNotFound,
    reason::kInvalidPaymentMethod,
    reason::kPaymentMethodUnavailable,
    reason::kOrderExpired,
    reason::kOrderNotPayable,
    reason::kOrderNotCancellable,
    reason::kOrderNotRefundable,
    reason::kSandboxDisabled,
    reason::kHoldAlreadyCaptured,
    reason::kHoldAlreadyReleased,
    reason::kHoldExpired,
    reason::kCaptureExceedsHold,
    reason::kInvalidApiKey,
    reason::kApiKeyNotFound,
    reason::kChargeNotFound,
    reason::kChargeNotCaptured,
    reason::kRefundExceedsCaptured,
    reason::kToolNotFound,
    reason::kUpgradeRequired,
    reason::kRunNotFound,
    reason::kInvalidSignature,
    reason::kProviderUnavailable,
    reason::kProviderError,
    reason::kSubscriptionExists,
    reason::kSubscriptionNotFound,
    reason::kAccountFrozen,
    reason::kTeamNotFound,
    reason::kInvitationNotFound,
    reason::kInvitationPending,
    reason::kAlreadyMember,
    reason::kOwnerCannotLeave,
};

}  // namespace creditd
