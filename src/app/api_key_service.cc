#include "app/api_key_service.h"

#include "app/transaction.h"
#include "common/status_macros.h"
#include "common/strings.h"

namespace creditd::app {

namespace {
// Enough of the key to tell keys apart in a listing, far too little to guess the rest.
constexpr size_t kPrefixLength = 10;
constexpr size_t kSecretLengthMax = 256;
}  // namespace

Result<CreatedApiKey> ApiKeyService::Create(std::string_view name) {
  const std::string trimmed(TrimAscii(name));
  const auto length = CountUtf8CodePoints(trimmed);
  if (length < 1 || length > kApiKeyNameLengthMax) {
    return Status(reason::kInvalidField, "name must be 1 to 100 characters").WithField("name");
  }
  CreatedApiKey created;
  created.secret = tokens_.NewToken("ck");
  created.key.name = trimmed;
  created.key.prefix = created.secret.substr(0, kPrefixLength);
  created.key.key_hash = tokens_.Hash(created.secret);
  created.key.created_at = clock_.Now();
  CREDITD_ASSIGN_OR_RETURN(created.key.id,
                           InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
                             return uow.api_keys().Insert(created.key);
                           }));
  return created;
}

Result<std::vector<ApiKey>> ApiKeyService::List() {
  return InTransaction(database_, TransactionMode::kRead,
                       [](UnitOfWork& uow) { return uow.api_keys().List(); });
}

Status ApiKeyService::Revoke(int64_t id) {
  const Timestamp now = clock_.Now();
  CREDITD_RETURN_IF_ERROR(InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
    return uow.api_keys().Revoke(id, now);
  }));
  const MutexLock lock(cache_mutex_);
  cache_.clear();
  return Status::Ok();
}

bool ApiKeyService::Malformed(std::string_view secret) {
  return secret.empty() || secret.size() > kSecretLengthMax;
}

Status ApiKeyService::InvalidKey() {
  return Status(reason::kInvalidApiKey, "the API key is invalid or revoked");
}

std::optional<ApiKey> ApiKeyService::FromCache(const std::string& hash, Timestamp now) {
  const MutexLock lock(cache_mutex_);
  const auto cached = cache_.find(hash);
  if (cached != cache_.end() && now - cached->second.fetched_at < kAuthenticationCacheTtl) {
    return cached->second.key;
  }
  return std::nullopt;
}

bool ApiKeyService::AnswersFromMemory(std::string_view secret) {
  return Malformed(secret) || FromCache(tokens_.Hash(secret), clock_.Now()).has_value();
}

Result<ApiKey> ApiKeyService::Authenticate(std::string_view secret) {
  if (Malformed(secret)) {
    return InvalidKey();
  }
  const Timestamp now = clock_.Now();
  const std::string hash = tokens_.Hash(secret);
  if (auto cached = FromCache(hash, now)) {
    return std::move(*cached);
  }
  CREDITD_ASSIGN_OR_RETURN(
      ApiKey key, InTransaction(database_, TransactionMode::kRead,
                                [&](UnitOfWork& uow) { return uow.api_keys().FindByHash(hash); }));
  if (key.revoked_at) {
    return InvalidKey();
  }
  const MutexLock lock(cache_mutex_);
  if (cache_.size() > 10000) {
    cache_.clear();  // Bounded: only valid keys are cached, and there are few.
  }
  cache_[hash] = CachedKey{key, now};
  return key;
}

}  // namespace creditd::app
