// Billing jobs (issue 6 points 6 to 8), each idempotent and thread-safe:
// FreeCreditsJob grants the free plan's monthly credits on each account's monthly anniversary.
// BillingReconcileJob converges subscriptions and checkouts whose provider events were lost.
// ProviderCycleJob runs the billing cycle of a provider creditd drives itself (the sandbox's
// renewals and lapses); a remote provider (Stripe) runs its own and reports by events.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "app/billing_reconciler.h"
#include "app/free_plan_credits.h"
#include "jobs/job.h"

namespace creditd::jobs {

class FreeCreditsJob final : public Job {
 public:
  static constexpr int kBatchAccountsMax = 500;

  explicit FreeCreditsJob(app::FreePlanCredits& credits) : credits_(credits) {}

  std::string_view name() const override { return "free_credits"; }
  // An indexed look at the accounts due; a new account gets its first month's credits within
  // seconds of signing up.
  std::chrono::seconds interval() const override { return std::chrono::seconds(5); }

  // Returns the number of accounts granted credits.
  Result<int64_t> RunOnce(Timestamp now) override {
    return credits_.GrantDue(now, kBatchAccountsMax);
  }

 private:
  app::FreePlanCredits& credits_;
};

// Asks the billing provider about what its events may have missed (BillingReconciler).
class BillingReconcileJob final : public Job {
 public:
  static constexpr int kBatchMax = 100;

  explicit BillingReconcileJob(app::BillingReconciler& reconciler) : reconciler_(reconciler) {}

  std::string_view name() const override { return "billing_reconcile"; }
  std::chrono::seconds interval() const override { return std::chrono::seconds(600); }

  // Returns the number of subscriptions and refunds fetched (orders are OrderReconcileJob's).
  Result<int64_t> RunOnce(Timestamp now) override {
    return reconciler_.ReconcileSubscriptionsAndRefunds(now, kBatchMax);
  }

 private:
  app::BillingReconciler& reconciler_;
};

// The unpaid orders of the remote providers, each asked about as its age passes each of
// BillingReconciler::kCheckpoints (a lost notification recovered within minutes, a checkout
// closed at the provider soon after the order's deadline, every order of the last day reached).
class OrderReconcileJob final : public Job {
 public:
  // Orders per provider and checkpoint in one run: orders created within one minute, so a site
  // would need more than this many checkouts a minute at one provider to leave some unasked.
  static constexpr int kBatchMax = 500;
  static constexpr std::chrono::seconds kInterval{60};
  // The longest time a run looks back: a scheduler stopped longer leaves the rest to the hourly
  // pass.
  static constexpr std::chrono::seconds kLongestBand{15 * 60};

  explicit OrderReconcileJob(app::BillingReconciler& reconciler) : reconciler_(reconciler) {}

  std::string_view name() const override { return "order_reconcile"; }
  std::chrono::seconds interval() const override { return kInterval; }

  // Returns the number of orders queried. Each run covers the time since the previous one (a
  // run that took long leaves no checkpoint unasked) and half an interval more (an order asked
  // about twice is harmless). Called by one scheduler thread at a time.
  Result<int64_t> RunOnce(Timestamp now) override {
    std::chrono::seconds band = kInterval + kInterval / 2;
    if (last_run_) {
      band = std::clamp(
          std::chrono::duration_cast<std::chrono::seconds>(now - *last_run_) + kInterval / 2, band,
          kLongestBand);
    }
    last_run_ = now;
    return reconciler_.ReconcileOrdersAtCheckpoints(now, kBatchMax, band);
  }

 private:
  app::BillingReconciler& reconciler_;
  std::optional<Timestamp> last_run_;
};

// A provider's own billing cycle: `run(now, limit)` renews or lapses up to `limit` due
// subscriptions and returns how many it reported.
class ProviderCycleJob final : public Job {
 public:
  static constexpr int kBatchSubscriptionsMax = 500;
  using Run = std::function<Result<int64_t>(Timestamp now, int limit)>;

  explicit ProviderCycleJob(Run run) : run_(std::move(run)) {}

  std::string_view name() const override { return "subscription_renewal"; }
  // Often enough that a shortened sandbox period (a demo) lapses within seconds.
  std::chrono::seconds interval() const override { return std::chrono::seconds(2); }

  Result<int64_t> RunOnce(Timestamp now) override { return run_(now, kBatchSubscriptionsMax); }

 private:
  Run run_;
};

}  // namespace creditd::jobs
