// OrderExpiryJob: marks pending orders expired once their payment deadline
// (domain::kPendingOrderLifetime) has passed, kBatchOrdersMax per run. Idempotent. Thread-safe.
#pragma once

#include "app/order_service.h"
#include "jobs/job.h"

namespace creditd::jobs {

class OrderExpiryJob final : public Job {
 public:
  static constexpr int kBatchOrdersMax = 500;

  explicit OrderExpiryJob(app::OrderService& orders) : orders_(orders) {}

  std::string_view name() const override { return "order_expiry"; }
  std::chrono::seconds interval() const override { return std::chrono::seconds(60); }

  // Returns the number of orders expired.
  Result<int64_t> RunOnce(Timestamp now) override {
    return orders_.ExpireOverdue(now, kBatchOrdersMax);
  }

 private:
  app::OrderService& orders_;
};

}  // namespace creditd::jobs
