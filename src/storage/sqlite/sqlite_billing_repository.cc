#include "storage/sqlite/sqlite_billing_repository.h"

#include <string>

#include "storage/common/billing_rows.h"

namespace creditd::storage::sqlite {

Result<std::optional<std::string>> SqliteBillingRepository::FindCustomer(
    int64_t account_id, std::string_view provider) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT customer_id FROM billing_customers WHERE account_id = ? AND "
                  "provider = ?"));
  statement.Bind(1, account_id).Bind(2, provider);
  return FirstRow(statement,
                  [](const Statement& row) -> Result<std::string> { return row.Text(0); });
}

Result<std::optional<int64_t>> SqliteBillingRepository::FindAccountOfCustomer(
    std::string_view provider, std::string_view customer_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT account_id FROM billing_customers WHERE provider = ? AND "
                  "customer_id = ?"));
  statement.Bind(1, provider).Bind(2, customer_id);
  return FirstRow(statement, MapId<Statement>);
}

Result<bool> SqliteBillingRepository::InsertCustomer(int64_t account_id, std::string_view provider,
                                                     std::string_view customer_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO billing_customers (account_id, provider, customer_id, created_at) "
                  "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  statement.Bind(1, account_id).Bind(2, provider).Bind(3, customer_id).Bind(4, ToUnixSeconds(now));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<std::vector<std::pair<int64_t, std::string>>>
SqliteBillingRepository::ListCustomersWithoutSubscription(std::string_view provider,
                                                          Timestamp since, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT c.account_id, c.customer_id FROM billing_customers c WHERE "
                  "c.provider = ? AND c.created_at >= ? AND NOT EXISTS (SELECT 1 FROM "
                  "subscriptions s WHERE s.account_id = c.account_id AND s.provider = c.provider) "
                  "ORDER BY c.created_at LIMIT ?"));
  statement.Bind(1, provider).Bind(2, ToUnixSeconds(since)).Bind(3, int64_t{limit});
  return CollectRows(statement, MapAccountCustomer<Statement>);
}

Result<std::optional<app::ProviderEventRecord>> SqliteBillingRepository::FindEvent(
    std::string_view provider, std::string_view event_id) {
  static const std::string kSql = std::string(kEventSelect) + "WHERE provider = ? AND event_id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, provider).Bind(2, event_id);
  return FirstRow(statement, MapProviderEvent<Statement>);
}

Result<std::vector<app::ProviderEventRecord>> SqliteBillingRepository::ListEvents(
    std::optional<app::EventOutcome> outcome, int limit) {
  static const std::string kSql =
      std::string(kEventSelect) + "WHERE ? = '' OR status = ? ORDER BY received_at DESC LIMIT ?";
  const std::string_view status = outcome ? app::EventOutcomeName(*outcome) : "";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, status).Bind(2, status).Bind(3, int64_t{limit});
  return CollectRows(statement, MapProviderEvent<Statement>);
}

Status SqliteBillingRepository::SaveEvent(const app::ProviderEventRecord& event) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO provider_events (provider, event_id, event_type, event_created, "
                  "received_at, status, attempts, last_error, payload) VALUES (?, ?, ?, ?, ?, ?, "
                  "?, ?, ?) ON CONFLICT (provider, event_id) DO UPDATE SET received_at = "
                  "excluded.received_at, status = excluded.status, attempts = excluded.attempts, "
                  "last_error = excluded.last_error"));
  ParamBinder params(statement);
  BindProviderEvent(params, event);
  return statement.Run();
}

Result<bool> SqliteBillingRepository::InsertCredit(const app::SubscriptionCredit& credit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO subscription_credits (provider, reference, account_id, "
                  "subscription_id, credits, entry_id, clawed_back, created_at) VALUES (?, ?, ?, "
                  "?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  ParamBinder params(statement);
  BindNewCredit(params, credit);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<std::optional<app::SubscriptionCredit>> SqliteBillingRepository::FindCredit(
    std::string_view provider, std::string_view reference) {
  static const std::string kSql =
      std::string(kCreditSelect) + "WHERE provider = ? AND reference = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, provider).Bind(2, reference);
  return FirstRow(statement, [&](const Statement& row) {
    return MapSubscriptionCredit(row, provider, reference);
  });
}

Status SqliteBillingRepository::UpdateCredit(const app::SubscriptionCredit& credit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE subscription_credits SET entry_id = ?, clawed_back = ? WHERE "
                  "provider = ? AND reference = ?"));
  statement.Bind(1, credit.entry_id)
      .Bind(2, credit.clawed_back)
      .Bind(3, credit.provider)
      .Bind(4, credit.reference);
  return RunOne(db_, statement, Corrupt("subscription_credits: no row " + credit.reference));
}

Result<int64_t> SqliteBillingRepository::InsertMessage(const app::OutboxMessage& message) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO outbox (kind, recipient, subject, body, created_at, sent_at) "
                  "VALUES (?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindNewMessage(params, message);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<std::vector<app::OutboxMessage>> SqliteBillingRepository::ListMessages(
    std::string_view recipient, int limit) {
  static const std::string kSql =
      std::string(kMessageSelect) + "WHERE ? = '' OR recipient = ? ORDER BY id DESC LIMIT ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, recipient).Bind(2, recipient).Bind(3, int64_t{limit});
  return CollectRows(statement, MapOutboxMessage<Statement>);
}

}  // namespace creditd::storage::sqlite
