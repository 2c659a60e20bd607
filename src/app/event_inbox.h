// EventInbox: the billing provider's notifications, recorded and applied at most once each
// (DESIGN.md section 7). A remote provider's signed notification arrives by ReceiveEvent; a
// provider creditd drives itself (the sandbox) delivers its events through Deliver (EventSink).
// Either way the event is typed (ProviderEventKind) by its adapter, so nothing here knows a
// provider's event names:
//   subscription changed          -> the stored subscription follows (SubscriptionSync);
//   checkout completed or paid    -> an order is paid (its amount checked), or a subscription
//                                    checkout's customer and subscription are recorded;
//   checkout failed or expired    -> the order is closed unpaid;
//   invoice paid                  -> the period's (or the proration's) plan credits;
//   invoice payment failed        -> past_due and a dunning notice in the outbox;
//   payment refunded              -> the refunded share of an order's or invoice's credits;
//   dispute opened                -> the account that got the money is frozen.
// Events may arrive in any order and any number of times: a subscription state older than the
// stored one is ignored and credits are granted under unique references.
//
// Thread-safe. Provider calls (network I/O) never run inside a database transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/catalog_service.h"
#include "app/ports/billing_provider.h"
#include "app/ports/billing_repository.h"
#include "app/ports/unit_of_work.h"
#include "app/subscription_sync.h"
#include "common/clock.h"
#include "common/result.h"

namespace creditd::app {

// What became of one delivered event.
struct EventReceipt {
  std::string event_id;
  std::string type;
  EventOutcome outcome = EventOutcome::kProcessed;
  bool duplicate = false;  // Seen before: acknowledged, nothing changed.
};

class EventInbox final : public EventSink {
 public:
  // `provider` is the configured billing provider, or nullptr when none is (every method then
  // answers "payment_method_unavailable"). Not owned.
  EventInbox(Database& database, CatalogService& catalog, const Clock& clock,
             BillingProvider* provider, int max_event_attempts = 5);

  // Verifies, records and applies one provider notification (raw body and signature header).
  // A duplicate of an applied event changes nothing. Errors: "payment_method_unavailable",
  // "invalid_signature", "malformed_json" (nothing recorded; the caller answers 400); any other
  // error means the event was recorded as failed and should be answered 500 so the provider
  // retries. After max_event_attempts failures an event is recorded as poison and acknowledged.
  Result<EventReceipt> ReceiveEvent(std::string_view payload, std::string_view signature_header);

  // EventSink: records and applies an event of the configured provider delivered in process.
  // Errors as ReceiveEvent's after verification; "internal" for another provider's event.
  Status Deliver(std::string_view provider, const ProviderEvent& event,
                 std::string_view payload) override;

  // Mail written to the outbox for `recipient` ("" for all), newest first.
  Result<std::vector<OutboxMessage>> Outbox(std::string_view recipient, int limit);

 private:
  struct Prefetched;

  Result<EventReceipt> Record(const ProviderEvent& event, std::string_view payload,
                              Timestamp received);
  Result<Prefetched> Prefetch(const ProviderEvent& event);
  // `note` receives why an event was recorded as poison.
  Result<EventOutcome> Apply(UnitOfWork& uow, const ProviderEvent& event, const Prefetched& fetched,
                             Timestamp now, std::string& note);
  Result<EventOutcome> ApplyCheckoutCompleted(UnitOfWork& uow, const ProviderCheckout& checkout,
                                              const Prefetched& fetched, Timestamp now,
                                              std::string& note);
  Result<EventOutcome> ApplyPaymentFailed(UnitOfWork& uow, const ProviderInvoice& invoice,
                                          Timestamp event_at, Timestamp now);
  // A refund or dispute of a payment that paid one of our orders, or else the invoice `invoice_id`.
  Result<EventOutcome> ApplyRefund(UnitOfWork& uow, const ProviderCharge& charge,
                                   const std::optional<std::string>& invoice_id, Timestamp now);
  Result<EventOutcome> ApplyDispute(UnitOfWork& uow, const ProviderDispute& dispute,
                                    const std::optional<std::string>& invoice_id, Timestamp now);
  // The credit granted for an invoice, read under its account's lock; nullopt for no invoice or
  // one creditd granted nothing for.
  Result<std::optional<SubscriptionCredit>> LockedCreditOf(
      UnitOfWork& uow, const std::optional<std::string>& invoice_id);

  Database& database_;
  const Clock& clock_;
  BillingProvider* const provider_;
  std::optional<SubscriptionSync> sync_;
  const int max_event_attempts_;
};

// The refusal of every billing command on a server without a billing provider.
Status BillingUnavailable();

}  // namespace creditd::app
