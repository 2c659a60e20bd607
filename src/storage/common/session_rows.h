// Refresh tokens and API keys as rows: the column lists, the row-to-domain mappers and the
// parameter lists both backends share (see row_reader.h). Header only; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "app/ports/api_key_repository.h"
#include "app/ports/session_repository.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

// The stored name of a refresh token's state.
inline std::string_view RefreshTokenStateName(app::RefreshTokenState state) {
  switch (state) {
    case app::RefreshTokenState::kActive:
      return "active";
    case app::RefreshTokenState::kRotated:
      return "rotated";
    case app::RefreshTokenState::kRevoked:
      return "revoked";
  }
  return "revoked";
}

// Any name but "active" and "rotated" reads as revoked: an unknown state must never let a token
// through.
inline app::RefreshTokenState ParseRefreshTokenState(std::string_view name) {
  return name == "active"    ? app::RefreshTokenState::kActive
         : name == "rotated" ? app::RefreshTokenState::kRotated
                             : app::RefreshTokenState::kRevoked;
}

inline constexpr const char* kRefreshTokenSelect =
    "SELECT id, family_id, user_id, token_hash, state, created_at, expires_at FROM "
    "refresh_tokens ";

template <RowReader Row>
Result<app::RefreshToken> MapRefreshToken(const Row& row) {
  app::RefreshToken token;
  token.id = row.Int64(0);
  token.family_id = row.Text(1);
  token.user_id = row.Int64(2);
  token.token_hash = row.Text(3);
  token.state = ParseRefreshTokenState(row.Text(4));
  token.created_at = TimeColumn(row, 5);
  token.expires_at = TimeColumn(row, 6);
  return token;
}

// family_id, user_id, token_hash, state, created_at, expires_at, updated_at (= created_at).
template <ParamWriter Params>
void BindNewRefreshToken(Params& params, const app::RefreshToken& token) {
  params.Bind(token.family_id)
      .Bind(token.user_id)
      .Bind(token.token_hash)
      .Bind(RefreshTokenStateName(token.state))
      .Bind(ToUnixSeconds(token.created_at))
      .Bind(ToUnixSeconds(token.expires_at))
      .Bind(ToUnixSeconds(token.created_at));
}

inline constexpr const char* kApiKeySelect =
    "SELECT id, name, prefix, key_hash, created_at, last_used_at, revoked_at FROM api_keys ";

template <RowReader Row>
Result<app::ApiKey> MapApiKey(const Row& row) {
  app::ApiKey key;
  key.id = row.Int64(0);
  key.name = row.Text(1);
  key.prefix = row.Text(2);
  key.key_hash = row.Text(3);
  key.created_at = TimeColumn(row, 4);
  key.last_used_at = OptionalTimeColumn(row, 5);
  key.revoked_at = OptionalTimeColumn(row, 6);
  return key;
}

// name, prefix, key_hash, created_at.
template <ParamWriter Params>
void BindNewApiKey(Params& params, const app::ApiKey& key) {
  params.Bind(key.name).Bind(key.prefix).Bind(key.key_hash).Bind(ToUnixSeconds(key.created_at));
}

}  // namespace creditd::storage
