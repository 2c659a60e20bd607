#include "storage/postgres/postgres_billing_repository.h"

#include <string>

#include "storage/common/billing_rows.h"

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
  return FirstRow(rows, [](const PgRow& row) -> Result<std::string> { return row.Text(0); });
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
  return FirstRow(rows, MapId<PgRow>);
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
  return CollectRows(rows, MapAccountCustomer<PgRow>);
}

Result<std::optional<app::ProviderEventRecord>> PostgresBillingRepository::FindEvent(
    std::string_view provider, std::string_view event_id) {
  static const std::string kSql =
      std::string(kEventSelect) + "WHERE provider = $1 AND event_id = $2";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kSql.c_str()).Bind(provider).Bind(event_id).Run());
  return FirstRow(rows, MapProviderEvent<PgRow>);
}

Result<std::vector<app::ProviderEventRecord>> PostgresBillingRepository::ListEvents(
    std::optional<app::EventOutcome> outcome, int limit) {
  static const std::string kSql =
      std::string(kEventSelect) + "WHERE $1 = '' OR status = $1 ORDER BY received_at DESC LIMIT $2";
  const std::string_view status = outcome ? app::EventOutcomeName(*outcome) : "";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kSql.c_str()).Bind(status).Bind(int64_t{limit}).Run());
  return CollectRows(rows, MapProviderEvent<PgRow>);
}

Status PostgresBillingRepository::SaveEvent(const app::ProviderEventRecord& event) {
  PgQuery query(db_,
                "INSERT INTO provider_events (provider, event_id, event_type, event_created, "
                "received_at, status, attempts, last_error, payload) VALUES ($1, $2, $3, $4, "
                "$5, $6, $7, $8, $9) ON CONFLICT (provider, event_id) DO UPDATE SET "
                "received_at = excluded.received_at, status = excluded.status, attempts = "
                "excluded.attempts, last_error = excluded.last_error");
  BindProviderEvent(query, event);
  return query.Run().status();
}

Result<bool> PostgresBillingRepository::InsertCredit(const app::SubscriptionCredit& credit) {
  PgQuery query(db_,
                "INSERT INTO subscription_credits (provider, reference, account_id, "
                "subscription_id, credits, entry_id, clawed_back, created_at) VALUES ($1, $2, $3, "
                "$4, $5, $6, $7, $8) ON CONFLICT DO NOTHING");
  BindNewCredit(query, credit);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.affected() == 1;
}

Result<std::optional<app::SubscriptionCredit>> PostgresBillingRepository::FindCredit(
    std::string_view provider, std::string_view reference) {
  static const std::string kSql =
      std::string(kCreditSelect) + "WHERE provider = $1 AND reference = $2";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kSql.c_str()).Bind(provider).Bind(reference).Run());
  return FirstRow(
      rows, [&](const PgRow& row) { return MapSubscriptionCredit(row, provider, reference); });
}

Status PostgresBillingRepository::UpdateCredit(const app::SubscriptionCredit& credit) {
  PgQuery query(db_,
                "UPDATE subscription_credits SET entry_id = $1, clawed_back = $2 WHERE "
                "provider = $3 AND reference = $4");
  query.Bind(credit.entry_id).Bind(credit.clawed_back).Bind(credit.provider).Bind(credit.reference);
  return RunOne(query, Corrupt("subscription_credits: no row " + credit.reference));
}

Result<int64_t> PostgresBillingRepository::InsertMessage(const app::OutboxMessage& message) {
  PgQuery query(db_,
                "INSERT INTO outbox (kind, recipient, subject, body, created_at, sent_at) VALUES "
                "($1, $2, $3, $4, $5, $6) RETURNING id");
  BindNewMessage(query, message);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.Int64(0, 0);
}

Result<std::vector<app::OutboxMessage>> PostgresBillingRepository::ListMessages(
    std::string_view recipient, int limit) {
  static const std::string kSql =
      std::string(kMessageSelect) + "WHERE $1 = '' OR recipient = $1 ORDER BY id DESC LIMIT $2";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kSql.c_str()).Bind(recipient).Bind(int64_t{limit}).Run());
  return CollectRows(rows, MapOutboxMessage<PgRow>);
}

}  // namespace creditd::storage::postgres
