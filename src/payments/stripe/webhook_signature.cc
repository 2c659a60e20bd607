#include "payments/stripe/webhook_signature.h"

#include <charconv>
#include <vector>

#include "common/strings.h"
#include "payments/common/provider_crypto.h"

namespace creditd::payments::stripe {

namespace {

Status Invalid(std::string message) {
  return Status(reason::kInvalidSignature, std::move(message)).WithField("Stripe-Signature");
}

}  // namespace

std::string ComputeSignature(std::string_view secret, int64_t timestamp, std::string_view payload) {
  return HexEncode(HmacSha256(secret, std::to_string(timestamp) + "." + std::string(payload)));
}

Status VerifySignature(std::string_view header, std::string_view payload, std::string_view secret,
                       Timestamp now, std::chrono::seconds tolerance) {
  if (header.empty() || header.size() > 4096) {
    return Invalid("the Stripe-Signature header is missing");
  }
  int64_t timestamp = 0;
  bool has_timestamp = false;
  std::vector<std::string_view> signatures;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    const std::string_view pair = TrimAscii(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos) {
      continue;
    }
    const std::string_view key = pair.substr(0, equals);
    const std::string_view value = pair.substr(equals + 1);
    if (key == "t") {
      const auto [end, error] =
          std::from_chars(value.data(), value.data() + value.size(), timestamp);
      has_timestamp = error == std::errc() && end == value.data() + value.size();
    } else if (key == "v1") {
      signatures.push_back(value);
    }
  }
  if (!has_timestamp || signatures.empty()) {
    return Invalid("the Stripe-Signature header has no timestamp or no v1 signature");
  }
  const std::string expected = ComputeSignature(secret, timestamp, payload);
  bool matched = false;
  for (const std::string_view signature : signatures) {
    // Every candidate is compared in full and in constant time.
    matched |= ConstantTimeEquals(signature, expected);
  }
  if (!matched) {
    return Invalid("no v1 signature matches the payload");
  }
  // t is whatever int64 the header carries; the age overflows only for a t so far from `now`
  // that it is beyond any tolerance. A t ahead of `now` by more than the tolerance is refused
  // too (issue 16 point 5): a signature made for later is no fresher than one made long ago.
  int64_t age = 0;
  if (tolerance.count() > 0 && (__builtin_sub_overflow(ToUnixSeconds(now), timestamp, &age) ||
                                age > tolerance.count() || age < -tolerance.count())) {
    return Invalid("the signed timestamp is outside the tolerance");
  }
  return Status::Ok();
}

}  // namespace creditd::payments::stripe
