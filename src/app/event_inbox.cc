#include "app/event_inbox.h"

#include <algorithm>
#include <charconv>

#include "app/credit_ledger.h"
#include "app/order_service.h"
#include "app/ports/account_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/ports/user_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"

namespace creditd::app {

using domain::Subscription;
using domain::SubscriptionStatus;
using Kind = ProviderEventKind;

namespace {

std::optional<int64_t> ParseAccountId(std::string_view text) {
  int64_t id = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || id <= 0) {
    return std::nullopt;
  }
  return id;
}

}  // namespace

Status BillingUnavailable() {
  return Status(reason::kPaymentMethodUnavailable,
                "subscriptions are not available: no billing provider is configured (set "
                "STRIPE_SECRET_KEY, or start a development server with --payments-sandbox)");
}

// What an event's handler needs from the provider, fetched before its transaction.
struct EventInbox::Prefetched {
  std::optional<ProviderSubscription> subscription;
  std::optional<std::string> invoice_id;  // The invoice a refunded or disputed payment paid.
  Timestamp fetched_at{};
};

EventInbox::EventInbox(Database& database, CatalogService& catalog, const Clock& clock,
                       const PaymentProviders& providers, BillingProvider* billing,
                       int max_event_attempts)
    : database_(database),
      clock_(clock),
      providers_(providers),
      billing_(billing),
      max_event_attempts_(max_event_attempts) {
  if (billing_ != nullptr) {
    sync_.emplace(catalog, *billing_);
  }
}

SubscriptionSync* EventInbox::SyncOf(const PaymentProvider& provider) {
  return billing_ != nullptr && &provider == billing_ ? &*sync_ : nullptr;
}

Result<std::vector<ProviderEventRecord>> EventInbox::Events(std::optional<EventOutcome> outcome,
                                                            int limit) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) { return uow.billing().ListEvents(outcome, limit); });
}

Result<std::vector<OutboxMessage>> EventInbox::Outbox(std::string_view recipient, int limit) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) -> Result<std::vector<OutboxMessage>> {
                         return uow.billing().ListMessages(recipient, limit);
                       });
}

Result<EventReceipt> EventInbox::ReceiveEvent(std::string_view provider,
                                              const ProviderNotification& notification) {
  PaymentProvider* const found = providers_.Find(provider);
  if (found == nullptr) {
    return Status(reason::kPaymentMethodUnavailable,
                  "no payment provider named \"" + std::string(provider) + "\" is configured here");
  }
  const Timestamp received = clock_.Now();
  CREDITD_ASSIGN_OR_RETURN(const ProviderEvent event, found->ParseEvent(notification, received));
  return Record(*found, event, event.payload, received);
}

std::optional<NotificationReply> EventInbox::Reply(std::string_view provider,
                                                   NotificationOutcome outcome) const {
  const PaymentProvider* const found = providers_.Find(provider);
  return found == nullptr ? std::nullopt : found->Reply(outcome);
}

Status EventInbox::Deliver(std::string_view provider, const ProviderEvent& event,
                           std::string_view payload) {
  PaymentProvider* const found = providers_.Find(provider);
  if (found == nullptr) {
    return Status(reason::kInternal, "internal error")
        .WithInternalDetail("an event of " + std::string(provider) +
                            ", which is not a configured provider, was delivered");
  }
  return Record(*found, event, payload, clock_.Now()).status();
}

