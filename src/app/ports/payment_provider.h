// The payment-provider port (DESIGN.md section 7): what every provider that takes money for
// orders does, whatever else it offers. It turns its signed notifications into typed events
// (ProviderEvent), says how the notification is answered on its wire, reports where an order's
// checkout stands (reconciliation) and refunds an order's payment. A provider that also bills
// subscriptions implements BillingProvider (billing_provider.h), which extends this port. Each
// adapter is one folder under src/payments/ (docs/payments/adding-a-provider.md); app/ never sees
// a provider's JSON, event names or status strings.
//
// Implementations are thread-safe. QueryCheckout and Refund perform network I/O, so callers never
// hold a database transaction open across them; Refund is safe to retry with the same key (the
// provider refunds at most once).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/order.h"
#include "domain/subscription.h"

namespace creditd::app {

// A subscription as the provider reports it.
struct ProviderSubscription {
  std::string id;           // sub_...
  std::string customer_id;  // cus_...
  std::string item_id;      // si_...: the subscription's one priced item.
  std::string price_id;     // price_...
  domain::SubscriptionStatus status = domain::SubscriptionStatus::kIncomplete;
  Timestamp current_period_start{};
  Timestamp current_period_end{};
  bool cancel_at_period_end = false;
  std::optional<int64_t> account_id;  // From the metadata creditd set at checkout.
};

// A proration line of an invoice: part of a period at one price, positive for the new price,
// negative for the unused time of the old one.
struct ProrationLine {
  std::string price_id;
  int64_t amount = 0;  // Minor units, signed.
  Timestamp period_start{};
  Timestamp period_end{};
};

// A paid or failed invoice of a subscription.
struct ProviderInvoice {
  std::string id;  // in_...
  std::string customer_id;
  std::string subscription_id;  // Empty for an invoice outside subscriptions.
  // "subscription_create", "subscription_cycle", "subscription_update", "manual", ...
  std::string billing_reason;
  int64_t amount_paid = 0;  // Minor units.
  std::string currency;     // Upper-case ISO code.
  // The period of the subscription line: the credits granted for it expire at its end.
  Timestamp period_start{};
  Timestamp period_end{};
  std::string price_id;                   // The subscription line's price.
  std::vector<ProrationLine> prorations;  // A plan change's invoice has these instead.
};

// What a hosted checkout sells: a subscription, or one payment for an order.
enum class CheckoutKind { kSubscription, kPayment, kOther };
// Where a hosted checkout stands: still open, completed by the payer, or expired unused.
enum class CheckoutState { kOpen, kComplete, kExpired };

// A hosted checkout (Stripe: a Checkout Session).
struct ProviderCheckout {
  std::string id;  // cs_...
  CheckoutKind kind = CheckoutKind::kOther;
  CheckoutState state = CheckoutState::kOpen;
  // The money was collected (a delayed method completes the checkout before it is paid).
  bool paid = false;
  std::string customer_id;
  std::string subscription_id;
  std::string payment_intent_id;
  std::string client_reference_id;  // creditd's account id (subscriptions) or order_no.
  int64_t amount_total = 0;
  std::string currency;
  // Set when the checkout exists at the provider and waits for the payer (WeChat Pay's NOTPAY,
  // Alipay's WAIT_BUYER_PAY): it may be closed there once the order's deadline has passed. Never
  // for one the provider does not know, or whose payer is paying (USERPAYING).
  bool closable = false;
};

// A charge that was (partly) refunded.
struct ProviderCharge {
  std::string id;  // ch_...
  std::string payment_intent_id;
  std::string customer_id;
  int64_t amount = 0;
  int64_t amount_refunded = 0;  // Cumulative.
  std::string currency;
  // The order the payment paid, when the provider's refund event names it (Alipay's
  // out_trade_no): a refund that arrives before its payment was applied is then retried, not lost.
  std::string order_no;
  // Set by a provider that reports refunds one by one (WeChat Pay): this refund's id and amount.
  // creditd keeps each refund once and the order's refunded total is their sum; amount_refunded
  // is then not used.
  std::string refund_id;
  int64_t refund_amount = 0;
};

// A dispute (chargeback) opened on a charge.
struct ProviderDispute {
  std::string id;  // dp_...
  std::string charge_id;
  std::string payment_intent_id;
  int64_t amount = 0;
  std::string currency;
  std::string status;
};

// What a notification tells creditd; the adapter decides it from its wire format.
enum class ProviderEventKind {
  kOther,                  // Nothing creditd acts on: recorded and acknowledged.
  kSubscriptionChanged,    // `subscription`: created, updated or ended.
  kCheckoutCompleted,      // `checkout`: the payer completed it (paid, or a delayed payment).
  kCheckoutPaid,           // `checkout`: a delayed payment of a completed checkout succeeded.
  kCheckoutPaymentFailed,  // `checkout`: a delayed payment failed.
  kCheckoutExpired,        // `checkout`: it expired unused.
  kInvoicePaid,            // `invoice`.
  kInvoicePaymentFailed,   // `invoice`.
  kPaymentRefunded,        // `charge`: amount_refunded is cumulative.
  kDisputeOpened,          // `dispute`.
  kDisputeClosed,          // `dispute`: recorded; lifting a freeze stays an operator's decision.
};

// One verified notification. The object that goes with `kind` is set; none for kOther.
struct ProviderEvent {
  std::string id;  // evt_...
  // The provider's own name of the event, recorded for operators; creditd acts on `kind` only.
  std::string type;
  ProviderEventKind kind = ProviderEventKind::kOther;
  Timestamp created{};
  std::optional<ProviderSubscription> subscription;
  std::optional<ProviderInvoice> invoice;
  std::optional<ProviderCheckout> checkout;
  std::optional<ProviderCharge> charge;
  std::optional<ProviderDispute> dispute;
  // Set when the event is genuine but its object could not be decoded: it can never be applied.
  std::string decode_error;
  // The text the adapter verified (a JSON body, a form, a query string): what is kept as the
  // event's record, so the record is exactly what was proven genuine.
  std::string payload;
};

// A refund created through the provider's API.
struct ProviderRefund {
  std::string id;  // re_...
  int64_t amount = 0;
  std::string currency;
  std::string status;  // "pending", "succeeded", "failed", ...
  // Set when the provider settled the refund in its answer (EPay, which sends no notification of
  // it; Alipay, whose later notification then changes nothing): the money refunded from the
  // payment so far, cumulative, in minor units.
  std::optional<int64_t> refunded_total;
  // Set when this one refund (id, amount) is done at the provider and the provider reports
  // refunds one by one (WeChat Pay's SUCCESS answer): creditd keeps it as the refund notification
  // would (ProviderCharge::refund_id), so whichever comes first takes effect once.
  bool settled = false;
  // Set, for a refund not settled yet, by a provider that can be asked about it later
  // (QueryRefund): the request number it knows the refund by (WeChat Pay's out_refund_no).
  // creditd notes the refund as pending and asks when its notification does not come.
  std::string request_no;
};

// A provider's notification as it arrived over HTTP at /webhooks/{provider}: a signed JSON body
// (Stripe, Creem, WeChat Pay), a signed form (Alipay) or a signed query string (EPay).
struct ProviderNotification {
  std::string method;  // "GET", "POST".
  std::string query;   // The raw query string, after '?'.
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Names lower-cased.

