#include "payments/creem/creem_signature.h"

#include <charconv>
#include <optional>

#include "common/status_macros.h"
#include "common/strings.h"
#include "payments/common/provider_crypto.h"

namespace creditd::payments::creem {

namespace {

Status Invalid(const char* header, const std::string& what) {
  return Status(reason::kInvalidSignature,
                "the Creem notification's " + std::string(header) + " header is wrong: " + what)
      .WithField(header);
}

// The HMAC key of the Standard Webhooks scheme: the secret's base64 payload.
std::optional<std::string> StandardKey(std::string_view secret) {
  if (secret.starts_with("whsec_")) {
    secret.remove_prefix(6);
  }
  // Padding is optional, as for the SDK's atob().
  while (secret.ends_with('=')) {
    secret.remove_suffix(1);
  }
  std::string padded(secret);
  padded.append((4 - padded.size() % 4) % 4, '=');
  std::optional<std::string> key = Base64Decode(padded);
  if (!key || key->empty()) {
    return std::nullopt;
  }
  return key;
}

Status VerifyStandard(std::string_view secret, const WebhookHeaders& headers, std::string_view body,
                      Timestamp now) {
  int64_t timestamp = 0;
  const auto [end, error] = std::from_chars(
      headers.timestamp.data(), headers.timestamp.data() + headers.timestamp.size(), timestamp);
  if (error != std::errc() || end != headers.timestamp.data() + headers.timestamp.size()) {
    return Invalid("webhook-timestamp", "not Unix seconds");
  }
  int64_t age = 0;
  if (__builtin_sub_overflow(ToUnixSeconds(now), timestamp, &age) || age > kToleranceSeconds ||
      age < -kToleranceSeconds) {
    return Invalid("webhook-timestamp", "more than 300 seconds from now");
  }
  const std::string expected = StandardSignature(secret, headers.id, timestamp, body);
  if (expected.empty()) {
    return Invalid("webhook-signature", "no signature matches the message")
        .WithInternalDetail(
            "CREEM_WEBHOOK_SECRET is not a Standard Webhooks secret (whsec_<base64>)");
  }
  // Several signatures may be listed (while a secret is rotated); any v1 one may match.
  std::string_view list = headers.signature;
  while (!list.empty()) {
    const size_t space = list.find(' ');
    const std::string_view entry = list.substr(0, space);
    list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
    if (entry.starts_with("v1,") && ConstantTimeEquals(entry, expected)) {
      return Status::Ok();
    }
  }
  return Invalid("webhook-signature", "no signature matches the message");
}

}  // namespace

bool IsStandardSecret(std::string_view secret) {
  return StandardKey(secret).has_value();
}

std::string StandardSignature(std::string_view secret, std::string_view id, int64_t timestamp,
                              std::string_view body) {
  const std::optional<std::string> key = StandardKey(secret);
  if (!key) {
    return "";
  }
  std::string message(id);
  message += '.';
  message += std::to_string(timestamp);
  message += '.';
  message += body;
  return "v1," + Base64Encode(HmacSha256(*key, message));
}

std::string LegacySignature(std::string_view secret, std::string_view body) {
  return HexEncode(HmacSha256(secret, body));
}

Result<WebhookScheme> VerifyWebhook(std::string_view secret, const WebhookHeaders& headers,
                                    std::string_view body, Timestamp now) {
  if (!headers.id.empty() && !headers.timestamp.empty() && !headers.signature.empty()) {
    CREDITD_RETURN_IF_ERROR(VerifyStandard(secret, headers, body, now));
    return WebhookScheme::kStandard;
  }
  std::string_view given = TrimAscii(headers.legacy_signature);
  if (given.empty()) {
    return Invalid("webhook-signature",
                   "missing (neither webhook-id, webhook-timestamp and webhook-signature nor "
                   "creem-signature were sent)");
  }
  if (given.starts_with("sha256=")) {
    given.remove_prefix(7);
  }
  if (!ConstantTimeEquals(ToLowerAscii(given), LegacySignature(secret, body))) {
    return Invalid("creem-signature", "it does not match the body");
  }
  return WebhookScheme::kLegacy;
}

}  // namespace creditd::payments::creem