Result<EventReceipt> EventInbox::Record(const PaymentProvider& payment_provider,
                                        const ProviderEvent& event, std::string_view payload,
                                        Timestamp received) {
  const std::string_view provider = payment_provider.name();
  EventReceipt receipt{event.id, event.type, EventOutcome::kProcessed, false};
  ProviderEventRecord record;
  record.provider = std::string(provider);
  record.event_id = event.id;
  record.type = event.type;
  record.created = event.created;
  record.received_at = received;
  record.payload = std::string(payload);
  CREDITD_ASSIGN_OR_RETURN(const std::optional<ProviderEventRecord> stored,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.billing().FindEvent(provider, event.id);
                           }));
  if (stored && stored->outcome != EventOutcome::kFailed) {
    receipt.outcome = stored->outcome;
    receipt.duplicate = true;
    return receipt;
  }
  record.attempts = stored ? stored->attempts + 1 : 1;

  const auto save = [&](EventOutcome outcome, std::string error) {
    record.outcome = outcome;
    record.last_error = std::move(error);
    return InTransaction(database_, TransactionMode::kWrite,
                         [&](UnitOfWork& uow) { return uow.billing().SaveEvent(record); });
  };
  if (!event.decode_error.empty()) {
    // Genuine but undecodable: no retry can apply it. Kept for an operator.
    CREDITD_RETURN_IF_ERROR(save(EventOutcome::kPoison, event.decode_error));
    receipt.outcome = EventOutcome::kPoison;
    return receipt;
  }

  Result<Prefetched> fetched = Prefetch(payment_provider, event);
  Status applied = fetched.status();
  if (applied.ok()) {
    applied = InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
      // A concurrent delivery of the same event may have been applied meanwhile.
      CREDITD_ASSIGN_OR_RETURN(const auto again, uow.billing().FindEvent(provider, event.id));
      if (again && again->outcome != EventOutcome::kFailed) {
        receipt.duplicate = true;
        receipt.outcome = again->outcome;
        return Status::Ok();
      }
      std::string note;
      CREDITD_ASSIGN_OR_RETURN(receipt.outcome,
                               Apply(uow, payment_provider, event, *fetched, clock_.Now(), note));
      record.outcome = receipt.outcome;
      record.last_error = std::move(note);
      return uow.billing().SaveEvent(record);
    });
  }
  if (applied.ok()) {
    return receipt;
  }
  if (applied.reason() == reason::kOrderNotRefundable.name) {
    // A refund that arrived before its payment was applied waits for the payment (reconciliation
    // applies it; the provider delivers the refund again): those deliveries do not count toward
    // poison, or a prompt refund after a lost payment notification would be kept aside within
    // minutes. It stays listed as failed until then.
    record.attempts = stored ? stored->attempts : 0;
  }
  const bool poison = record.attempts >= max_event_attempts_;
  const std::string error = applied.ToString() + " " + applied.internal_detail();
  save(poison ? EventOutcome::kPoison : EventOutcome::kFailed, error).IgnoreError();
  if (poison) {
    receipt.outcome = EventOutcome::kPoison;
    return receipt;
  }
  return applied;
}

Result<EventInbox::Prefetched> EventInbox::Prefetch(const PaymentProvider& provider,
                                                    const ProviderEvent& event) {
  Prefetched out;
  out.fetched_at = clock_.Now();
  // Only the billing provider has subscriptions and invoices to ask about.
  const bool billing = SyncOf(provider) != nullptr;
  std::string subscription_id;
  if (billing && event.checkout && event.checkout->kind == CheckoutKind::kSubscription) {
    subscription_id = event.checkout->subscription_id;
  } else if (billing && event.invoice) {
    subscription_id = event.invoice->subscription_id;
  }
  if (!subscription_id.empty()) {
    CREDITD_ASSIGN_OR_RETURN(const std::optional<Subscription> known,
                             InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                               return uow.subscriptions().FindByProviderId(provider.name(),
                                                                           subscription_id);
                             }));
    if (!known) {
      // An invoice or checkout can arrive before any subscription event: ask for the state.
      CREDITD_ASSIGN_OR_RETURN(out.subscription, billing_->RetrieveSubscription(subscription_id));
      out.fetched_at = clock_.Now();
    }
  }
  std::string payment;
  if (event.charge) {
    payment = event.charge->payment_intent_id;
  } else if (event.dispute) {
    payment = event.dispute->payment_intent_id;
  }
  if (billing && !payment.empty()) {
    // A payment of one of our orders is known here; only other payments may be invoices'.
    CREDITD_ASSIGN_OR_RETURN(const std::optional<domain::Order> order,
                             InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                               return uow.orders().FindByPaymentRef(provider.name(), payment);
                             }));
    if (!order) {
      CREDITD_ASSIGN_OR_RETURN(out.invoice_id, billing_->FindInvoiceOfPayment(payment));
    }
  }
  return out;
}

