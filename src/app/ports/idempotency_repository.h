// Idempotency records: (scope, key) -> request fingerprint and a reference to the result,
// written in the same transaction as the effect (DESIGN.md section 4, PROTOCOLS.md section 7).
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
  std::string request_fingerprint;  // Canonical text of the operation and its parameters.
  std::string result_ref;           // What the first request produced, e.g. "entry:42".
  int response_status = 0;          // The first response's HTTP status; 0 if not stored.
  std::string response_body;        // The first response's body, replayed verbatim.
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
