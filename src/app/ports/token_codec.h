// Access tokens and opaque secrets (security/ implements these with OpenSSL).
//
// Access tokens are JWTs (HS256, algorithm pinned; iss, aud and exp checked). Opaque tokens
// (refresh tokens, API keys) are random strings stored only as hashes. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "domain/user.h"

namespace creditd::app {

struct AccessClaims {
  int64_t user_id = 0;
  domain::Role role = domain::Role::kUser;
  std::string session_id;  // The refresh-token family this access token belongs to.
  Timestamp issued_at{};
  Timestamp expires_at{};
};

class AccessTokenCodec {
 public:
  virtual ~AccessTokenCodec() = default;

  // Returns a signed token carrying `claims`.
  virtual std::string Encode(const AccessClaims& claims) = 0;

  // Verifies the signature, algorithm, issuer, audience and expiry against `now` and returns
  // the claims. Returns kUnauthenticated/"token_expired" for an expired token and
  // kUnauthenticated/"invalid_token" for anything else wrong with it.
  virtual Result<AccessClaims> Decode(std::string_view token, Timestamp now) = 0;
};

class OpaqueTokens {
 public:
  virtual ~OpaqueTokens() = default;

  // Returns a new random token of 256 bits, base64url without padding, after `prefix`.
  virtual std::string NewToken(std::string_view prefix) = 0;

  // Returns the lower-case hex SHA-256 of `token`, the form in which tokens are stored.
  virtual std::string Hash(std::string_view token) = 0;
};

}  // namespace creditd::app
