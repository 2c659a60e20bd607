// ChargeService: the server-to-server charging API (issue 5 point 4) for tool backends holding
// an API key: reserve, capture, release, refund and read charges, and an account's
// entitlements. Writes go through the WriteQueue port (group commit), and every write takes an
// optional Idempotency-Key whose reply is stored in the same transaction as the effect.
//
// The writes are asynchronous: Create, Capture, Release and Refund check what needs no
// database, queue the write and return; `done` receives the reply (or the error) once the batch
// holding it has committed, on the batcher's writer thread, or at once (on the caller's thread)
// when a check fails before queueing. So an HTTP I/O thread can start a charge without a blocked
// thread per request. `done` must be cheap and must not block.
//
// Results are typed (ChargeView, kept by value under an Idempotency-Key, app/idempotency.h); the
// caller renders them after the commit, so nothing of the HTTP layer runs in the transaction.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/catalog_service.h"
#include "app/credit_ledger.h"
#include "app/idempotency.h"
#include "app/ports/unit_of_work.h"
#include "app/ports/write_queue.h"
#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

// POST /api/v1/charges. Exactly one of user_id / account_id.
struct ChargeRequest {
  std::optional<int64_t> user_id;
  std::optional<int64_t> account_id;
  std::string tool;
  int64_t units = 1;
  std::optional<int64_t> hold_seconds;  // Default 600, at most 86400.
  bool capture = false;                 // Reserve and capture in one step.
  std::string metadata = "{}";          // A JSON object's text, at most 4 KiB.
  std::string source;                   // "api_key:3".
};

// Receives the outcome of an asynchronous charge write, exactly once: the charge after it, and
// whether it was replayed from an earlier request with the same Idempotency-Key.
using ChargeDone = std::function<void(Result<Idempotent<ChargeView>>)>;

// A charge write, run inside the batch's transaction.
using ChargeWork = std::function<Result<ChargeView>(UnitOfWork&)>;

struct Entitlements {
  int64_t user_id = 0;
  int64_t account_id = 0;
  int64_t credits = 0;
  bool is_member = false;
  std::optional<Timestamp> member_expired_at;
  std::vector<std::string> features;
  // Active tools the account may run one unit of now, decided as a reservation decides
  // (domain::CheckFeature, then domain::DecideFunding): none while the account is frozen.
  std::vector<domain::Tool> runnable_tools;
};

class ChargeService {
 public:
  ChargeService(Database& database, WriteQueue& batcher, InFlightKeys& in_flight,
                CatalogService& catalog, const Clock& clock)
      : database_(database),
        batcher_(batcher),
        in_flight_(in_flight),
        catalog_(catalog),
        clock_(clock) {}

  // Reserves (and with `capture`, captures) the price of a tool call. Errors: "missing_field"/
  // "invalid_field" (user_id, account_id, units, hold_seconds, metadata), "tool_not_found",
  // "user_not_found", "account_not_found", "upgrade_required", "insufficient_credits",
  // "idempotency_key_reused", "idempotency_key_in_flight", storage failures. Commits before
  // `done` runs; safe to retry with the same Idempotency-Key.
  void Create(ChargeRequest request, IdempotentRequest idempotency, ChargeDone done);

  // Captures `amount` (default: all reserved). Errors: "charge_not_found",
  // "hold_already_captured", "hold_already_released", "hold_expired", "capture_exceeds_hold",
  // and the idempotency reasons.
  void Capture(int64_t charge_id, std::optional<int64_t> amount, IdempotentRequest idempotency,
               ChargeDone done);

  // Releases a pending charge. Errors as Capture's but "capture_exceeds_hold".
  void Release(int64_t charge_id, IdempotentRequest idempotency, ChargeDone done);

  // Refunds `amount` (default: everything still refundable) of a captured charge. Errors:
  // "charge_not_found", "charge_not_captured", "refund_exceeds_captured", idempotency reasons.
  void Refund(int64_t charge_id, std::optional<int64_t> amount, IdempotentRequest idempotency,
              ChargeDone done);

  // Errors: "charge_not_found".
  Result<ChargeView> Get(int64_t charge_id);

  // Expires up to `limit` pending charges whose hold timed out at `now`; returns how many.
  // Idempotent; safe to run from several processes at once.
  Result<int64_t> ExpireOverdue(Timestamp now, int limit);

  // Deletes up to `limit` idempotency records older than `before`; returns how many.
  Result<int64_t> PruneIdempotencyKeys(Timestamp before, int limit);

  // Errors: "user_not_found".
  Result<Entitlements> GetEntitlements(int64_t user_id);

  // Runs `work` as one batched write under the request's key (RunIdempotent): the stored charge
  // for the key is answered as is (replayed); otherwise `work`'s charge is stored with its
  // effect. "idempotency_key_in_flight" at once while the key is being worked on. Returns at
  // once; `done` as for Create.
  void SubmitWrite(IdempotentRequest idempotency, ChargeWork work, ChargeDone done);

  WriteQueue& batcher() { return batcher_; }
  InFlightKeys& in_flight() { return in_flight_; }

 private:
  Database& database_;
  WriteQueue& batcher_;
  InFlightKeys& in_flight_;
  CatalogService& catalog_;
  const Clock& clock_;
};

// Resolves the account a charge is for: the user's account, or the account id as given (its
// existence is checked when it is locked). Errors: "missing_field" (user_id), "user_not_found".
Result<int64_t> ResolveChargeAccount(UnitOfWork& uow, std::optional<int64_t> user_id,
                                     std::optional<int64_t> account_id);

}  // namespace creditd::app
