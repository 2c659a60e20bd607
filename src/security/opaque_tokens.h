// RandomOpaqueTokens: the OpaqueTokens port: 256-bit random tokens from libsodium's CSPRNG,
// stored as hex SHA-256. Thread-safe.
#pragma once

#include "app/ports/token_codec.h"

namespace creditd::security {

class RandomOpaqueTokens final : public app::OpaqueTokens {
 public:
  std::string NewToken(std::string_view prefix) override;
  std::string Hash(std::string_view token) override;
};

}  // namespace creditd::security
