// Provider events, subscription credits and outbox messages as rows: the column lists, the
// row-to-domain mappers and the parameter lists both backends share (see row_reader.h). Header
// only; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "app/ports/billing_repository.h"
#include "common/status_macros.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

inline constexpr const char* kEventSelect =
    "SELECT event_type, event_created, received_at, status, attempts, last_error, payload, "
    "provider, event_id FROM provider_events ";

template <RowReader Row>
Result<app::ProviderEventRecord> MapProviderEvent(const Row& row) {
  app::ProviderEventRecord event;
  event.provider = row.Text(7);
  event.event_id = row.Text(8);
  event.type = row.Text(0);
  event.created = TimeColumn(row, 1);
  event.received_at = TimeColumn(row, 2);
  CREDITD_ASSIGN_OR_RETURN(event.outcome,
                           EnumColumn(row, 3, app::ParseEventOutcome, "provider_events.status"));
  event.attempts = row.Int64(4);
  event.last_error = row.Text(5);
  event.payload = row.Text(6);
  return event;
}

// provider, event_id, event_type, event_created, received_at, status, attempts, last_error,
// payload.
template <ParamWriter Params>
void BindProviderEvent(Params& params, const app::ProviderEventRecord& event) {
  params.Bind(event.provider)
      .Bind(event.event_id)
      .Bind(event.type)
      .Bind(ToUnixSeconds(event.created))
      .Bind(ToUnixSeconds(event.received_at))
      .Bind(app::EventOutcomeName(event.outcome))
      .Bind(event.attempts)
      .Bind(event.last_error)
      .Bind(event.payload);
}

// The credit of (provider, reference), read by those two.
inline constexpr const char* kCreditSelect =
    "SELECT account_id, subscription_id, credits, entry_id, clawed_back, created_at FROM "
    "subscription_credits ";

template <RowReader Row>
Result<app::SubscriptionCredit> MapSubscriptionCredit(const Row& row, std::string_view provider,
                                                      std::string_view reference) {
  app::SubscriptionCredit credit;
  credit.provider = std::string(provider);
  credit.reference = std::string(reference);
  credit.account_id = row.Int64(0);
  credit.subscription_id = row.OptionalInt64(1);
  credit.credits = row.Int64(2);
  credit.entry_id = row.OptionalInt64(3);
  credit.clawed_back = row.Int64(4);
  credit.created_at = TimeColumn(row, 5);
  return credit;
}

// provider, reference, account_id, subscription_id, credits, entry_id, clawed_back, created_at.
template <ParamWriter Params>
void BindNewCredit(Params& params, const app::SubscriptionCredit& credit) {
  params.Bind(credit.provider)
      .Bind(credit.reference)
      .Bind(credit.account_id)
      .Bind(credit.subscription_id)
      .Bind(credit.credits)
      .Bind(credit.entry_id)
      .Bind(credit.clawed_back)
      .Bind(ToUnixSeconds(credit.created_at));
}

inline constexpr const char* kMessageSelect =
    "SELECT id, kind, recipient, subject, body, created_at, sent_at FROM outbox ";

template <RowReader Row>
Result<app::OutboxMessage> MapOutboxMessage(const Row& row) {
  app::OutboxMessage message;
  message.id = row.Int64(0);
  message.kind = row.Text(1);
  message.recipient = row.Text(2);
  message.subject = row.Text(3);
  message.body = row.Text(4);
  message.created_at = TimeColumn(row, 5);
  message.sent_at = OptionalTimeColumn(row, 6);
  return message;
}

// kind, recipient, subject, body, created_at, sent_at.
template <ParamWriter Params>
void BindNewMessage(Params& params, const app::OutboxMessage& message) {
  params.Bind(message.kind)
      .Bind(message.recipient)
      .Bind(message.subject)
      .Bind(message.body)
      .Bind(ToUnixSeconds(message.created_at))
      .Bind(OptionalSeconds(message.sent_at));
}

// (account_id, customer_id) rows of ListCustomersWithoutSubscription.
template <RowReader Row>
Result<std::pair<int64_t, std::string>> MapAccountCustomer(const Row& row) {
  return std::pair<int64_t, std::string>(row.Int64(0), row.Text(1));
}

}  // namespace creditd::storage
