// PostgresBillingRepository: app::BillingRepository over one PostgreSQL connection. Handed out by
// PostgresUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/billing_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresBillingRepository final : public app::BillingRepository {
 public:
  explicit PostgresBillingRepository(PgConnection& connection) : db_(connection) {}

  Result<std::optional<std::string>> FindCustomer(int64_t account_id,
                                                  std::string_view provider) override;
  Result<std::optional<int64_t>> FindAccountOfCustomer(std::string_view provider,
                                                       std::string_view customer_id) override;
  Result<bool> InsertCustomer(int64_t account_id, std::string_view provider,
                              std::string_view customer_id, Timestamp now) override;
  Result<std::vector<std::pair<int64_t, std::string>>> ListCustomersWithoutSubscription(
      std::string_view provider, Timestamp since, int limit) override;
  Result<std::optional<app::ProviderEventRecord>> FindEvent(std::string_view provider,
                                                            std::string_view event_id) override;
  Result<std::vector<app::ProviderEventRecord>> ListEvents(std::optional<app::EventOutcome> outcome,
                                                           int limit) override;
  Status SaveEvent(const app::ProviderEventRecord& event) override;
  Result<bool> InsertCredit(const app::SubscriptionCredit& credit) override;
  Result<std::optional<app::SubscriptionCredit>> FindCredit(std::string_view provider,
                                                            std::string_view reference) override;
  Status UpdateCredit(const app::SubscriptionCredit& credit) override;
  Result<int64_t> InsertMessage(const app::OutboxMessage& message) override;
  Result<std::vector<app::OutboxMessage>> ListMessages(std::string_view recipient,
                                                       int limit) override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
