#include "security/jwt.h"

#include <limits>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "security/crypto.h"

namespace creditd::security {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-key";
const Timestamp kNow = FromUnixSeconds(1'800'000'000);

// The claims of a token our codec accepts at kNow.
nlohmann::json ValidClaims() {
  return {{"iss", "creditd"},
          {"aud", "creditd"},
          {"sub", "42"},
          {"role", "user"},
          {"sid", "s"},
          {"iat", 1},
          {"exp", ToUnixSeconds(kNow) + 60}};
}

app::AccessClaims Claims() {
  app::AccessClaims claims;
  claims.user_id = 42;
  claims.role = domain::Role::kAdmin;
  claims.session_id = "ses_1";
  claims.issued_at = kNow;
  claims.expires_at = kNow + std::chrono::minutes(15);
  return claims;
}

TEST(JwtTest, VerifiesTheRfc7515AppendixA1Vector) {
  const auto key = Base64UrlDecode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  ASSERT_TRUE(key.has_value());
  const std::string token =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVl"
      "fQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const auto payload = VerifyHs256(token, *key);
  ASSERT_TRUE(payload.has_value());
  EXPECT_NE(payload->find("\"iss\":\"joe\""), std::string::npos);
  EXPECT_FALSE(VerifyHs256(token.substr(0, token.size() - 1) + "l", *key).has_value());
}

TEST(JwtTest, RoundTripsClaims) {
  Hs256AccessTokenCodec codec(kSecret);
  const auto claims = codec.Decode(codec.Encode(Claims()), kNow + std::chrono::minutes(1));
  ASSERT_TRUE(claims.ok()) << claims.status().ToString();
  EXPECT_EQ(claims->user_id, 42);
  EXPECT_EQ(claims->role, domain::Role::kAdmin);
  EXPECT_EQ(claims->session_id, "ses_1");
}

TEST(JwtTest, RejectsExpiredTokensWithTheirOwnReason) {
  Hs256AccessTokenCodec codec(kSecret);
  const std::string token = codec.Encode(Claims());
  EXPECT_EQ(codec.Decode(token, kNow + std::chrono::minutes(15)).status().reason(),
            "token_expired");
}

TEST(JwtTest, PinsTheAlgorithmAndChecksIssuerAndAudience) {
  Hs256AccessTokenCodec codec(kSecret);
  const nlohmann::json payload = ValidClaims();
  const auto decode = [&](const nlohmann::json& header, const nlohmann::json& body,
                          const std::string& secret) {
    return codec.Decode(SignHs256(header.dump(), body.dump(), secret), kNow);
  };
  const nlohmann::json hs256 = {{"alg", "HS256"}, {"typ", "JWT"}};
  EXPECT_TRUE(decode(hs256, payload, kSecret).ok());
  // Another algorithm named in the header, even if signed with our key: refused.
  EXPECT_EQ(decode({{"alg", "HS512"}}, payload, kSecret).status().reason(), "invalid_token");
  EXPECT_EQ(decode({{"alg", "none"}}, payload, kSecret).status().reason(), "invalid_token");
  EXPECT_EQ(decode(hs256, payload, kSecret + "x").status().reason(), "invalid_token");
  auto wrong_issuer = payload;
  wrong_issuer["iss"] = "someone-else";
  EXPECT_FALSE(decode(hs256, wrong_issuer, kSecret).ok());
  auto wrong_audience = payload;
  wrong_audience["aud"] = "other-service";
  EXPECT_FALSE(decode(hs256, wrong_audience, kSecret).ok());
  auto audience_list = payload;
  audience_list["aud"] = {"other", "creditd"};
  EXPECT_TRUE(decode(hs256, audience_list, kSecret).ok());
  auto not_yet = payload;
  not_yet["nbf"] = ToUnixSeconds(kNow) + 30;
  EXPECT_FALSE(decode(hs256, not_yet, kSecret).ok());
  // "none" with an empty signature segment.
  const std::string unsigned_token =
      Base64UrlEncode(R"({"alg":"none"})") + "." + Base64UrlEncode(payload.dump()) + ".";
  EXPECT_FALSE(codec.Decode(unsigned_token, kNow).ok());
  EXPECT_FALSE(codec.Decode("not.a.jwt.at.all", kNow).ok());
  EXPECT_FALSE(codec.Decode("", kNow).ok());
}

// Found by tests/fuzz/jwt_fuzz.cc: strtoll read " 42", "+42" and "42\0x" as user 42, and claims
// beyond int64 wrapped into the past (an nbf of 2^64-1 passed, an exp of 2^64-1 "expired").
TEST(JwtTest, ReadsSubAndNumericDatesExactly) {
  Hs256AccessTokenCodec codec(kSecret);
  const nlohmann::json hs256 = {{"alg", "HS256"}};
  const nlohmann::json payload = ValidClaims();
  const auto decode = [&](const nlohmann::json& body) {
    return codec.Decode(SignHs256(hs256.dump(), body.dump(), kSecret), kNow);
  };
  ASSERT_TRUE(decode(payload).ok());
  const std::string subs[] = {
      " 42", "+42", "42 ", std::string("42\0x", 4), "0", "-42", "99999999999999999999", ""};
  for (const std::string& sub : subs) {
    auto body = payload;
    body["sub"] = sub;
    EXPECT_EQ(decode(body).status().reason(), "invalid_token") << sub;
  }
  const uint64_t beyond_int64 = std::numeric_limits<uint64_t>::max();
  auto far_nbf = payload;
  far_nbf["nbf"] = beyond_int64;
  EXPECT_EQ(decode(far_nbf).status().reason(), "invalid_token");
  auto far_exp = payload;
  far_exp["exp"] = beyond_int64;
  EXPECT_EQ(decode(far_exp).status().reason(), "invalid_token");
}

}  // namespace
}  // namespace creditd::security
