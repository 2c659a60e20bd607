#include "storage/common/storage_status.h"

namespace creditd::storage {

Status Corrupt(const std::string& what) {
  return Status(reason::kDatabaseError, "a storage error occurred")
      .WithInternalDetail("unexpected stored value: " + what);
}

Status UserNotFound() {
  return Status(reason::kUserNotFound, "user not found");
}

Status EmailTaken() {
  return Status(reason::kEmailTaken, "an account with this e-mail already exists")
      .WithField("email");
}

Status AccountNotFound() {
  return Status(reason::kAccountNotFound, "account not found");
}

Status EntryNotFound() {
  return Status(reason::kAccountNotFound, "ledger entry not found");
}

Status GrantMissing(int64_t grant_id) {
  return Status(reason::kDatabaseError, "a storage error occurred")
      .WithInternalDetail("grant " + std::to_string(grant_id) + " missing");
}

Status InvalidRefreshToken() {
  return Status(reason::kInvalidRefreshToken, "refresh token is invalid or expired");
}

Status InvalidApiKey() {
  return Status(reason::kInvalidApiKey, "the API key is invalid or revoked");
}

Status ApiKeyNotFound() {
  return Status(reason::kApiKeyNotFound, "API key not found");
}

Status OrderNotFound() {
  return Status(reason::kOrderNotFound, "order not found");
}

Status ChargeNotFound() {
  return Status(reason::kChargeNotFound, "charge not found");
}

Status RunNotFound() {
  return Status(reason::kRunNotFound, "run not found");
}

Status IdempotencyKeyInFlight() {
  return Status(reason::kIdempotencyKeyInFlight,
                "a request with this Idempotency-Key is in progress; retry shortly");
}

Status SubscriptionNotFound() {
  return Status(reason::kSubscriptionNotFound, "the subscription does not exist");
}

Status CatalogDuplicate(const std::string& what) {
  return Status(reason::kConfigInvalid, "catalog " + what + " is defined twice");
}

}  // namespace creditd::storage
