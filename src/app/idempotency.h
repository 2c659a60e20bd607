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
#include <string>
#include <string_view>

#include "app/ports/unit_of_work.h"
#include "common/clock.h"
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

// Parses the id out of a result reference such as "entry:42" with `prefix` "entry:".
std::optional<int64_t> ParseResultRef(std::string_view result_ref, std::string_view prefix);

}  // namespace creditd::app
