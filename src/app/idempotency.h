// Idempotency keys inside a unit of work (DESIGN.md section 4, PROTOCOLS.md section 7): the key,
// the request's fingerprint and a reference to what the request produced are stored in the same
// transaction as the effect, so the effect happens at most once.
//
//   CREDITD_ASSIGN_OR_RETURN(auto earlier, FindIdempotentResult(uow, scope, key, fingerprint));
//   if (earlier) { ...load and return *earlier (e.g. "order:42")... }
//   ...do the work...
//   CREDITD_RETURN_IF_ERROR(RememberIdempotentResult(uow, scope, key, fingerprint, ref, now));
//
// An empty key means "not idempotent": Find returns nullopt and Remember does nothing.
// Stateless; thread-safe as long as each unit of work stays on one thread.
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

namespace creditd::app {

inline constexpr size_t kIdempotencyKeyLengthMax = 255;

// Checks an Idempotency-Key: 1..255 visible ASCII characters. Returns
// kInvalidArgument/"invalid_idempotency_key" (field "Idempotency-Key") otherwise.
Status ValidateIdempotencyKey(std::string_view key);

// Returns the result reference stored for (scope, key) if `fingerprint` matches it, nullopt if
// the key is new, or kAborted/"idempotency_key_reused" if it was used for another request.
Result<std::optional<std::string>> FindIdempotentResult(UnitOfWork& uow, std::string_view scope,
                                                        std::string_view key,
                                                        std::string_view fingerprint);

// Stores (scope, key) -> (fingerprint, result_ref). Returns kAborted/"idempotency_key_in_flight"
// if a concurrent transaction stored the same key first.
Status RememberIdempotentResult(UnitOfWork& uow, std::string_view scope, std::string_view key,
                                std::string_view fingerprint, std::string_view result_ref,
                                Timestamp now);

// ----- Stored responses (issue 5 point 6) -----
//
// For endpoints whose replay must be byte-for-byte the first answer (charges, their actions,
// tool runs), the whole response is stored with the key, in the transaction of the effect.
// Only successful responses are stored: a failure had no effect, so a retry runs afresh.

// What a caller presented: `scope` names the caller ("api_key:3", "user:12"); `fingerprint` is a
// digest of the method, path and body. An empty key means the request is not idempotent.
struct IdempotentRequest {
  std::string scope;
  std::string key;
  std::string fingerprint;
};

// A response as the HTTP layer renders it; `replayed` is true when it came from the store.
struct Reply {
  int status = 200;
  std::string body;
  bool replayed = false;
};

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
  Result<Claim> Acquire(const IdempotentRequest& request);

 private:
  Mutex mutex_;
  std::set<std::string> keys_ GUARDED_BY(mutex_);
};

// Returns the stored reply for the request's key (replayed = true), nullopt if the key is new,
// or "idempotency_key_reused" (422) if the key was used for a different request.
Result<std::optional<Reply>> FindStoredReply(UnitOfWork& uow, const IdempotentRequest& request);

// Stores a successful reply under the request's key (no-op for an empty key or a non-2xx
// status). "idempotency_key_in_flight" if another transaction stored the key first.
Status StoreReply(UnitOfWork& uow, const IdempotentRequest& request, const Reply& reply,
                  Timestamp now);

// Parses the id out of a result reference such as "entry:42" with `prefix` "entry:".
std::optional<int64_t> ParseResultRef(std::string_view result_ref, std::string_view prefix);

}  // namespace creditd::app
