#include "security/password_hasher.h"

#include <sodium.h>

#include "common/check.h"

namespace creditd::security {

Argon2idPasswordHasher::Argon2idPasswordHasher() {
  CREDITD_CHECK(sodium_init() >= 0);
}

Result<std::string> Argon2idPasswordHasher::Hash(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status(reason::kInternal, "could not hash the password")
        .WithInternalDetail("crypto_pwhash_str_alg failed (out of memory?)");
  }
  return std::string(out);
}

bool Argon2idPasswordHasher::Verify(std::string_view hash, std::string_view password) {
  // libsodium wants a NUL-terminated buffer of crypto_pwhash_STRBYTES.
  if (hash.size() >= crypto_pwhash_STRBYTES) {
    return false;
  }
  char stored[crypto_pwhash_STRBYTES] = {};
  hash.copy(stored, hash.size());
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

bool Argon2idPasswordHasher::NeedsRehash(std::string_view hash) {
  if (hash.size() >= crypto_pwhash_STRBYTES) {
    return true;
  }
  char stored[crypto_pwhash_STRBYTES] = {};
  hash.copy(stored, hash.size());
  return crypto_pwhash_str_needs_rehash(stored, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0;
}

}  // namespace creditd::security
