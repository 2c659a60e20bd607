// Subscriptions of accounts to plans. Part of a UnitOfWork; not thread-safe on its own (see
// unit_of_work.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/subscription.h"

namespace creditd::app {

class SubscriptionRepository {
 public:
  virtual ~SubscriptionRepository() = default;

  // Inserts a subscription (id ignored) and returns its id.
  virtual Result<int64_t> Insert(const domain::Subscription& subscription) = 0;

  // Returns the account's newest subscription, or nullopt if it never had one.
  virtual Result<std::optional<domain::Subscription>> FindCurrent(int64_t account_id) = 0;

  // Returns the subscription with the provider's id, or nullopt.
  virtual Result<std::optional<domain::Subscription>> FindByProviderId(
      std::string_view provider, std::string_view provider_subscription_id) = 0;

  // Up to `limit` subscriptions of `provider` whose status grants access and whose current
  // period ended at or before `now`, soonest first (renewals the provider does not do itself).
  virtual Result<std::vector<domain::Subscription>> ListDueForRenewal(std::string_view provider,
                                                                      Timestamp now, int limit) = 0;

  // Rewrites every field of an existing subscription (by id). "subscription_not_found".
  virtual Status Update(const domain::Subscription& subscription) = 0;
};

}  // namespace creditd::app