Result<EventOutcome> EventInbox::Apply(UnitOfWork& uow, const PaymentProvider& provider,
                                       const ProviderEvent& event, const Prefetched& fetched,
                                       Timestamp now, std::string& note) {
  SubscriptionSync* const sync = SyncOf(provider);
  // An invoice may arrive before its subscription: the state fetched for it goes first.
  const auto apply_fetched = [&]() -> Status {
    if (!fetched.subscription) {
      return Status::Ok();
    }
    return sync->ApplySubscription(uow, *fetched.subscription, fetched.fetched_at, now).status();
  };
  switch (event.kind) {
    case Kind::kSubscriptionChanged:
      if (!event.subscription || sync == nullptr) {
        break;
      }
      return sync->ApplySubscription(uow, *event.subscription, event.created, now);
    case Kind::kCheckoutCompleted:
    case Kind::kCheckoutPaid:
      if (!event.checkout) {
        break;
      }
      return ApplyCheckoutCompleted(uow, provider, *event.checkout, fetched, now, note);
    case Kind::kCheckoutPaymentFailed:
    case Kind::kCheckoutExpired: {
      if (!event.checkout || event.checkout->kind != CheckoutKind::kPayment) {
        break;
      }
      CREDITD_ASSIGN_OR_RETURN(
          const bool closed,
          OrderService::CloseUnpaid(uow, event.checkout->client_reference_id, provider.name(),
                                    event.kind == Kind::kCheckoutExpired
                                        ? domain::OrderStatus::kExpired
                                        : domain::OrderStatus::kFailed,
                                    now));
      return closed ? EventOutcome::kProcessed : EventOutcome::kIgnored;
    }
    case Kind::kInvoicePaid:
      if (!event.invoice || sync == nullptr) {
        break;
      }
      CREDITD_RETURN_IF_ERROR(apply_fetched());
      return sync->ApplyInvoicePaid(uow, *event.invoice, now);
    case Kind::kInvoicePaymentFailed:
      if (!event.invoice || sync == nullptr) {
        break;
      }
      CREDITD_RETURN_IF_ERROR(apply_fetched());
      return ApplyPaymentFailed(uow, *event.invoice, event.created, now);
    case Kind::kPaymentRefunded:
      if (!event.charge) {
        break;
      }
      return ApplyRefund(uow, provider, *event.charge, fetched.invoice_id, now);
    case Kind::kDisputeOpened:
      if (!event.dispute) {
        break;
      }
      return ApplyDispute(uow, provider, *event.dispute, fetched.invoice_id, now);
    case Kind::kDisputeClosed:
    case Kind::kOther:
      break;
  }
  return EventOutcome::kIgnored;
}

