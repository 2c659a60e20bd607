#include "storage/postgres/postgres_billing_repository.h"

namespace creditd::storage::postgres {

Result<std::optional<std::string>> PostgresBillingRepository::FindCustomer(
    int64_t account_id, std::string_view provider) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT customer_id FROM billing_customers WHERE account_id = $1 AND provider = $2")
          .Bind(account_id)
          .Bind(provider)
          .Run());
  if (rows.size() == 0) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(rows.Text(0, 0));
}

Result<std::optional<int64_t>> PostgresBillingRepository::FindAccountOfCustomer(
    std::string_view provider, std::string_view customer_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT account_id FROM billing_customers WHERE provider = $1 AND customer_id = $2")
          .Bind(provider)
          .Bind(customer_id)
          .Run());
  if (rows.size() == 0) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(rows.Int64(0, 0));
}

Result<bool> PostgresBillingRepository::InsertCustomer(int64_t account_id,
                                                       std::string_view provider,
                                                       std::string_view customer_id,
                                                       Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO billing_customers (account_id, provider, customer_id, created_at) "
              "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
          .Bind(account_id)
          .Bind(provider)
          .Bind(customer_id)
          .Bind(ToUnixSeconds(now))
          .Run());
  return rows.affected() == 1;
}

Result<std::vector<std::pair<int64_t, std::string>>>
PostgresBillingRepository::ListCustomersWithoutSubscription(std::string_view provider,
                                                            Timestamp since, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT c.account_id, c.customer_id FROM billing_customers c WHERE c.provider = $1 "
              "AND c.created_at >= $2 AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE "
              "s.account_id = c.account_id AND s.provider = c.provider) ORDER BY c.created_at "
              "LIMIT $3")
          .Bind(provider)
          .Bind(ToUnixSeconds(since))
          .Bind(int64_t{limit})
          .Run());
  std::vector<std::pair<int64_t, std::string>> customers;
  for (int row = 0; row < rows.size(); ++row) {
    customers.emplace_back(rows.Int64(row, 0), rows.Text(row, 1));
  }
  return customers;
}

Result<std::optional<app::ProviderEventRecord>> PostgresBillingRepository::FindEvent(
    std::string_view provider, std::string_view event_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT event_type, event_created, received_at, status, attempts, last_error, "
              "payload FROM provider_events WHERE provider = $1 AND event_id = $2")
          .Bind(provider)
          .Bind(event_id)
          .Run());
  if (rows.size() == 0) {
    return std::optional<app::ProviderEventRecord>();
  }
  app::ProviderEventRecord event;
  event.provider = std::string(provider);
  event.event_id = std::string(event_id);
  event.type = rows.Text(0, 0);
  event.created = FromUnixSeconds(rows.Int64(0, 1));
  event.received_at = FromUnixSeconds(rows.Int64(0, 2));
  const auto outcome = app::ParseEventOutcome(rows.Text(0, 3));
  if (!outcome) {
    return Corrupt("provider_events.status");
  }
  event.outcome = *outcome;
  event.attempts = rows.Int64(0, 4);
  event.last_error = rows.Text(0, 5);
  event.payload = rows.Text(0, 6);
  return std::optional<app::ProviderEventRecord>(std::move(event));
}

Status PostgresBillingRepository::SaveEvent(const app::ProviderEventRecord& event) {
  return PgQuery(db_,
                 "INSERT INTO provider_events (provider, event_id, event_type, event_created, "
                 "received_at, status, attempts, last_error, payload) VALUES ($1, $2, $3, $4, "
                 "$5, $6, $7, $8, $9) ON CONFLICT (provider, event_id) DO UPDATE SET "
                 "received_at = excluded.received_at, status = excluded.status, attempts = "
                 "excluded.attempts, last_error = excluded.last_error")
      .Bind(event.provider)
      .Bind(event.event_id)
      .Bind(event.type)
      .Bind(ToUnixSeconds(event.created))
      .Bind(ToUnixSeconds(event.received_at))
      .Bind(app::EventOutcomeName(event.outcome))
      .Bind(event.attempts)
      .Bind(event.last_error)
      .Bind(event.payload)
      .Run()
      .status();
}

