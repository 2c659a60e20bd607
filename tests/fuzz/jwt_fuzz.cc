// Fuzzes the HS256 access tokens of security/jwt.h and the base64url codec under them:
//   - Base64UrlDecode(Base64UrlEncode(x)) == x for any bytes, and every text that decodes is
//     the one encoding of its bytes (no padding, zero leftover bits);
//   - Decode on the token as given: refused unless the signature verifies under our key;
//   - the token's header and payload re-signed with our key (so the fuzzer reaches the claim
//     checks without forging a MAC): VerifyHs256 returns the payload exactly when the header
//     pins {"alg":"HS256"} and has no "crit", and Decode agrees with a reference reading of the
//     claims (iss, aud, exp, nbf, iat, sub as a positive decimal int64, sid, role);
//   - claims that decode re-encode to a token that decodes to the same claims and re-encodes
//     identically.
//
// Input: a compact JWT, header.payload.signature; a part that is not base64url is taken as
// the JSON text itself, so "{...}.{...}." also works.
#include <charconv>
#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_support.h"
#include "security/crypto.h"
#include "security/jwt.h"

namespace {

using creditd::Timestamp;
using creditd::fuzz::Quote;
using creditd::security::Base64UrlDecode;
using creditd::security::Base64UrlEncode;
using nlohmann::json;

// The key of src/security/jwt_test.cc (at least kJwtSecretBytesMin bytes) and a fixed "now".
constexpr std::string_view kSecret = "0123456789abcdef0123456789abcdef-test-key";
constexpr int64_t kNowSeconds = 1'800'000'000;

// Checks the codec on `text` both ways; returns Base64UrlDecode(text).
std::optional<std::string> CheckBase64Url(std::string_view text) {
  auto decoded = Base64UrlDecode(text);
  if (decoded) {
    CREDITD_FUZZ_EXPECT(
        Base64UrlEncode(*decoded) == text,
        Quote(text) + " decodes to " + Quote(*decoded) + ", which encodes differently");
  }
  const std::string encoded = Base64UrlEncode(text);
  const auto back = Base64UrlDecode(encoded);
  CREDITD_FUZZ_EXPECT(back && *back == text, Quote(text) + " encodes as " + Quote(encoded));
  return decoded;
}

bool HeaderPinsHs256(const std::string& header_json) {
  const json header = json::parse(header_json, nullptr, /*allow_exceptions=*/false);
  return header.is_object() && header.contains("alg") && header["alg"] == "HS256" &&
         !header.contains("crit");
}

std::optional<std::string> StringClaim(const json& payload, const char* name) {
  const auto it = payload.find(name);
  return it != payload.end() && it->is_string() ? std::optional(it->get<std::string>())
                                                : std::nullopt;
}

// An integer claim that fits int64 (a NumericDate beyond it is no date creditd can hold).
std::optional<int64_t> IntClaim(const json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_number_integer()) {
    return std::nullopt;
  }
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  return it->get<int64_t>();
}

// What Decode should answer for a token whose signature verifies: "" with `claims` filled,
// or the reason of the refusal.
std::string_view ReferenceDecode(const std::string& header_json, const std::string& payload_json,
                                 creditd::app::AccessClaims& claims) {
  if (!HeaderPinsHs256(header_json)) {
    return "invalid_token";
  }
  const json payload = json::parse(payload_json, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object() || StringClaim(payload, "iss") != creditd::security::kJwtIssuer) {
    return "invalid_token";
  }
  bool audience_ok = StringClaim(payload, "aud") == creditd::security::kJwtAudience;
  if (const auto aud = payload.find("aud"); aud != payload.end() && aud->is_array()) {
    for (const auto& item : *aud) {
      audience_ok = audience_ok || (item.is_string() && item == creditd::security::kJwtAudience);
    }
  }
  const auto exp = IntClaim(payload, "exp");
  const auto iat = IntClaim(payload, "iat");
  const auto sub = StringClaim(payload, "sub");
  const auto sid = StringClaim(payload, "sid");
  const auto role = StringClaim(payload, "role");
  if (!audience_ok || !exp || !iat || !sub || !sid || !role) {
    return "invalid_token";
  }
  if (payload.contains("nbf") && payload["nbf"].is_number_integer()) {
    const auto nbf = IntClaim(payload, "nbf");
    if (!nbf || *nbf > kNowSeconds) {
      return "invalid_token";  // Not valid yet (or not before a date beyond int64).
    }
  }
  if (*exp <= kNowSeconds) {
    return "token_expired";
  }
  // sub is the user id as Encode writes it: decimal digits only, positive, within int64.
  // from_chars reads -?[0-9]+ and nothing else (no '+', no blanks), so a sub that is empty or
  // starts with another byte fails it, and one that starts with '-' fails it or reads as <= 0.
  int64_t user_id = 0;
  const auto [end, error] = std::from_chars(sub->data(), sub->data() + sub->size(), user_id);
  const auto parsed_role = creditd::domain::ParseRole(*role);
  if (error != std::errc() || end != sub->data() + sub->size() || user_id <= 0 || !parsed_role) {
    return "invalid_token";
  }
  claims.user_id = user_id;
  claims.role = *parsed_role;
  claims.session_id = *sid;
  claims.issued_at = creditd::FromUnixSeconds(*iat);
  claims.expires_at = creditd::FromUnixSeconds(*exp);
  return "";
}