Result<EventOutcome> EventInbox::ApplyCheckoutCompleted(UnitOfWork& uow,
                                                        const PaymentProvider& provider,
                                                        const ProviderCheckout& checkout,
                                                        const Prefetched& fetched, Timestamp now,
                                                        std::string& note) {
  if (checkout.kind == CheckoutKind::kSubscription) {
    if (SyncOf(provider) == nullptr) {
      return EventOutcome::kIgnored;
    }
    const auto account = ParseAccountId(checkout.client_reference_id);
    if (account && !checkout.customer_id.empty()) {
      CREDITD_RETURN_IF_ERROR(uow.accounts().Get(*account).status());
      CREDITD_RETURN_IF_ERROR(
          uow.billing()
              .InsertCustomer(*account, provider.name(), checkout.customer_id, now)
              .status());
    }
    if (fetched.subscription) {
      return sync_->ApplySubscription(uow, *fetched.subscription, fetched.fetched_at, now);
    }
    return account ? EventOutcome::kProcessed : EventOutcome::kIgnored;
  }
  if (checkout.kind != CheckoutKind::kPayment || !checkout.paid) {
    // A delayed method (a bank debit) completes unpaid: its "paid" event settles it.
    return EventOutcome::kIgnored;
  }
  CREDITD_ASSIGN_OR_RETURN(
      const ProviderPaymentResult result,
      OrderService::ApplyProviderPayment(
          uow, ProviderPaymentNotice::Of(provider.name(), checkout.client_reference_id, checkout),
          now));
  switch (result) {
    case ProviderPaymentResult::kApplied:
      return EventOutcome::kProcessed;
    case ProviderPaymentResult::kAlreadyPaid:
    case ProviderPaymentResult::kUnknownOrder:
      return EventOutcome::kIgnored;
    case ProviderPaymentResult::kSecondPayment:
      // The order was paid through another checkout: the money of this one is kept aside.
      note = "checkout " + checkout.id + " paid order " + checkout.client_reference_id +
             " a second time (payment " + checkout.payment_intent_id + "); refund it";
      return EventOutcome::kPoison;
    case ProviderPaymentResult::kMismatch:
      break;
  }
  // Never applied, never retried: an operator looks at it (and refunds the payment).
  note = "checkout " + checkout.id + " paid " + std::to_string(checkout.amount_total) + " " +
         checkout.currency + ", which is not the price of order " + checkout.client_reference_id;
  return EventOutcome::kPoison;
}

Result<EventOutcome> EventInbox::ApplyPaymentFailed(UnitOfWork& uow, const ProviderInvoice& invoice,
                                                    Timestamp event_at, Timestamp now) {
  if (invoice.subscription_id.empty()) {
    return EventOutcome::kIgnored;
  }
  CREDITD_ASSIGN_OR_RETURN(
      std::optional<Subscription> subscription,
      uow.subscriptions().FindByProviderId(billing_->name(), invoice.subscription_id));
  if (!subscription) {
    return EventOutcome::kIgnored;
  }
  CREDITD_ASSIGN_OR_RETURN(const domain::Account account,
                           uow.accounts().GetForUpdate(subscription->account_id));
  CREDITD_ASSIGN_OR_RETURN(subscription, uow.subscriptions().FindByProviderId(
                                             billing_->name(), invoice.subscription_id));
  // The provider's own subscription update says past_due too; this makes it so even when that
  // event is late, unless a newer state is stored.
  if (event_at > subscription->provider_state_at &&
      subscription->status == SubscriptionStatus::kActive) {
    subscription->status = SubscriptionStatus::kPastDue;
    subscription->provider_state_at = event_at;
    subscription->updated_at = now;
    CREDITD_RETURN_IF_ERROR(uow.subscriptions().Update(*subscription));
  }
  if (account.owner_user_id) {
    CREDITD_ASSIGN_OR_RETURN(const domain::User owner,
                             uow.users().FindById(*account.owner_user_id));
    OutboxMessage message;
    message.kind = "email";
    message.recipient = owner.email;
    message.subject = "Your payment for the " + subscription->plan_key + " plan failed";
    message.body = "We could not collect the payment of invoice " + invoice.id + " for your " +
                   subscription->plan_key +
                   " subscription. Your plan stays active while we retry; please update your "
                   "payment method in the billing portal (Subscription > Manage billing).";
    message.created_at = now;
    CREDITD_RETURN_IF_ERROR(uow.billing().InsertMessage(message).status());
  }
  return EventOutcome::kProcessed;
}

Result<std::optional<SubscriptionCredit>> EventInbox::LockedCreditOf(
    UnitOfWork& uow, const std::optional<std::string>& invoice_id) {
  if (!invoice_id) {
    return std::optional<SubscriptionCredit>();
  }
  CREDITD_ASSIGN_OR_RETURN(const auto credit,
                           uow.billing().FindCredit(billing_->name(), *invoice_id));
  if (!credit) {
    return std::optional<SubscriptionCredit>();
  }
  CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(credit->account_id).status());
  // Read again under the lock: a concurrent refund event may have updated it.
  return uow.billing().FindCredit(billing_->name(), *invoice_id);
}

