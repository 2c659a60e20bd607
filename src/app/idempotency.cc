#include "app/idempotency.h"

#include "app/ports/idempotency_repository.h"

namespace creditd::app {

Status ValidateIdempotencyKey(std::string_view key) {
  bool visible = !key.empty() && key.size() <= kIdempotencyKeyLengthMax;
  for (char c : key) {
    visible = visible && c >= 0x21 && c <= 0x7E;
  }
  if (!visible) {
    return Status(reason::kInvalidIdempotencyKey,
                  "Idempotency-Key must be 1 to 255 visible ASCII characters")
        .WithField("Idempotency-Key");
  }
  return Status::Ok();
}

Result<std::optional<std::string>> FindStoredResult(UnitOfWork& uow,
                                                    const IdempotentRequest& request,
                                                    std::string_view kind) {
  if (request.key.empty()) {
    return std::optional<std::string>();
  }
  CREDITD_RETURN_IF_ERROR(ValidateIdempotencyKey(request.key));
  CREDITD_ASSIGN_OR_RETURN(auto record, uow.idempotency().Find(request.scope, request.key));
  if (!record) {
    return std::optional<std::string>();
  }
  // Another kind of result under the key is another request too (another route), and so is a
  // record stored before this version kept results by kind.
  if (record->request_fingerprint != request.fingerprint || record->result_kind != kind) {
    return Status(reason::kIdempotencyKeyReused,
                  "this Idempotency-Key was used for a different request");
  }
  return std::optional<std::string>(std::move(record->result));
}

Status StoreResult(UnitOfWork& uow, const IdempotentRequest& request, std::string_view kind,
                   std::string encoded, Timestamp now) {
  if (request.key.empty()) {
    return Status::Ok();
  }
  IdempotencyRecord record;
  record.scope = request.scope;
  record.key = request.key;
  record.request_fingerprint = request.fingerprint;
  record.result_kind = kind;
  record.result = std::move(encoded);
  record.created_at = now;
  return uow.idempotency().Insert(record);
}

InFlightKeys::Claim::~Claim() {
  if (owner_ != nullptr) {
    const MutexLock lock(owner_->mutex_);
    owner_->keys_.erase(id_);
  }
}

Result<InFlightKeys::Claim> InFlightKeys::Acquire(const IdempotentRequest& request) {
  if (request.key.empty()) {
    return Claim();
  }
  std::string id = request.scope + '\n' + request.key;
  const MutexLock lock(mutex_);
  if (!keys_.insert(id).second) {
    return Status(reason::kIdempotencyKeyInFlight,
                  "a request with this Idempotency-Key is still in progress; retry shortly");
  }
  return Claim(this, std::move(id));
}

}  // namespace creditd::app
