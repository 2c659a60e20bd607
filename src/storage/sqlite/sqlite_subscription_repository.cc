#include "storage/sqlite/sqlite_subscription_repository.h"

namespace creditd::storage::sqlite {

Result<int64_t> SqliteSubscriptionRepository::Insert(const domain::Subscription& subscription) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO subscriptions (account_id, provider, provider_customer_id, "
                  "provider_subscription_id, price_id, plan_key, billing_interval, status, "
                  "current_period_start, current_period_end, cancel_at_period_end, created_at, "
                  "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, subscription.account_id)
      .Bind(2, subscription.provider)
      .Bind(3, subscription.provider_customer_id)
      .Bind(4, subscription.provider_subscription_id)
      .Bind(5, subscription.price_id)
      .Bind(6, subscription.plan_key)
      .Bind(7, subscription.interval)
      .Bind(8, domain::SubscriptionStatusName(subscription.status))
      .Bind(9, ToUnixSeconds(subscription.current_period_start))
      .Bind(10, ToUnixSeconds(subscription.current_period_end))
      .Bind(11, int64_t{subscription.cancel_at_period_end ? 1 : 0})
      .Bind(12, ToUnixSeconds(subscription.created_at))
      .Bind(13, ToUnixSeconds(subscription.updated_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<std::optional<domain::Subscription>> SqliteSubscriptionRepository::FindCurrent(
    int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id, account_id, provider, provider_customer_id, "
                  "provider_subscription_id, price_id, plan_key, billing_interval, status, "
                  "current_period_start, current_period_end, cancel_at_period_end, created_at, "
                  "updated_at FROM subscriptions WHERE account_id = ? ORDER BY id DESC LIMIT 1"));
  statement.Bind(1, account_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<domain::Subscription>();
  }
  domain::Subscription subscription;
  subscription.id = statement.Int64(0);
  subscription.account_id = statement.Int64(1);
  subscription.provider = statement.Text(2);
  subscription.provider_customer_id = statement.Text(3);
  subscription.provider_subscription_id = statement.Text(4);
  subscription.price_id = statement.Text(5);
  subscription.plan_key = statement.Text(6);
  subscription.interval = statement.Text(7);
  const auto status = domain::ParseSubscriptionStatus(statement.Text(8));
  if (!status) {
    return Corrupt("subscriptions.status");
  }
  subscription.status = *status;
  subscription.current_period_start = FromUnixSeconds(statement.Int64(9));
  subscription.current_period_end = FromUnixSeconds(statement.Int64(10));
  subscription.cancel_at_period_end = statement.Int64(11) != 0;
  subscription.created_at = FromUnixSeconds(statement.Int64(12));
  subscription.updated_at = FromUnixSeconds(statement.Int64(13));
  return std::optional<domain::Subscription>(std::move(subscription));
}

}  // namespace creditd::storage::sqlite
