// Idempotent writes (DESIGN.md section 4, PROTOCOLS.md section 7): the one mechanism every
// mutating API uses. A write that carries an Idempotency-Key stores the key, the fingerprint of
// the request and its typed result in the transaction of its effect, so the effect happens at
// most once:
//   - the same key and request again: the stored result, marked replayed;
//   - the same key with another request: kAborted/"idempotency_key_reused" (422);
//   - a key still being worked on in this process: "idempotency_key_in_flight" (409), at once
//     (InFlightKeys); across processes the unique (scope, key) row does the same.
// An empty key means "not idempotent": nothing is looked up or stored. Only successful results
// are stored: a failure had no effect, so a retry runs afresh.
//
// How a result is kept is its type's ResultCodec (app/result_codecs.h): by value, so a replay is
// the first result field for field and the HTTP layer renders it byte for byte the same, or by
// reference, so a replay reloads what the first request made.
//
//   CREDITD_ASSIGN_OR_RETURN(Idempotent<ChargeView> charge,
//                            RunIdempotent<ChargeView>(uow, request, now, [&](UnitOfWork& uow) {
//                              return CreditLedger::Reserve(uow, command, now);
//                            }));
//
// Stateless functions, thread-safe as long as each unit of work stays on one thread;
// InFlightKeys is thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "common/status_macros.h"

namespace creditd::app {

inline constexpr size_t kIdempotencyKeyLengthMax = 255;

// Checks an Idempotency-Key: 1..255 visible ASCII characters. Returns
// kInvalidArgument/"invalid_idempotency_key" (field "Idempotency-Key") otherwise.
Status ValidateIdempotencyKey(std::string_view key);

// What a caller presented: `scope` names the caller ("api_key:3", "user:12", "admin:1");
// `fingerprint` is a digest of the method, path and body. An empty key: not idempotent.
struct IdempotentRequest {
  std::string scope;
  std::string key;
  std::string fingerprint;
};

// A write's result, and whether it came from the store (a replay).
template <typename T>
struct Idempotent {
  T value;
  bool replayed = false;
};

// How results of type T are kept: `kKind`, `Encode(const T&) -> std::string` and
// `Decode(UnitOfWork&, std::string_view) -> Result<T>`. Specialised in app/result_codecs.h.
template <typename T>
struct ResultCodec;

// The encoded result stored under the request's key with `kind`; nullopt for an empty or new
// key. Errors: "invalid_idempotency_key", "idempotency_key_reused" (another request, or a result
// of another kind, e.g. one stored before an upgrade changed how it is kept), storage failures.
Result<std::optional<std::string>> FindStoredResult(UnitOfWork& uow,
                                                    const IdempotentRequest& request,
                                                    std::string_view kind);

// Stores an encoded result under the request's key (no-op for an empty key). Errors:
// "idempotency_key_in_flight" if another transaction stored the key first.
Status StoreResult(UnitOfWork& uow, const IdempotentRequest& request, std::string_view kind,
                   std::string encoded, Timestamp now);

// The stored result of type T for the request's key, decoded; nullopt for an empty or new key.
template <typename T>
Result<std::optional<T>> FindIdempotent(UnitOfWork& uow, const IdempotentRequest& request) {
  CREDITD_ASSIGN_OR_RETURN(const std::optional<std::string> stored,
                           FindStoredResult(uow, request, ResultCodec<T>::kKind));
  if (!stored) {
    return std::optional<T>();
  }
  CREDITD_ASSIGN_OR_RETURN(T value, ResultCodec<T>::Decode(uow, *stored));
  return std::optional<T>(std::move(value));
}

// Stores `value` as the result of the request's key.
template <typename T>
Status StoreIdempotent(UnitOfWork& uow, const IdempotentRequest& request, const T& value,
                       Timestamp now) {
  if (request.key.empty()) {
    return Status::Ok();
  }
  return StoreResult(uow, request, ResultCodec<T>::kKind, ResultCodec<T>::Encode(value), now);
}

// The stored result for the request's key (replayed), or `work(uow)`'s, stored with its effect.
// `work` returns Result<T>. Commits nothing itself: the caller's unit of work does.
template <typename T, typename Work>
Result<Idempotent<T>> RunIdempotent(UnitOfWork& uow, const IdempotentRequest& request,
                                    Timestamp now, Work&& work) {
  CREDITD_ASSIGN_OR_RETURN(std::optional<T> stored, FindIdempotent<T>(uow, request));
  if (stored) {
    return Idempotent<T>{std::move(*stored), true};
  }
  CREDITD_ASSIGN_OR_RETURN(T value, std::forward<Work>(work)(uow));
  CREDITD_RETURN_IF_ERROR(StoreIdempotent(uow, request, value, now));
  return Idempotent<T>{std::move(value), false};
}

// The keys being worked on in this process, so a replay that arrives while the first request
// is still running gets 409 "idempotency_key_in_flight" at once instead of waiting for it.
// (Across processes the unique (scope, key) row does the same.) Thread-safe.
class InFlightKeys {
 public:
  // Holds a key until destroyed.
  class Claim {
   public:
    Claim() = default;
    Claim(InFlightKeys* owner, std::string id) : owner_(owner), id_(std::move(id)) {}
    Claim(Claim&& other) noexcept
        : owner_(std::exchange(other.owner_, nullptr)), id_(std::move(other.id_)) {}
    Claim& operator=(Claim&&) = delete;
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    ~Claim();

   private:
    InFlightKeys* owner_ = nullptr;
    std::string id_;
  };

  // Claims (scope, key); an empty key claims nothing. Errors: "idempotency_key_in_flight".
  Result<Claim> Acquire(const IdempotentRequest& request) EXCLUDES(mutex_);

 private:
  Mutex mutex_;
  std::set<std::string> keys_ GUARDED_BY(mutex_);
};

}  // namespace creditd::app
