#include "storage/postgres/postgres_subscription_repository.h"

#include <string>

#include "storage/common/subscription_rows.h"

namespace creditd::storage::postgres {

Result<int64_t> PostgresSubscriptionRepository::Insert(const domain::Subscription& subscription) {
  PgQuery query(db_,
                "INSERT INTO subscriptions (account_id, provider, provider_customer_id, "
                "provider_subscription_id, price_id, plan_key, billing_interval, status, "
                "current_period_start, current_period_end, cancel_at_period_end, created_at, "
                "updated_at, provider_item_id, pending_plan_key, provider_state_at) VALUES ($1, "
                "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id");
  BindSubscription(query, subscription);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.Int64(0, 0);
}

Status PostgresSubscriptionRepository::Update(const domain::Subscription& subscription) {
  PgQuery query(db_,
                "UPDATE subscriptions SET account_id = $1, provider = $2, "
                "provider_customer_id = $3, provider_subscription_id = $4, price_id = $5, "
                "plan_key = $6, billing_interval = $7, status = $8, current_period_start = $9, "
                "current_period_end = $10, cancel_at_period_end = $11, created_at = $12, "
                "updated_at = $13, provider_item_id = $14, pending_plan_key = $15, "
                "provider_state_at = $16 WHERE id = $17");
  BindSubscription(query, subscription);
  query.Bind(subscription.id);
  return RunOne(query, SubscriptionNotFound());
}

Result<std::optional<domain::Subscription>> PostgresSubscriptionRepository::FindCurrent(
    int64_t account_id) {
  static const std::string kSql =
      std::string(kSubscriptionSelect) + "WHERE account_id = $1 ORDER BY id DESC LIMIT 1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(account_id).Run());
  return FirstRow(rows, MapSubscription<PgRow>);
}

Result<std::optional<domain::Subscription>> PostgresSubscriptionRepository::FindByProviderId(
    std::string_view provider, std::string_view provider_subscription_id) {
  static const std::string kSql =
      std::string(kSubscriptionSelect) + "WHERE provider = $1 AND provider_subscription_id = $2";
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_, kSql.c_str()).Bind(provider).Bind(provider_subscription_id).Run());
  return FirstRow(rows, MapSubscription<PgRow>);
}

Result<std::vector<domain::Subscription>> PostgresSubscriptionRepository::ListDueForRenewal(
    std::string_view provider, Timestamp now, int limit) {
  static const std::string kSql =
      std::string(kSubscriptionSelect) +
      "WHERE provider = $1 AND status IN ('trialing', 'active', 'past_due') AND "
      "current_period_end <= $2 ORDER BY current_period_end, id LIMIT $3";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str())
                                                  .Bind(provider)
                                                  .Bind(ToUnixSeconds(now))
                                                  .Bind(int64_t{limit})
                                                  .Run());
  return CollectRows(rows, MapSubscription<PgRow>);
}

}  // namespace creditd::storage::postgres
