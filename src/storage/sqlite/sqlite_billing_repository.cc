#include "storage/sqlite/sqlite_billing_repository.h"

namespace creditd::storage::sqlite {

Result<std::optional<std::string>> SqliteBillingRepository::FindCustomer(
    int64_t account_id, std::string_view provider) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT customer_id FROM billing_customers WHERE account_id = ? AND "
                  "provider = ?"));
  statement.Bind(1, account_id).Bind(2, provider);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(statement.Text(0));
}

Result<std::optional<int64_t>> SqliteBillingRepository::FindAccountOfCustomer(
    std::string_view provider, std::string_view customer_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT account_id FROM billing_customers WHERE provider = ? AND "
                  "customer_id = ?"));
  statement.Bind(1, provider).Bind(2, customer_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(statement.Int64(0));
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
  std::vector<std::pair<int64_t, std::string>> customers;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&customers](const Statement& row) {
    customers.emplace_back(row.Int64(0), row.Text(1));
    return Status::Ok();
  }));
  return customers;
}

Result<std::optional<app::ProviderEventRecord>> SqliteBillingRepository::FindEvent(
    std::string_view provider, std::string_view event_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT event_type, event_created, received_at, status, attempts, last_error, "
                  "payload FROM provider_events WHERE provider = ? AND event_id = ?"));
  statement.Bind(1, provider).Bind(2, event_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<app::ProviderEventRecord>();
  }
  app::ProviderEventRecord event;
  event.provider = std::string(provider);
  event.event_id = std::string(event_id);
  event.type = statement.Text(0);
  event.created = FromUnixSeconds(statement.Int64(1));
  event.received_at = FromUnixSeconds(statement.Int64(2));
  const auto outcome = app::ParseEventOutcome(statement.Text(3));
  if (!outcome) {
    return Corrupt("provider_events.status");
  }
  event.outcome = *outcome;
  event.attempts = statement.Int64(4);
  event.last_error = statement.Text(5);
  event.payload = statement.Text(6);
  return std::optional<app::ProviderEventRecord>(std::move(event));
}

Status SqliteBillingRepository::SaveEvent(const app::ProviderEventRecord& event) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO provider_events (provider, event_id, event_type, event_created, "
                  "received_at, status, attempts, last_error, payload) VALUES (?, ?, ?, ?, ?, ?, "
                  "?, ?, ?) ON CONFLICT (provider, event_id) DO UPDATE SET received_at = "
                  "excluded.received_at, status = excluded.status, attempts = excluded.attempts, "
                  "last_error = excluded.last_error"));
  statement.Bind(1, event.provider)
      .Bind(2, event.event_id)
      .Bind(3, event.type)
      .Bind(4, ToUnixSeconds(event.created))
      .Bind(5, ToUnixSeconds(event.received_at))
      .Bind(6, app::EventOutcomeName(event.outcome))
      .Bind(7, event.attempts)
      .Bind(8, event.last_error)
      .Bind(9, event.payload);
  return statement.Run();
}

Result<bool> SqliteBillingRepository::InsertCredit(const app::SubscriptionCredit& credit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO subscription_credits (provider, reference, account_id, "
                  "subscription_id, credits, entry_id, clawed_back, created_at) VALUES (?, ?, ?, "
                  "?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  statement.Bind(1, credit.provider)
      .Bind(2, credit.reference)
      .Bind(3, credit.account_id)
      .Bind(4, credit.subscription_id)
      .Bind(5, credit.credits)
      .Bind(6, credit.entry_id)
      .Bind(7, credit.clawed_back)
      .Bind(8, ToUnixSeconds(credit.created_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<std::optional<app::SubscriptionCredit>> SqliteBillingRepository::FindCredit(
    std::string_view provider, std::string_view reference) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT account_id, subscription_id, credits, entry_id, clawed_back, "
                  "created_at FROM subscription_credits WHERE provider = ? AND reference = ?"));
  statement.Bind(1, provider).Bind(2, reference);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<app::SubscriptionCredit>();
  }
  app::SubscriptionCredit credit;
  credit.provider = std::string(provider);
  credit.reference = std::string(reference);
  credit.account_id = statement.Int64(0);
  credit.subscription_id = statement.OptionalInt64(1);
  credit.credits = statement.Int64(2);
  credit.entry_id = statement.OptionalInt64(3);
  credit.clawed_back = statement.Int64(4);
  credit.created_at = FromUnixSeconds(statement.Int64(5));
  return std::optional<app::SubscriptionCredit>(std::move(credit));
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
  statement.Bind(1, message.kind)
      .Bind(2, message.recipient)
      .Bind(3, message.subject)
      .Bind(4, message.body)
      .Bind(5, ToUnixSeconds(message.created_at))
      .Bind(6, OptionalSeconds(message.sent_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<std::vector<app::OutboxMessage>> SqliteBillingRepository::ListMessages(
    std::string_view recipient, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id, kind, recipient, subject, body, created_at, sent_at FROM outbox "
                  "WHERE ? = '' OR recipient = ? ORDER BY id DESC LIMIT ?"));
  statement.Bind(1, recipient).Bind(2, recipient).Bind(3, int64_t{limit});
  std::vector<app::OutboxMessage> messages;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&messages](const Statement& row) {
    app::OutboxMessage message;
    message.id = row.Int64(0);
    message.kind = row.Text(1);
    message.recipient = row.Text(2);
    message.subject = row.Text(3);
    message.body = row.Text(4);
    message.created_at = FromUnixSeconds(row.Int64(5));
    message.sent_at = OptionalTime(row, 6);
    messages.push_back(std::move(message));
    return Status::Ok();
  }));
  return messages;
}

}  // namespace creditd::storage::sqlite
