#include "storage/sqlite/sqlite_subscription_repository.h"

#include <string>

#include "storage/common/subscription_rows.h"

namespace creditd::storage::sqlite {

Result<int64_t> SqliteSubscriptionRepository::Insert(const domain::Subscription& subscription) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO subscriptions (account_id, provider, provider_customer_id, "
                  "provider_subscription_id, price_id, plan_key, billing_interval, status, "
                  "current_period_start, current_period_end, cancel_at_period_end, created_at, "
                  "updated_at, provider_item_id, pending_plan_key, provider_state_at) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindSubscription(params, subscription);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Status SqliteSubscriptionRepository::Update(const domain::Subscription& subscription) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE subscriptions SET account_id = ?, provider = ?, "
                  "provider_customer_id = ?, provider_subscription_id = ?, price_id = ?, "
                  "plan_key = ?, billing_interval = ?, status = ?, current_period_start = ?, "
                  "current_period_end = ?, cancel_at_period_end = ?, created_at = ?, "
                  "updated_at = ?, provider_item_id = ?, pending_plan_key = ?, "
                  "provider_state_at = ? WHERE id = ?"));
  ParamBinder params(statement);
  BindSubscription(params, subscription);
  params.Bind(subscription.id);
  return RunOne(db_, statement, SubscriptionNotFound());
}

Result<std::optional<domain::Subscription>> SqliteSubscriptionRepository::FindCurrent(
    int64_t account_id) {
  static const std::string kSql =
      std::string(kSubscriptionSelect) + "WHERE account_id = ? ORDER BY id DESC LIMIT 1";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id);
  return FirstRow(statement, MapSubscription<Statement>);
}

Result<std::optional<domain::Subscription>> SqliteSubscriptionRepository::FindByProviderId(
    std::string_view provider, std::string_view provider_subscription_id) {
  static const std::string kSql =
      std::string(kSubscriptionSelect) + "WHERE provider = ? AND provider_subscription_id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, provider).Bind(2, provider_subscription_id);
  return FirstRow(statement, MapSubscription<Statement>);
}

Result<std::vector<domain::Subscription>> SqliteSubscriptionRepository::ListDueForRenewal(
    std::string_view provider, Timestamp now, int limit) {
  static const std::string kSql =
      std::string(kSubscriptionSelect) +
      "WHERE provider = ? AND status IN ('trialing', 'active', 'past_due') AND "
      "current_period_end <= ? ORDER BY current_period_end, id LIMIT ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, provider).Bind(2, ToUnixSeconds(now)).Bind(3, int64_t{limit});
  return CollectRows(statement, MapSubscription<Statement>);
}

}  // namespace creditd::storage::sqlite
