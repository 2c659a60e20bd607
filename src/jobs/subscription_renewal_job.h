// Plan-credit jobs (issue 6 points 6 and 7), both idempotent and thread-safe:
// SubscriptionRenewalJob is the sandbox provider's billing cycle. Stripe renews its own
// subscriptions and reports by events; without Stripe this job starts the next period of each
// due sandbox subscription with its credits, applies a pending downgrade, and lapses a
// subscription cancelled at period end to the free plan.
// FreeCreditsJob grants the free plan's monthly credits on each account's monthly anniversary.
// BillingReconcileJob converges subscriptions whose Stripe events may have been lost.
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

class FreeCreditsJob final : public Job {
 public:
  static constexpr int kBatchAccountsMax = 500;

  explicit FreeCreditsJob(app::BillingService& billing) : billing_(billing) {}

  std::string_view name() const override { return "free_credits"; }
  // An indexed look at the accounts due; a new account gets its first month's credits within
  // seconds of signing up.
  std::chrono::seconds interval() const override { return std::chrono::seconds(5); }

  // Returns the number of accounts granted credits.
  Result<int64_t> RunOnce(Timestamp now) override {
    return billing_.GrantFreeCredits(now, kBatchAccountsMax);
  }

 private:
  app::BillingService& billing_;
};

// Asks Stripe about subscriptions whose events may have been lost (BillingService::Reconcile).
class BillingReconcileJob final : public Job {
 public:
  static constexpr int kBatchMax = 100;

  explicit BillingReconcileJob(app::BillingService& billing) : billing_(billing) {}

  std::string_view name() const override { return "billing_reconcile"; }
  std::chrono::seconds interval() const override { return std::chrono::seconds(600); }

  // Returns the number of subscriptions fetched from the provider.
  Result<int64_t> RunOnce(Timestamp now) override { return billing_.Reconcile(now, kBatchMax); }

 private:
  app::BillingService& billing_;
};

}  // namespace creditd::jobs
