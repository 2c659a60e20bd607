// SubscriptionRenewalJob: the sandbox provider's billing cycle (issue 6 point 7). Stripe renews
// its own subscriptions and reports by events; without Stripe this job starts the next period
// of each due sandbox subscription with its credits, applies a pending downgrade, and lapses a
// subscription cancelled at period end to the free plan. Idempotent and thread-safe.
#pragma once

#include <chrono>

#include "app/billing_service.h"
#include "jobs/job.h"

namespace creditd::jobs {

class SubscriptionRenewalJob final : public Job {
 public:
  static constexpr int kBatchSubscriptionsMax = 500;

  explicit SubscriptionRenewalJob(app::BillingService& billing) : billing_(billing) {}

  std::string_view name() const override { return "subscription_renewal"; }
  // Often enough that a shortened sandbox period (a demo) lapses within seconds.
  std::chrono::seconds interval() const override { return std::chrono::seconds(2); }

  // Returns the number of subscriptions renewed or lapsed.
  Result<int64_t> RunOnce(Timestamp now) override {
    return billing_.RenewDue(now, kBatchSubscriptionsMax);
  }

 private:
  app::BillingService& billing_;
};

}  // namespace creditd::jobs
