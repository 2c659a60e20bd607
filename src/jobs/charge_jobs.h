// Jobs of the charging API: ChargeExpiryJob expires pending charges whose hold timed out
// (their credits return to their grants; DESIGN.md section 4), and IdempotencyPruneJob deletes
// idempotency records once they are older than the retention (at least 24 hours, issue 5
// point 6). Both are idempotent and thread-safe.
#pragma once

#include <chrono>

#include "app/charge_service.h"
#include "jobs/job.h"

namespace creditd::jobs {

class ChargeExpiryJob final : public Job {
 public:
  static constexpr int kBatchChargesMax = 1000;

  explicit ChargeExpiryJob(app::ChargeService& charges) : charges_(charges) {}

  std::string_view name() const override { return "charge_expiry"; }
  std::chrono::seconds interval() const override { return std::chrono::seconds(5); }

  // Returns the number of charges expired.
  Result<int64_t> RunOnce(Timestamp now) override {
    return charges_.ExpireOverdue(now, kBatchChargesMax);
  }

 private:
  app::ChargeService& charges_;
};

class IdempotencyPruneJob final : public Job {
 public:
  static constexpr int kBatchKeysMax = 10000;
  static constexpr std::chrono::hours kRetention{24};

  explicit IdempotencyPruneJob(app::ChargeService& charges) : charges_(charges) {}

  std::string_view name() const override { return "idempotency_prune"; }
  std::chrono::seconds interval() const override { return std::chrono::seconds(3600); }

  // Returns the number of records deleted.
  Result<int64_t> RunOnce(Timestamp now) override {
    return charges_.PruneIdempotencyKeys(now - kRetention, kBatchKeysMax);
  }

 private:
  app::ChargeService& charges_;
};

}  // namespace creditd::jobs
