// Argon2idPasswordHasher: the PasswordHasher port on libsodium's crypto_pwhash (argon2id,
// OPSLIMIT/MEMLIMIT_INTERACTIVE: t=2, 64 MiB, p=1; about 56 ms per hash on the reference VM).
// Stateless after construction; thread-safe.
#pragma once

#include "app/ports/password_hasher.h"

namespace creditd::security {

class Argon2idPasswordHasher final : public app::PasswordHasher {
 public:
  // Initialises libsodium; aborts if it cannot (no usable CSPRNG).
  Argon2idPasswordHasher();

  Result<std::string> Hash(std::string_view password) override;
  bool Verify(std::string_view hash, std::string_view password) override;
  bool NeedsRehash(std::string_view hash) override;
};

}  // namespace creditd::security
