// Idempotency records: (scope, key) -> request fingerprint and the result, written in the same
// transaction as the effect (DESIGN.md section 4, app/idempotency.h).
// Part of a UnitOfWork; not thread-safe on its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

struct IdempotencyRecord {
  std::string scope;                // Who used the key, e.g. "user:12" or "admin:1".
  std::string key;                  // The client's Idempotency-Key.
  std::string request_fingerprint;  // Digest of the request's method, path and body.
  std::string result_kind;          // What kind of result, e.g. "charge" (ResultCodec::kKind).
  std::string result;               // The result as its ResultCodec encoded it (text).
  Timestamp created_at{};
};

class IdempotencyRepository {
 public:
  virtual ~IdempotencyRepository() = default;

  // Returns the record for (scope, key), or nullopt.
  virtual Result<std::optional<IdempotencyRecord>> Find(std::string_view scope,
                                                        std::string_view key) = 0;

  // Inserts a record. Returns kAborted/"idempotency_key_in_flight" if another transaction
  // inserted the same (scope, key) first.
  virtual Status Insert(const IdempotencyRecord& record) = 0;

  // Deletes up to `limit` records created before `before`; returns how many it deleted.
  virtual Result<int64_t> DeleteOlderThan(Timestamp before, int limit) = 0;
};

}  // namespace creditd::app
