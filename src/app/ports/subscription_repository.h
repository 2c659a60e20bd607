// Subscriptions of accounts to plans. Part of a UnitOfWork; not thread-safe on its own (see
// unit_of_work.h).
#pragma once

#include <cstdint>
#include <optional>

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
};

}  // namespace creditd::app
