// Refresh-token sessions. A login starts a token family; each refresh rotates the family's
// current token; presenting a rotated token revokes the whole family (RFC 9700 reuse detection).
// Only SHA-256 hashes of tokens are stored. Part of a UnitOfWork; not thread-safe on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

enum class RefreshTokenState { kActive, kRotated, kRevoked };

struct RefreshToken {
  int64_t id = 0;
  std::string family_id;
  int64_t user_id = 0;
  std::string token_hash;  // Hex SHA-256 of the token.
  RefreshTokenState state = RefreshTokenState::kActive;
  Timestamp created_at{};
  Timestamp expires_at{};
};

class SessionRepository {
 public:
  virtual ~SessionRepository() = default;

  // Inserts a token (id ignored) and returns its id.
  virtual Result<int64_t> Insert(const RefreshToken& token) = 0;

  // Returns the token with `token_hash`, or kUnauthenticated/"invalid_refresh_token".
  virtual Result<RefreshToken> FindByHash(std::string_view token_hash) = 0;

  // Marks an active token rotated. Returns false (without error) if it was no longer active,
  // which means a concurrent refresh won the race.
  virtual Result<bool> MarkRotated(int64_t token_id, Timestamp now) = 0;

  // Revokes every token of the family. Idempotent.
  virtual Status RevokeFamily(std::string_view family_id, Timestamp now) = 0;

  // Returns when the family's last active token expires if it has an active token unexpired at
  // `now` (the session is alive until then, unless revoked), else nullopt.
  virtual Result<std::optional<Timestamp>> ActiveUntil(std::string_view family_id,
                                                       Timestamp now) = 0;
};

}  // namespace creditd::app
