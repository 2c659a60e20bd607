// EventInbox: the payment providers' notifications, recorded and applied at most once each
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
// stored one is ignored and credits are granted under unique references. Subscription and invoice
// events count only from the billing provider; order events only for orders settled by the
// provider that sent them.
//
// Thread-safe. Provider calls (network I/O) never run inside a database transaction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/catalog_service.h"
#include "app/payment_providers.h"
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
  // `providers` are the configured payment providers; `billing` is the one of them that bills
  // subscriptions, or nullptr. Not owned.
  EventInbox(Database& database, CatalogService& catalog, const Clock& clock,
             const PaymentProviders& providers, BillingProvider* billing,
             int max_event_attempts = 5);

  // Verifies, records and applies one notification of the provider named `provider`. A
  // duplicate of an applied event changes nothing. Errors: "payment_method_unavailable" (no such
  // provider is configured), "invalid_signature", "malformed_json" (nothing recorded; the caller
  // answers 400); any other error means the event was recorded as failed and should be answered 500
  // so the provider retries. After max_event_attempts failures an event is recorded as poison and
  // acknowledged.
  Result<EventReceipt> ReceiveEvent(std::string_view provider,
                                    const ProviderNotification& notification);

  // The answer `provider` expects for `outcome` (PaymentProvider::Reply), or nullopt for
  // creditd's JSON answer (also for an unknown provider).
  std::optional<NotificationReply> Reply(std::string_view provider,
                                         NotificationOutcome outcome) const;

  // EventSink: records and applies an event of a configured provider delivered in process.
  // Errors as ReceiveEvent's after verification; "internal" for an unknown provider.
  Status Deliver(std::string_view provider, const ProviderEvent& event,
                 std::string_view payload) override;

  // Mail written to the outbox for `recipient` ("" for all), newest first.
  Result<std::vector<OutboxMessage>> Outbox(std::string_view recipient, int limit);

  // The notifications received, latest delivery first, with `outcome` (nullopt: any): what an
  // operator reviews (poison: a payment that did not match its order, an event that could not
  // be decoded or kept failing).
  Result<std::vector<ProviderEventRecord>> Events(std::optional<EventOutcome> outcome, int limit);

 private:
  struct Prefetched;

  Result<EventReceipt> Record(const PaymentProvider& provider, const ProviderEvent& event,
                              std::string_view payload, Timestamp received);
  // The subscription sync when `provider` is the billing provider, else nullptr.
  SubscriptionSync* SyncOf(const PaymentProvider& provider);
  Result<Prefetched> Prefetch(const PaymentProvider& provider, const ProviderEvent& event);
  // `note` receives why an event was recorded as poison.
  Result<EventOutcome> Apply(UnitOfWork& uow, const PaymentProvider& provider,
                             const ProviderEvent& event, const Prefetched& fetched, Timestamp now,
                             std::string& note);
  Result<EventOutcome> ApplyCheckoutCompleted(UnitOfWork& uow, const PaymentProvider& provider,
                                              const ProviderCheckout& checkout,
                                              const Prefetched& fetched, Timestamp now,
                                              std::string& note);
  Result<EventOutcome> ApplyPaymentFailed(UnitOfWork& uow, const ProviderInvoice& invoice,
                                          Timestamp event_at, Timestamp now);
  // A refund or dispute of a payment that paid one of the provider's orders, or else the
  // invoice `invoice_id`.
  Result<EventOutcome> ApplyRefund(UnitOfWork& uow, const PaymentProvider& provider,
                                   const ProviderCharge& charge,
                                   const std::optional<std::string>& invoice_id, Timestamp now);
  Result<EventOutcome> ApplyDispute(UnitOfWork& uow, const PaymentProvider& provider,
                                    const ProviderDispute& dispute,
                                    const std::optional<std::string>& invoice_id, Timestamp now);
  // The credit granted for an invoice, read under its account's lock; nullopt for no invoice or
  // one creditd granted nothing for.
  Result<std::optional<SubscriptionCredit>> LockedCreditOf(
      UnitOfWork& uow, const std::optional<std::string>& invoice_id);

  Database& database_;
  const Clock& clock_;
  const PaymentProviders& providers_;
  BillingProvider* const billing_;
  std::optional<SubscriptionSync> sync_;
  const int max_event_attempts_;
};

// The refusal of every billing command on a server without a billing provider.
Status BillingUnavailable();

}  // namespace creditd::app
