// Creem's webhook signatures (../shared/PROTOCOLS-2.md 2.4; npm `creem` 1.13.0, webhooks.ts):
//   - Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix seconds) and
//     `webhook-signature: v1,<base64 HMAC-SHA256>` (a space-separated list; any v1 entry may
//     match) over "<id>.<timestamp>.<body>", keyed by the base64-decoded webhook secret without
//     its "whsec_" prefix. A timestamp more than 300 s from now, either way, is refused.
//   - Legacy: `creem-signature: <hex HMAC-SHA256>` of the body, keyed by the secret's bytes as
//     given. It signs no timestamp: the caller bounds the age of the signed event instead
//     (CreemProvider checks the envelope's created_at).
// Pure (the caller passes now); thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::payments::creem {

// How far a Standard Webhooks timestamp may be from now, either way.
inline constexpr int64_t kToleranceSeconds = 300;

// The signature headers of a notification (empty when absent).
struct WebhookHeaders {
  std::string_view id;                // webhook-id
  std::string_view timestamp;         // webhook-timestamp
  std::string_view signature;         // webhook-signature
  std::string_view legacy_signature;  // creem-signature (or x-creem-signature)
};

enum class WebhookScheme { kStandard, kLegacy };

// Which scheme verified `body` under `secret` at `now`: Standard Webhooks when its three headers
// are present (the legacy header is then not consulted), else the legacy header. Errors:
// "invalid_signature" with field naming the header at fault (missing headers, a timestamp that
// is not Unix seconds or is more than 300 s from now, no matching signature).
Result<WebhookScheme> VerifyWebhook(std::string_view secret, const WebhookHeaders& headers,
                                    std::string_view body, Timestamp now);

// Whether `secret` can verify Standard Webhooks signatures: "whsec_" (optional) and base64
// (padding optional). A secret that cannot verifies the legacy header only.
bool IsStandardSecret(std::string_view secret);

// The `v1,<base64>` signature of a Standard Webhooks message, or "" when `secret` (without
// "whsec_") is not base64. For tests and the fuzz target.
std::string StandardSignature(std::string_view secret, std::string_view id, int64_t timestamp,
                              std::string_view body);

// The lowercase hex legacy signature of `body`.
std::string LegacySignature(std::string_view secret, std::string_view body);

}  // namespace creditd::payments::creem