bool SameClaims(const creditd::app::AccessClaims& a, const creditd::app::AccessClaims& b) {
  return a.user_id == b.user_id && a.role == b.role && a.session_id == b.session_id &&
         a.issued_at == b.issued_at && a.expires_at == b.expires_at;
}

std::string Describe(const creditd::Result<creditd::app::AccessClaims>& decoded) {
  if (!decoded.ok()) {
    return decoded.status().ToString();
  }
  return "user " + std::to_string(decoded->user_id) + " sid " + Quote(decoded->session_id) +
         " iat " + std::to_string(creditd::ToUnixSeconds(decoded->issued_at)) + " exp " +
         std::to_string(creditd::ToUnixSeconds(decoded->expires_at));
}

void CheckDecode(creditd::security::Hs256AccessTokenCodec& codec, const std::string& token,
                 const std::string& header_json, const std::string& payload_json) {
  const Timestamp now = creditd::FromUnixSeconds(kNowSeconds);
  const auto decoded = codec.Decode(token, now);
  creditd::app::AccessClaims expected;
  const std::string_view reason = ReferenceDecode(header_json, payload_json, expected);
  const std::string context = "header " + Quote(header_json) + " payload " + Quote(payload_json);
  if (!reason.empty()) {
    CREDITD_FUZZ_EXPECT(!decoded.ok() && decoded.status().reason() == reason,
                        context + ": " + Describe(decoded) + ", expected " + std::string(reason));
    return;
  }
  CREDITD_FUZZ_EXPECT(decoded.ok() && SameClaims(*decoded, expected),
                      context + ": " + Describe(decoded));
  // Claims that decode re-encode to a canonical token with the same claims.
  const std::string reencoded = codec.Encode(*decoded);
  const auto again = codec.Decode(reencoded, now);
  CREDITD_FUZZ_EXPECT(again.ok() && SameClaims(*again, *decoded),
                      context + " re-encoded as " + reencoded + ": " + Describe(again));
  CREDITD_FUZZ_EXPECT(codec.Encode(*again) == reencoded, context + " re-encodes differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view token = creditd::fuzz::AsText(data, size);
  creditd::security::Hs256AccessTokenCodec codec{std::string(kSecret)};

  const size_t first = token.find('.');
  const size_t second =
      first == std::string_view::npos ? std::string_view::npos : token.find('.', first + 1);
  const std::string_view header_part = token.substr(0, first);
  const std::string_view payload_part =
      first == std::string_view::npos ? "" : token.substr(first + 1, second - first - 1);
  const auto header_bytes = CheckBase64Url(header_part);
  const auto payload_bytes = CheckBase64Url(payload_part);
  if (second != std::string_view::npos) {
    CheckBase64Url(token.substr(second + 1));
  }

  // The token as given: it decodes only if it verifies under our key.
  const auto payload = creditd::security::VerifyHs256(token, kSecret);
  if (payload) {
    CheckDecode(codec, std::string(token), *header_bytes, *payload);
  } else {
    const auto decoded = codec.Decode(token, creditd::FromUnixSeconds(kNowSeconds));
    CREDITD_FUZZ_EXPECT(!decoded.ok() && decoded.status().reason() == "invalid_token",
                        Quote(token) + ": " + Describe(decoded));
  }

  // Its header and payload re-signed with our key.
  const std::string header_json = header_bytes.value_or(std::string(header_part));
  const std::string payload_json = payload_bytes.value_or(std::string(payload_part));
  const std::string signed_token = creditd::security::SignHs256(header_json, payload_json, kSecret);
  const auto verified = creditd::security::VerifyHs256(signed_token, kSecret);
  CREDITD_FUZZ_EXPECT(verified.has_value() == HeaderPinsHs256(header_json),
                      "header " + Quote(header_json));
  CREDITD_FUZZ_EXPECT(!verified || *verified == payload_json, "payload " + Quote(payload_json));
  CREDITD_FUZZ_EXPECT(!creditd::security::VerifyHs256(signed_token, std::string(kSecret) + "x"),
                      "verified under another key");
  CheckDecode(codec, signed_token, header_json, payload_json);
  return 0;
}
