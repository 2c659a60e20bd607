// What subscription billing stores besides subscriptions: the provider customer of each
// account, the inbox of provider events, plan credits granted once per reference, and the mail
// outbox. Part of a UnitOfWork; not thread-safe on its own (see unit_of_work.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

// What became of a provider event: applied, acknowledged without effect (a type creditd does not
// act on, or about objects it does not know), failed (answered 500 so the provider retries), or
// poison (can never be applied: kept for an operator and answered 200 so it stops coming).
enum class EventOutcome { kProcessed, kIgnored, kFailed, kPoison };

inline std::string_view EventOutcomeName(EventOutcome outcome) {
  switch (outcome) {
    case EventOutcome::kProcessed:
      return "processed";
    case EventOutcome::kIgnored:
      return "ignored";
    case EventOutcome::kFailed:
      return "failed";
    case EventOutcome::kPoison:
      return "poison";
  }
  return "failed";
}

inline std::optional<EventOutcome> ParseEventOutcome(std::string_view name) {
  for (const EventOutcome outcome : {EventOutcome::kProcessed, EventOutcome::kIgnored,
                                     EventOutcome::kFailed, EventOutcome::kPoison}) {
    if (EventOutcomeName(outcome) == name) {
      return outcome;
    }
  }
  return std::nullopt;
}

// One provider notification as received.
struct ProviderEventRecord {
  std::string provider;
  std::string event_id;
  std::string type;
  Timestamp created{};      // When the provider produced it.
  Timestamp received_at{};  // The last delivery.
  EventOutcome outcome = EventOutcome::kProcessed;
  int64_t attempts = 0;  // Deliveries so far.
  std::string last_error;
  std::string payload;  // The raw body.
};

// Plan credits granted for a subscription under a unique reference.
struct SubscriptionCredit {
  std::string provider;
  std::string reference;  // The provider's invoice id, or "free:<account>:<start>".
  int64_t account_id = 0;
  std::optional<int64_t> subscription_id;  // nullopt: the free plan's credits.
  int64_t credits = 0;
  std::optional<int64_t> entry_id;  // The GRANT entry.
  int64_t clawed_back = 0;          // Credits taken back after a refund.
  Timestamp created_at{};
};

struct OutboxMessage {
  int64_t id = 0;
  std::string kind;  // "email".
  std::string recipient;
  std::string subject;
  std::string body;
  Timestamp created_at{};
  std::optional<Timestamp> sent_at;
};

class BillingRepository {
 public:
  virtual ~BillingRepository() = default;

  // The account's customer id at `provider`, or nullopt.
  virtual Result<std::optional<std::string>> FindCustomer(int64_t account_id,
                                                          std::string_view provider) = 0;
  // The account of a provider customer, or nullopt.
  virtual Result<std::optional<int64_t>> FindAccountOfCustomer(std::string_view provider,
                                                               std::string_view customer_id) = 0;
  // Customers of `provider` recorded at or after `since` whose account has no subscription of
  // that provider: checkouts that may have completed without their events arriving.
  virtual Result<std::vector<std::pair<int64_t, std::string>>> ListCustomersWithoutSubscription(
      std::string_view provider, Timestamp since, int limit) = 0;
  // Records the account's customer; keeps an existing one (returns false then).
  virtual Result<bool> InsertCustomer(int64_t account_id, std::string_view provider,
                                      std::string_view customer_id, Timestamp now) = 0;

  virtual Result<std::optional<ProviderEventRecord>> FindEvent(std::string_view provider,
                                                               std::string_view event_id) = 0;
  // Up to `limit` events with `outcome` (nullopt: any), the latest delivery first.
  virtual Result<std::vector<ProviderEventRecord>> ListEvents(std::optional<EventOutcome> outcome,
                                                              int limit) = 0;
  // Inserts the event; for one already stored with the same provider and id, updates its
  // handling (received_at, status, attempts, last_error) and keeps the first delivery's type,
  // time and payload.
  virtual Status SaveEvent(const ProviderEventRecord& event) = 0;

  // Inserts the credit unless its (provider, reference) exists; returns whether it did.
  virtual Result<bool> InsertCredit(const SubscriptionCredit& credit) = 0;
  virtual Result<std::optional<SubscriptionCredit>> FindCredit(std::string_view provider,
                                                               std::string_view reference) = 0;
  // Sets entry_id and clawed_back of an existing credit.
  virtual Status UpdateCredit(const SubscriptionCredit& credit) = 0;

  virtual Result<int64_t> InsertMessage(const OutboxMessage& message) = 0;
  // Messages to `recipient` ("" for everyone), newest first, at most `limit`.
  virtual Result<std::vector<OutboxMessage>> ListMessages(std::string_view recipient,
                                                          int limit) = 0;
};

}  // namespace creditd::app
