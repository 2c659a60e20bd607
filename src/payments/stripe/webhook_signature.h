// Stripe webhook signatures (PROTOCOLS.md section 4.1): the `Stripe-Signature` header is
// `t=<unix seconds>,v1=<hex>[,v1=<hex>...][,v0=...]`; each v1 is
// hex(HMAC-SHA256(endpoint secret as-is, "<t>.<raw body>")). A request is genuine when any v1
// matches (compared in constant time; several v1 appear while a rolled secret is still valid)
// and t is within the tolerance of now, in either direction (stripe-node checks only the past;
// a t from the future is refused here too). Other schemes (v0) are ignored.
//
// Pure functions over OpenSSL; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::payments::stripe {

// Stripe's default tolerance for the signed timestamp.
inline constexpr std::chrono::seconds kSignatureTolerance{300};

// Returns hex(HMAC-SHA256(secret, timestamp + "." + payload)), lower case.
std::string ComputeSignature(std::string_view secret, int64_t timestamp, std::string_view payload);

// Checks a Stripe-Signature header against the raw body. Returns OK, or
// kInvalidArgument/"invalid_signature" (field "Stripe-Signature") when the header is missing
// or malformed, no v1 matches, or the timestamp is more than `tolerance` before or after `now`.
Status VerifySignature(std::string_view header, std::string_view payload, std::string_view secret,
                       Timestamp now, std::chrono::seconds tolerance = kSignatureTolerance);

}  // namespace creditd::payments::stripe