Result<EventOutcome> EventInbox::ApplyRefund(UnitOfWork& uow, const PaymentProvider& provider,
                                             const ProviderCharge& charge,
                                             const std::optional<std::string>& invoice_id,
                                             Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const std::optional<domain::Order> order,
      uow.orders().FindByPaymentRef(provider.name(), charge.payment_intent_id));
  if (order) {
    CREDITD_ASSIGN_OR_RETURN(
        const bool changed,
        OrderService::ApplyProviderRefund(
            uow, order->id,
            charge.refund_id.empty() ? RefundReport::Cumulative(charge.amount_refunded)
                                     : RefundReport::One(std::string(provider.name()),
                                                         charge.refund_id, charge.refund_amount),
            std::string(provider.name()) + ":" + charge.id, now));
    return changed ? EventOutcome::kProcessed : EventOutcome::kIgnored;
  }
  if (!charge.order_no.empty()) {
    auto named = uow.orders().FindByNo(charge.order_no);
    if (named.ok() && named->provider == provider.name()) {
      // Its payment is not applied yet (its notification is late or lost): failing makes the
      // provider deliver the refund again, after the payment or reconciliation has paid it.
      return Status(
          reason::kOrderNotRefundable,
          "a refund of order " + charge.order_no +
              " arrived before its payment was applied; it is taken when delivered again");
    }
  }
  CREDITD_ASSIGN_OR_RETURN(std::optional<SubscriptionCredit> credit,
                           LockedCreditOf(uow, invoice_id));
  if (!credit || !credit->entry_id || charge.amount <= 0) {
    return EventOutcome::kIgnored;
  }
  // The refunded share of the credits bought (amount_refunded is cumulative), less what earlier
  // refunds took back; only what is still unspent can be taken.
  const int64_t refunded = std::min(charge.amount_refunded, charge.amount);
  const int64_t target = domain::ProportionalShare(credit->credits, refunded, charge.amount);
  const int64_t wanted = target - credit->clawed_back;
  if (wanted <= 0) {
    return EventOutcome::kIgnored;
  }
  ClawBackCommand command;
  command.account_id = credit->account_id;
  command.entry_id = *credit->entry_id;
  command.amount = wanted;
  command.reference = std::string(provider.name()) + ":" + charge.id;
  command.description = "refund of invoice " + *invoice_id + ": unspent plan credits taken back";
  CREDITD_RETURN_IF_ERROR(CreditLedger::ClawBack(uow, command, now).status());
  // Credits already spent cannot come back; they count as handled all the same, so a later
  // refund event of the same charge does not try to take them again.
  credit->clawed_back += wanted;
  CREDITD_RETURN_IF_ERROR(uow.billing().UpdateCredit(*credit));
  return EventOutcome::kProcessed;
}

Result<EventOutcome> EventInbox::ApplyDispute(UnitOfWork& uow, const PaymentProvider& provider,
                                              const ProviderDispute& dispute,
                                              const std::optional<std::string>& invoice_id,
                                              Timestamp now) {
  // The disputed payment paid an order or an invoice; the account that got it is frozen.
  int64_t account_id = 0;
  std::string paid_for;
  CREDITD_ASSIGN_OR_RETURN(
      const std::optional<domain::Order> order,
      uow.orders().FindByPaymentRef(provider.name(), dispute.payment_intent_id));
  if (order) {
    CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(order->account_id).status());
    account_id = order->account_id;
    paid_for = "order " + order->order_no;
  } else {
    CREDITD_ASSIGN_OR_RETURN(const std::optional<SubscriptionCredit> credit,
                             LockedCreditOf(uow, invoice_id));
    if (!credit) {
      return EventOutcome::kIgnored;
    }
    account_id = credit->account_id;
    paid_for = "invoice " + *invoice_id;
  }
  CREDITD_RETURN_IF_ERROR(uow.accounts().SetFrozen(
      account_id,
      "dispute " + dispute.id + " opened on charge " + dispute.charge_id + " (" + paid_for + ")",
      now));
  return EventOutcome::kProcessed;
}

}  // namespace creditd::app