Result<bool> PostgresBillingRepository::InsertCredit(const app::SubscriptionCredit& credit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO subscription_credits (provider, reference, account_id, "
              "subscription_id, credits, entry_id, clawed_back, created_at) VALUES ($1, $2, $3, "
              "$4, $5, $6, $7, $8) ON CONFLICT DO NOTHING")
          .Bind(credit.provider)
          .Bind(credit.reference)
          .Bind(credit.account_id)
          .Bind(credit.subscription_id)
          .Bind(credit.credits)
          .Bind(credit.entry_id)
          .Bind(credit.clawed_back)
          .Bind(ToUnixSeconds(credit.created_at))
          .Run());
  return rows.affected() == 1;
}

Result<std::optional<app::SubscriptionCredit>> PostgresBillingRepository::FindCredit(
    std::string_view provider, std::string_view reference) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT account_id, subscription_id, credits, entry_id, clawed_back, created_at "
              "FROM subscription_credits WHERE provider = $1 AND reference = $2")
          .Bind(provider)
          .Bind(reference)
          .Run());
  if (rows.size() == 0) {
    return std::optional<app::SubscriptionCredit>();
  }
  app::SubscriptionCredit credit;
  credit.provider = std::string(provider);
  credit.reference = std::string(reference);
  credit.account_id = rows.Int64(0, 0);
  credit.subscription_id = rows.OptionalInt64(0, 1);
  credit.credits = rows.Int64(0, 2);
  credit.entry_id = rows.OptionalInt64(0, 3);
  credit.clawed_back = rows.Int64(0, 4);
  credit.created_at = FromUnixSeconds(rows.Int64(0, 5));
  return std::optional<app::SubscriptionCredit>(std::move(credit));
}

Status PostgresBillingRepository::UpdateCredit(const app::SubscriptionCredit& credit) {
  PgQuery query(db_,
                "UPDATE subscription_credits SET entry_id = $1, clawed_back = $2 WHERE "
                "provider = $3 AND reference = $4");
  query.Bind(credit.entry_id).Bind(credit.clawed_back).Bind(credit.provider).Bind(credit.reference);
  return RunOne(query, Corrupt("subscription_credits: no row " + credit.reference));
}

Result<int64_t> PostgresBillingRepository::InsertMessage(const app::OutboxMessage& message) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO outbox (kind, recipient, subject, body, created_at, sent_at) VALUES "
              "($1, $2, $3, $4, $5, $6) RETURNING id")
          .Bind(message.kind)
          .Bind(message.recipient)
          .Bind(message.subject)
          .Bind(message.body)
          .Bind(ToUnixSeconds(message.created_at))
          .Bind(OptionalSeconds(message.sent_at))
          .Run());
  return rows.Int64(0, 0);
}

Result<std::vector<app::OutboxMessage>> PostgresBillingRepository::ListMessages(
    std::string_view recipient, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT id, kind, recipient, subject, body, created_at, sent_at FROM outbox WHERE "
              "$1 = '' OR recipient = $1 ORDER BY id DESC LIMIT $2")
          .Bind(recipient)
          .Bind(int64_t{limit})
          .Run());
  std::vector<app::OutboxMessage> messages;
  for (int row = 0; row < rows.size(); ++row) {
    app::OutboxMessage message;
    message.id = rows.Int64(row, 0);
    message.kind = rows.Text(row, 1);
    message.recipient = rows.Text(row, 2);
    message.subject = rows.Text(row, 3);
    message.body = rows.Text(row, 4);
    message.created_at = FromUnixSeconds(rows.Int64(row, 5));
    message.sent_at = OptionalTime(rows, row, 6);
    messages.push_back(std::move(message));
  }
  return messages;
}

}  // namespace creditd::storage::postgres
