#include "security/jwt.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <nlohmann/json.hpp>

#include "common/check.h"
#include "security/crypto.h"

namespace creditd::security {

using nlohmann::json;

std::string SignHs256(std::string_view header_json, std::string_view payload_json,
                      std::string_view secret) {
  std::string signing_input = Base64UrlEncode(header_json) + "." + Base64UrlEncode(payload_json);
  const std::string mac = HmacSha256(secret, signing_input);
  return signing_input + "." + Base64UrlEncode(mac);
}

std::optional<std::string> VerifyHs256(std::string_view token, std::string_view secret) {
  const auto first = token.find('.');
  const auto second = token.find('.', first == std::string_view::npos ? 0 : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos ||
      token.find('.', second + 1) != std::string_view::npos) {
    return std::nullopt;
  }
  const auto header = Base64UrlDecode(token.substr(0, first));
  auto payload = Base64UrlDecode(token.substr(first + 1, second - first - 1));
  const auto signature = Base64UrlDecode(token.substr(second + 1));
  if (!header || !payload || !signature) {
    return std::nullopt;
  }
  // Check the signature before trusting anything in the header or payload.
  const std::string expected = HmacSha256(secret, token.substr(0, second));
  if (!ConstantTimeEquals(expected, *signature)) {
    return std::nullopt;
  }
  const json parsed_header = json::parse(*header, nullptr, /*allow_exceptions=*/false);
  if (!parsed_header.is_object() || !parsed_header.contains("alg") ||
      parsed_header["alg"] != "HS256") {
    return std::nullopt;
  }
  if (parsed_header.contains("crit")) {
    return std::nullopt;  // We understand no extensions (RFC 7515 section 4.1.11).
  }
  return payload;
}

Hs256AccessTokenCodec::Hs256AccessTokenCodec(std::string secret) : secret_(std::move(secret)) {
  CREDITD_CHECK(secret_.size() >= kJwtSecretBytesMin);
}

std::string Hs256AccessTokenCodec::Encode(const app::AccessClaims& claims) {
  const json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  const json payload = {{"iss", kJwtIssuer},
                        {"aud", kJwtAudience},
                        {"sub", std::to_string(claims.user_id)},
                        {"role", domain::RoleName(claims.role)},
                        {"sid", claims.session_id},
                        {"iat", ToUnixSeconds(claims.issued_at)},
                        {"exp", ToUnixSeconds(claims.expires_at)}};
  return SignHs256(header.dump(), payload.dump(), secret_);
}

namespace {

std::optional<std::string> StringClaim(const json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

// An integer claim that fits int64; nlohmann holds a larger one as unsigned, and reading it as
// int64 would wrap it into the past.
std::optional<int64_t> IntClaim(const json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_number_integer() ||
      (it->is_number_unsigned() &&
       it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
    return std::nullopt;
  }
  return it->get<int64_t>();
}

// aud may be a string or an array of strings (RFC 7519 section 4.1.3); ours must be in it.
bool HasAudience(const json& payload, std::string_view audience) {
  const auto aud = payload.find("aud");
  if (aud == payload.end()) {
    return false;
  }
  if (aud->is_string()) {
    return aud->get<std::string>() == audience;
  }
  if (!aud->is_array()) {
    return false;
  }
  return std::any_of(aud->begin(), aud->end(), [&](const json& item) {
    return item.is_string() && item.get<std::string>() == audience;
  });
}

}  // namespace

Result<app::AccessClaims> Hs256AccessTokenCodec::Decode(std::string_view token, Timestamp now) {
  const auto invalid = [] { return Status(reason::kInvalidToken, "the access token is invalid"); };
  const auto payload_text = VerifyHs256(token, secret_);
  if (!payload_text) {
    return invalid();
  }
  const json payload = json::parse(*payload_text, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) {
    return invalid();
  }
  const auto string_claim = [&](const char* name) { return StringClaim(payload, name); };
  const auto int_claim = [&](const char* name) { return IntClaim(payload, name); };
  if (string_claim("iss") != kJwtIssuer) {
    return invalid();
  }
  const bool audience_ok = HasAudience(payload, kJwtAudience);
  const auto exp = int_claim("exp");
  const auto iat = int_claim("iat");
  const auto sub = string_claim("sub");
  const auto sid = string_claim("sid");
  const auto role = string_claim("role");
  if (!audience_ok || !exp || !iat || !sub || !sid || !role) {
    return invalid();
  }
  // nbf is optional, but an integer there must not be in the future (one beyond int64 is).
  if (const auto nbf = payload.find("nbf"); nbf != payload.end() && nbf->is_number_integer()) {
    const auto not_before = int_claim("nbf");
    if (!not_before || *not_before > ToUnixSeconds(now)) {
      return invalid();
    }
  }
  if (*exp <= ToUnixSeconds(now)) {
    return Status(reason::kTokenExpired, "the access token has expired; refresh it");
  }
  const auto parsed_role = domain::ParseRole(*role);
  // sub is the user id as Encode writes it: decimal digits only (no blanks, sign or trailing
  // bytes, which strtoll would skip or ignore), positive, within int64.
  int64_t user_id = 0;
  const auto [end, error] = std::from_chars(sub->data(), sub->data() + sub->size(), user_id);
  if (!parsed_role || error != std::errc() || end != sub->data() + sub->size() || user_id <= 0) {
    return invalid();
  }
  app::AccessClaims claims;
  claims.user_id = user_id;
  claims.role = *parsed_role;
  claims.session_id = *sid;
  claims.issued_at = FromUnixSeconds(*iat);
  claims.expires_at = FromUnixSeconds(*exp);
  return claims;
}

}  // namespace creditd::security
