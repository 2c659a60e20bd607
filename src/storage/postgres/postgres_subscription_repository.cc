#include "storage/postgres/postgres_subscription_repository.h"

namespace creditd::storage::postgres {

Result<int64_t> PostgresSubscriptionRepository::Insert(const domain::Subscription& subscription) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO subscriptions (account_id, provider, provider_customer_id, "
              "provider_subscription_id, price_id, plan_key, billing_interval, status, "
              "current_period_start, current_period_end, cancel_at_period_end, created_at, "
              "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
              "RETURNING id")
          .Bind(subscription.account_id)
          .Bind(subscription.provider)
          .Bind(subscription.provider_customer_id)
          .Bind(subscription.provider_subscription_id)
          .Bind(subscription.price_id)
          .Bind(subscription.plan_key)
          .Bind(subscription.interval)
          .Bind(domain::SubscriptionStatusName(subscription.status))
          .Bind(ToUnixSeconds(subscription.current_period_start))
          .Bind(ToUnixSeconds(subscription.current_period_end))
          .Bind(int64_t{subscription.cancel_at_period_end ? 1 : 0})
          .Bind(ToUnixSeconds(subscription.created_at))
          .Bind(ToUnixSeconds(subscription.updated_at))
          .Run());
  return rows.Int64(0, 0);
}

Result<std::optional<domain::Subscription>> PostgresSubscriptionRepository::FindCurrent(
    int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT id, account_id, provider, provider_customer_id, provider_subscription_id, "
              "price_id, plan_key, billing_interval, status, current_period_start, "
              "current_period_end, cancel_at_period_end, created_at, updated_at FROM "
              "subscriptions WHERE account_id = $1 ORDER BY id DESC LIMIT 1")
          .Bind(account_id)
          .Run());
  if (rows.size() == 0) {
    return std::optional<domain::Subscription>();
  }
  domain::Subscription subscription;
  subscription.id = rows.Int64(0, 0);
  subscription.account_id = rows.Int64(0, 1);
  subscription.provider = rows.Text(0, 2);
  subscription.provider_customer_id = rows.Text(0, 3);
  subscription.provider_subscription_id = rows.Text(0, 4);
  subscription.price_id = rows.Text(0, 5);
  subscription.plan_key = rows.Text(0, 6);
  subscription.interval = rows.Text(0, 7);
  const auto status = domain::ParseSubscriptionStatus(rows.Text(0, 8));
  if (!status) {
    return Corrupt("subscriptions.status");
  }
  subscription.status = *status;
  subscription.current_period_start = FromUnixSeconds(rows.Int64(0, 9));
  subscription.current_period_end = FromUnixSeconds(rows.Int64(0, 10));
  subscription.cancel_at_period_end = rows.Int64(0, 11) != 0;
  subscription.created_at = FromUnixSeconds(rows.Int64(0, 12));
  subscription.updated_at = FromUnixSeconds(rows.Int64(0, 13));
  return std::optional<domain::Subscription>(std::move(subscription));
}

}  // namespace creditd::storage::postgres
