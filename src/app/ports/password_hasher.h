// The password-hashing port (security/ implements it with libsodium argon2id).
//
// Hashing is deliberately slow (tens of milliseconds, 64 MiB); callers run it on worker
// threads, never on the I/O thread. Implementations are thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace creditd::app {

class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;

  // Returns a self-describing hash string ("$argon2id$v=19$..."), or kInternal if the
  // system is out of memory.
  virtual Result<std::string> Hash(std::string_view password) = 0;

  // Returns true if `password` matches `hash`. A malformed hash is a mismatch.
  virtual bool Verify(std::string_view hash, std::string_view password) = 0;

  // Returns true if `hash` was made with other parameters than the current ones.
  virtual bool NeedsRehash(std::string_view hash) = 0;
};

}  // namespace creditd::app
