#include "app/idempotency.h"

#include <charconv>

#include "app/ports/idempotency_repository.h"
#include "common/status_macros.h"

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

Result<std::optional<std::string>> FindIdempotentResult(UnitOfWork& uow, std::string_view scope,
                                                        std::string_view key,
                                                        std::string_view fingerprint) {
  if (key.empty()) {
    return std::optional<std::string>();
  }
  CREDITD_ASSIGN_OR_RETURN(const auto record, uow.idempotency().Find(scope, key));
  if (!record) {
    return std::optional<std::string>();
  }
  if (record->request_fingerprint != fingerprint) {
    return Status(reason::kIdempotencyKeyReused,
                  "this Idempotency-Key was used for a different request");
  }
  return std::optional<std::string>(record->result_ref);
}

Status RememberIdempotentResult(UnitOfWork& uow, std::string_view scope, std::string_view key,
                                std::string_view fingerprint, std::string_view result_ref,
                                Timestamp now) {
  if (key.empty()) {
    return Status::Ok();
  }
  IdempotencyRecord record;
  record.scope = scope;
  record.key = key;
  record.request_fingerprint = fingerprint;
  record.result_ref = result_ref;
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

Result<std::optional<Reply>> FindStoredReply(UnitOfWork& uow, const IdempotentRequest& request) {
  if (request.key.empty()) {
    return std::optional<Reply>();
  }
  CREDITD_ASSIGN_OR_RETURN(const auto record, uow.idempotency().Find(request.scope, request.key));
  if (!record) {
    return std::optional<Reply>();
  }
  if (record->request_fingerprint != request.fingerprint || record->response_status == 0) {
    return Status(reason::kIdempotencyKeyReused,
                  "this Idempotency-Key was used for a different request");
  }
  return std::optional<Reply>(Reply{record->response_status, record->response_body, true});
}

Status StoreReply(UnitOfWork& uow, const IdempotentRequest& request, const Reply& reply,
                  Timestamp now) {
  if (request.key.empty() || reply.status < 200 || reply.status > 299) {
    return Status::Ok();
  }
  IdempotencyRecord record;
  record.scope = request.scope;
  record.key = request.key;
  record.request_fingerprint = request.fingerprint;
  record.result_ref = "reply";
  record.response_status = reply.status;
  record.response_body = reply.body;
  record.created_at = now;
  return uow.idempotency().Insert(record);
}

std::optional<int64_t> ParseResultRef(std::string_view result_ref, std::string_view prefix) {
  if (result_ref.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  const std::string_view digits = result_ref.substr(prefix.size());
  int64_t id = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (error != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return id;
}

}  // namespace creditd::app
