#include "security/opaque_tokens.h"

#include "common/strings.h"
#include "security/crypto.h"

namespace creditd::security {

std::string RandomOpaqueTokens::NewToken(std::string_view prefix) {
  std::string token(prefix);
  if (!token.empty()) {
    token += '_';
  }
  return token + Base64UrlEncode(RandomBytes(32));
}

std::string RandomOpaqueTokens::Hash(std::string_view token) {
  return HexEncode(Sha256(token));
}

}  // namespace creditd::security
