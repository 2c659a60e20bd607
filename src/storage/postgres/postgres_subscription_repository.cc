#include "storage/postgres/postgres_subscription_repository.h"

namespace creditd::storage::postgres {

namespace {

// Column order shared by the reads below and ReadSubscription.
#define CREDITD_SUBSCRIPTION_COLUMNS                                                         \
  "SELECT id, account_id, provider, provider_customer_id, provider_subscription_id, "        \
  "price_id, plan_key, billing_interval, status, current_period_start, current_period_end, " \
  "cancel_at_period_end, created_at, updated_at, provider_item_id, pending_plan_key, "       \
  "provider_state_at FROM subscriptions "

Result<domain::Subscription> ReadRow(const PgRows& rows, int row) {
  domain::Subscription subscription;
  subscription.id = rows.Int64(row, 0);
  subscription.account_id = rows.Int64(row, 1);
  subscription.provider = rows.Text(row, 2);
  subscription.provider_customer_id = rows.Text(row, 3);
  subscription.provider_subscription_id = rows.Text(row, 4);
  subscription.price_id = rows.Text(row, 5);
  subscription.plan_key = rows.Text(row, 6);
  subscription.interval = rows.Text(row, 7);
  const auto status = domain::ParseSubscriptionStatus(rows.Text(row, 8));
  if (!status) {
    return Corrupt("subscriptions.status");
  }
  subscription.status = *status;
  subscription.current_period_start = FromUnixSeconds(rows.Int64(row, 9));
  subscription.current_period_end = FromUnixSeconds(rows.Int64(row, 10));
  subscription.cancel_at_period_end = rows.Int64(row, 11) != 0;
  subscription.created_at = FromUnixSeconds(rows.Int64(row, 12));
  subscription.updated_at = FromUnixSeconds(rows.Int64(row, 13));
  subscription.provider_item_id = rows.Text(row, 14);
  subscription.pending_plan_key = rows.Text(row, 15);
  subscription.provider_state_at = FromUnixSeconds(rows.Int64(row, 16));
  return subscription;
}

Result<std::optional<domain::Subscription>> ReadSubscription(const PgRows& rows) {
  if (rows.size() == 0) {
    return std::optional<domain::Subscription>();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::Subscription subscription, ReadRow(rows, 0));
  return std::optional<domain::Subscription>(std::move(subscription));
}

// Binds the 16 fields after the id, in the column order of the INSERT and the UPDATE.
void BindFields(PgQuery& query, const domain::Subscription& s) {
  query.Bind(s.account_id)
      .Bind(s.provider)
      .Bind(s.provider_customer_id)
      .Bind(s.provider_subscription_id)
      .Bind(s.price_id)
      .Bind(s.plan_key)
      .Bind(s.interval)
      .Bind(domain::SubscriptionStatusName(s.status))
      .Bind(ToUnixSeconds(s.current_period_start))
      .Bind(ToUnixSeconds(s.current_period_end))
      .Bind(int64_t{s.cancel_at_period_end ? 1 : 0})
      .Bind(ToUnixSeconds(s.created_at))
      .Bind(ToUnixSeconds(s.updated_at))
      .Bind(s.provider_item_id)
      .Bind(s.pending_plan_key)
      .Bind(ToUnixSeconds(s.provider_state_at));
}

}  // namespace

Result<int64_t> PostgresSubscriptionRepository::Insert(const domain::Subscription& subscription) {
  PgQuery query(db_,
                "INSERT INTO subscriptions (account_id, provider, provider_customer_id, "
                "provider_subscription_id, price_id, plan_key, billing_interval, status, "
                "current_period_start, current_period_end, cancel_at_period_end, created_at, "
                "updated_at, provider_item_id, pending_plan_key, provider_state_at) VALUES ($1, "
                "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id");
  BindFields(query, subscription);
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
  BindFields(query, subscription);
  query.Bind(subscription.id);
  return RunOne(query, Status(reason::kSubscriptionNotFound, "the subscription does not exist"));
}

Result<std::optional<domain::Subscription>> PostgresSubscriptionRepository::FindCurrent(
    int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_, CREDITD_SUBSCRIPTION_COLUMNS "WHERE account_id = $1 ORDER BY id DESC LIMIT 1")
          .Bind(account_id)
          .Run());
  return ReadSubscription(rows);
}

Result<std::optional<domain::Subscription>> PostgresSubscriptionRepository::FindByProviderId(
    std::string_view provider, std::string_view provider_subscription_id) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, CREDITD_SUBSCRIPTION_COLUMNS
                                   "WHERE provider = $1 AND provider_subscription_id = $2")
                               .Bind(provider)
                               .Bind(provider_subscription_id)
                               .Run());
  return ReadSubscription(rows);
}

Result<std::vector<domain::Subscription>> PostgresSubscriptionRepository::ListDueForRenewal(
    std::string_view provider, Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_, CREDITD_SUBSCRIPTION_COLUMNS
              "WHERE provider = $1 AND status IN ('trialing', 'active', 'past_due') AND "
              "current_period_end <= $2 ORDER BY current_period_end, id LIMIT $3")
          .Bind(provider)
          .Bind(ToUnixSeconds(now))
          .Bind(int64_t{limit})
          .Run());
  std::vector<domain::Subscription> due;
  for (int row = 0; row < rows.size(); ++row) {
    CREDITD_ASSIGN_OR_RETURN(domain::Subscription subscription, ReadRow(rows, row));
    due.push_back(std::move(subscription));
  }
  return due;
}

#undef CREDITD_SUBSCRIPTION_COLUMNS

}  // namespace creditd::storage::postgres
