#include "storage/sqlite/sqlite_subscription_repository.h"

namespace creditd::storage::sqlite {

namespace {

// Column order shared by the reads below and ReadSubscription.
#define CREDITD_SUBSCRIPTION_COLUMNS                                                         \
  "SELECT id, account_id, provider, provider_customer_id, provider_subscription_id, "        \
  "price_id, plan_key, billing_interval, status, current_period_start, current_period_end, " \
  "cancel_at_period_end, created_at, updated_at, provider_item_id, pending_plan_key, "       \
  "provider_state_at FROM subscriptions "

Result<domain::Subscription> ReadRow(const Statement& statement) {
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
  subscription.provider_item_id = statement.Text(14);
  subscription.pending_plan_key = statement.Text(15);
  subscription.provider_state_at = FromUnixSeconds(statement.Int64(16));
  return subscription;
}

Result<std::optional<domain::Subscription>> ReadSubscription(Statement& statement) {
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<domain::Subscription>();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::Subscription subscription, ReadRow(statement));
  return std::optional<domain::Subscription>(std::move(subscription));
}

// Binds the 16 fields after the id, in the column order of the INSERT and the UPDATE.
void BindFields(Statement& statement, const domain::Subscription& s) {
  statement.Bind(1, s.account_id)
      .Bind(2, s.provider)
      .Bind(3, s.provider_customer_id)
      .Bind(4, s.provider_subscription_id)
      .Bind(5, s.price_id)
      .Bind(6, s.plan_key)
      .Bind(7, s.interval)
      .Bind(8, domain::SubscriptionStatusName(s.status))
      .Bind(9, ToUnixSeconds(s.current_period_start))
      .Bind(10, ToUnixSeconds(s.current_period_end))
      .Bind(11, int64_t{s.cancel_at_period_end ? 1 : 0})
      .Bind(12, ToUnixSeconds(s.created_at))
      .Bind(13, ToUnixSeconds(s.updated_at))
      .Bind(14, s.provider_item_id)
      .Bind(15, s.pending_plan_key)
      .Bind(16, ToUnixSeconds(s.provider_state_at));
}

}  // namespace

Result<int64_t> SqliteSubscriptionRepository::Insert(const domain::Subscription& subscription) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO subscriptions (account_id, provider, provider_customer_id, "
                  "provider_subscription_id, price_id, plan_key, billing_interval, status, "
                  "current_period_start, current_period_end, cancel_at_period_end, created_at, "
                  "updated_at, provider_item_id, pending_plan_key, provider_state_at) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  BindFields(statement, subscription);
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
  BindFields(statement, subscription);
  statement.Bind(17, subscription.id);
  return RunOne(db_, statement,
                Status(reason::kSubscriptionNotFound, "the subscription does not exist"));
}

Result<std::optional<domain::Subscription>> SqliteSubscriptionRepository::FindCurrent(
    int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare(CREDITD_SUBSCRIPTION_COLUMNS "WHERE account_id = ? ORDER BY id DESC LIMIT 1"));
  statement.Bind(1, account_id);
  return ReadSubscription(statement);
}

Result<std::optional<domain::Subscription>> SqliteSubscriptionRepository::FindByProviderId(
    std::string_view provider, std::string_view provider_subscription_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare(CREDITD_SUBSCRIPTION_COLUMNS
                                       "WHERE provider = ? AND provider_subscription_id = ?"));
  statement.Bind(1, provider).Bind(2, provider_subscription_id);
  return ReadSubscription(statement);
}

Result<std::vector<domain::Subscription>> SqliteSubscriptionRepository::ListDueForRenewal(
    std::string_view provider, Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare(CREDITD_SUBSCRIPTION_COLUMNS
                  "WHERE provider = ? AND status IN ('trialing', 'active', 'past_due') AND "
                  "current_period_end <= ? ORDER BY current_period_end, id LIMIT ?"));
  statement.Bind(1, provider).Bind(2, ToUnixSeconds(now)).Bind(3, int64_t{limit});
  std::vector<domain::Subscription> due;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&due](const Statement& row) -> Status {
    CREDITD_ASSIGN_OR_RETURN(domain::Subscription subscription, ReadRow(row));
    due.push_back(std::move(subscription));
    return Status::Ok();
  }));
  return due;
}

#undef CREDITD_SUBSCRIPTION_COLUMNS

}  // namespace creditd::storage::sqlite
