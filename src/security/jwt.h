// HS256 JSON Web Tokens written on OpenSSL (RFC 7519, RFC 8725 best practices).
//
// The algorithm is pinned: a token whose header says anything but {"alg":"HS256"} is refused,
// so "none" and RS/HS confusion cannot happen. iss and aud must equal ours, exp must be in the
// future, nbf (if present) not in the future; signatures are compared in constant time.
// Thread-safe: the codec holds only its immutable key.
#pragma once

#include <string>

#include "app/ports/token_codec.h"

namespace creditd::security {

inline constexpr std::string_view kJwtIssuer = "creditd";
inline constexpr std::string_view kJwtAudience = "creditd";
// Minimum key length: the HS256 output size (OWASP JWT cheat sheet).
inline constexpr size_t kJwtSecretBytesMin = 32;

class Hs256AccessTokenCodec final : public app::AccessTokenCodec {
 public:
  // `secret` must be at least kJwtSecretBytesMin bytes (checked).
  explicit Hs256AccessTokenCodec(std::string secret);

  std::string Encode(const app::AccessClaims& claims) override;
  Result<app::AccessClaims> Decode(std::string_view token, Timestamp now) override;

 private:
  const std::string secret_;
};

// Low-level helpers, exposed for tests against published vectors.
// Returns header.payload.signature for the given JSON texts.
std::string SignHs256(std::string_view header_json, std::string_view payload_json,
                      std::string_view secret);
// Returns the payload JSON if the signature is valid and the header pins HS256; nullopt
// otherwise. Does not check any claim.
std::optional<std::string> VerifyHs256(std::string_view token, std::string_view secret);

}  // namespace creditd::security
