// ApiKeyService: API keys for the site's tool backends (server-to-server calls). A key is
// "ck_" + 43 random characters, shown once at creation; only its SHA-256 is stored, with a short
// prefix so operators can tell keys apart. Revoked keys stop working at once.
//
// Thread-safe; each method runs its own unit of work.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/ports/api_key_repository.h"
#include "app/ports/token_codec.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"

namespace creditd::app {

// Limits of a key's name.
inline constexpr int kApiKeyNameLengthMax = 100;

struct CreatedApiKey {
  ApiKey key;
  std::string secret;  // The key itself; not retrievable later.
};

class ApiKeyService {
 public:
  ApiKeyService(Database& database, OpaqueTokens& tokens, const Clock& clock)
      : database_(database), tokens_(tokens), clock_(clock) {}

  // Creates a key named `name` (1..kApiKeyNameLengthMax characters after trimming).
  // Errors: "invalid_field" (field "name").
  Result<CreatedApiKey> Create(std::string_view name);

  // Returns every key, revoked ones included.
  Result<std::vector<ApiKey>> List();

  // Revokes a key. Errors: "api_key_not_found". Idempotent.
  Status Revoke(int64_t id);

  // Returns the key a caller presented, if it exists and is not revoked. Errors:
  // "invalid_api_key". Answers from a cache for up to kAuthenticationCacheTtl: a revocation
  // through this process takes effect at once, one made by another process within that time.
  Result<ApiKey> Authenticate(std::string_view secret) EXCLUDES(cache_mutex_);

  // Whether Authenticate(secret) would answer now without reading the database: the key is
  // malformed, or fresh in the cache. An HTTP I/O thread may authenticate only then (else the
  // request starts on a worker thread). Never blocks on storage.
  bool AnswersFromMemory(std::string_view secret) EXCLUDES(cache_mutex_);

  static constexpr std::chrono::seconds kAuthenticationCacheTtl{1};

 private:
  struct CachedKey {
    ApiKey key;
    Timestamp fetched_at{};
  };

  // A secret no key can have (empty or too long): refused without hashing it.
  static bool Malformed(std::string_view secret);
  static Status InvalidKey();
  // The valid key whose hash is `hash`, if the cache holds it fresh at `now`. Each caller hashes
  // the secret once.
  std::optional<ApiKey> FromCache(const std::string& hash, Timestamp now) EXCLUDES(cache_mutex_);

  Database& database_;
  OpaqueTokens& tokens_;
  const Clock& clock_;
  Mutex cache_mutex_;
  // By key hash; valid keys only.
  std::unordered_map<std::string, CachedKey> cache_ GUARDED_BY(cache_mutex_);
};

}  // namespace creditd::app
