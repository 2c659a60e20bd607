// SqliteSubscriptionRepository: app::SubscriptionRepository over one SQLite connection. Handed
// out by SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/subscription_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteSubscriptionRepository final : public app::SubscriptionRepository {
 public:
  explicit SqliteSubscriptionRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const domain::Subscription& subscription) override;
  Result<std::optional<domain::Subscription>> FindCurrent(int64_t account_id) override;
  Result<std::optional<domain::Subscription>> FindByProviderId(
      std::string_view provider, std::string_view provider_subscription_id) override;
  Status Update(const domain::Subscription& subscription) override;
  Result<std::vector<domain::Subscription>> ListDueForRenewal(std::string_view provider,
                                                              Timestamp now, int limit) override;

 private:
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
