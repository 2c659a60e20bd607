// API keys of tool backends: a name, a short prefix to tell keys apart in listings, and the
// SHA-256 of the key (the key itself is never stored). Part of a UnitOfWork; not thread-safe on
// its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

struct ApiKey {
  int64_t id = 0;
  std::string name;
  std::string prefix;    // The first characters of the key, e.g. "ck_3Fh8kQ".
  std::string key_hash;  // Hex SHA-256 of the key.
  Timestamp created_at{};
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> revoked_at;
};

class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;

  // Inserts a key (id ignored) and returns its id.
  virtual Result<int64_t> Insert(const ApiKey& key) = 0;

  // Returns the key with `key_hash`, or kUnauthenticated/"invalid_api_key".
  virtual Result<ApiKey> FindByHash(std::string_view key_hash) = 0;

  // Returns every key, revoked ones included, in id order.
  virtual Result<std::vector<ApiKey>> List() = 0;

  // Marks a key revoked. Returns kNotFound/"api_key_not_found"; revoking twice is fine.
  virtual Status Revoke(int64_t id, Timestamp now) = 0;
};

}  // namespace creditd::app
