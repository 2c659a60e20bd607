// GrantExpiryJob: writes EXPIRE entries for grants whose expiry has passed, one account per
// unit of work, at most kBatchAccountsMax accounts per run. Idempotent: an expired grant has no
// credits left, so a second run finds nothing to do. Thread-safe.
#pragma once

#include "app/ports/unit_of_work.h"
#include "jobs/job.h"

namespace creditd::jobs {

class GrantExpiryJob final : public Job {
 public:
  static constexpr int kBatchAccountsMax = 500;

  explicit GrantExpiryJob(app::Database& database) : database_(database) {}

  std::string_view name() const override { return "grant_expiry"; }
  std::chrono::seconds interval() const override { return std::chrono::seconds(60); }

  // Returns the number of grants expired.
  Result<int64_t> RunOnce(Timestamp now) override;

 private:
  app::Database& database_;
};

}  // namespace creditd::jobs