  // The first header named `name` (lower-case), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) {
        return value;
      }
    }
    return std::nullopt;
  }
};

// What became of a notification, as its sender is told: taken (applied, a duplicate or kept
// aside as poison), refused (bad signature or body: never retried usefully) or failed here (the
// sender should deliver it again).
enum class NotificationOutcome { kAccepted, kRejected, kFailed };

// An answer in the provider's own wire format.
struct NotificationReply {
  int status = 200;
  std::string content_type;
  std::string body;
};

// Where a provider that creditd drives itself (the sandbox) reports what it did, as a remote
// provider's notifications would: EventInbox implements it.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Records and applies one event of provider `provider` exactly as a verified notification
  // (at most once per event id). `payload` is what is recorded as its body. Errors as
  // EventInbox::ReceiveEvent's after verification.
  virtual Status Deliver(std::string_view provider, const ProviderEvent& event,
                         std::string_view payload) = 0;
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;

  // "stripe", "epay", "sandbox": the provider column of what creditd stores for it, and the
  // {provider} of its notification URL.
  virtual std::string_view name() const = 0;

  // Verifies a notification at `now` before anything else, then decodes it. Errors:
  // "invalid_signature" (missing or malformed signature, no matching signature, a timestamp
  // outside the tolerance, or a provider that sends no notifications over HTTP),
  // "malformed_json" (a signed body that is not an event). A genuine notification whose object
  // does not decode, or that names another merchant, is returned with decode_error set; the
  // event's payload is the text verified. No I/O.
  virtual Result<ProviderEvent> ParseEvent(const ProviderNotification& notification,
                                           Timestamp now) = 0;

  // The answer the provider expects for `outcome`, or nullopt when creditd's JSON answer (200 on
  // success, 400 on a refused notification, 500 on a failure) is what it expects (Stripe). No I/O.
  virtual std::optional<NotificationReply> Reply(NotificationOutcome /*outcome*/) const {
    return std::nullopt;
  }

  // The order's checkout at the provider as it stands now (reconciliation of orders left
  // unpaid). Errors: "provider_unavailable" (not reachable, or 5xx after retries),
  // "provider_error" (the provider refused the request).
  virtual Result<ProviderCheckout> QueryCheckout(const domain::Order& order) = 0;

  // Closes the order's checkout at the provider once the order's deadline has passed, so that it
  // can no longer be paid there (Alipay's trade.close, WeChat Pay's close). A checkout the
  // provider does not know counts as closed. Providers whose checkouts end by themselves, or that
  // cannot close one (EPay), keep this default, which does nothing. Errors as QueryCheckout's; a
  // checkout paid meanwhile is "provider_error", and the next query applies the payment.
  virtual Status CloseCheckout(const domain::Order& /*order*/) { return Status::Ok(); }

  // Where the refund creditd requested as `request_no` (ProviderRefund::request_no) stands: status
  // "succeeded" with settled set, "failed" (closed by the provider; nothing was refunded) or
  // "pending". Only called for providers that set request_no. Errors as QueryCheckout's.
  virtual Result<ProviderRefund> QueryRefund(const domain::Order& /*order*/,
                                             std::string_view /*request_no*/) {
    return Status(reason::kProviderError, "this provider cannot be asked about a refund");
  }

  // Refunds `amount` minor units (all that is left when nullopt) of a paid order's payment. The
  // effect on credits follows from the provider's refund notification, or from refunded_total
  // when the answer settles it. Errors as QueryCheckout's.
  virtual Result<ProviderRefund> Refund(const domain::Order& order, std::optional<int64_t> amount,
                                        std::string_view idempotency_key) = 0;
};

}  // namespace creditd::app
