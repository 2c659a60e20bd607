// The subscription-billing provider port (DESIGN.md section 7, seed 003 Task 2): customers,
// subscription checkouts, the customer portal, subscription changes, hosted one-time checkouts,
// refunds, and the provider's notifications turned into typed events. Each adapter (one folder
// under src/payments/, docs/payments/adding-a-provider.md) turns its wire format into these
// structs; app/ never sees a provider's JSON, event names or status strings.
//
// Implementations are thread-safe. Every method but ParseEvent and Prices may perform network
// I/O, so callers never hold a database transaction open across one. Methods taking an
// idempotency key are safe to retry with the same key: the provider performs the effect at most
// once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/order.h"
#include "domain/subscription.h"

namespace creditd::app {

// The plan and billing interval a provider price stands for.
struct PlanPrice {
  std::string plan_key;
  domain::BillingInterval interval = domain::BillingInterval::kMonth;
};

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
};

// A charge that was (partly) refunded.
struct ProviderCharge {
  std::string id;  // ch_...
  std::string payment_intent_id;
  std::string customer_id;
  int64_t amount = 0;
  int64_t amount_refunded = 0;  // Cumulative.
  std::string currency;
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
};

// A refund created through the provider's API.
struct ProviderRefund {
  std::string id;  // re_...
  int64_t amount = 0;
  std::string currency;
  std::string status;  // "pending", "succeeded", "failed", ...
};

// A hosted checkout for one order paid once (Stripe Checkout in payment mode).
struct PaymentCheckoutRequest {
  std::string order_no;     // Becomes client_reference_id and metadata.order_no.
  std::string description;  // The line item's name.
  int64_t amount_minor = 0;
  std::string currency;  // Upper-case ISO code.
  int64_t account_id = 0;
  Timestamp expires_at{};  // When the checkout stops accepting payment.
  std::string success_url;
  std::string cancel_url;
  std::string idempotency_key;
};

// The checkout created for a PaymentCheckoutRequest.
struct ProviderCheckoutLink {
  std::string id;  // cs_...
  std::string url;
};

struct SubscriptionCheckoutRequest {
  int64_t account_id = 0;
  std::string customer_id;
  std::string price_id;
  int trial_days = 0;
  std::string success_url;
  std::string cancel_url;
  std::string idempotency_key;
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

class BillingProvider {
 public:
  virtual ~BillingProvider() = default;

  // "stripe", "sandbox": the provider column of what creditd stores for it.
  virtual std::string_view name() const = 0;

  // The prices on offer (price id -> plan), ordered by price id. No I/O beyond the catalog.
  virtual Result<std::map<std::string, PlanPrice>> Prices() = 0;

  // The order payment method whose hosted checkouts this provider serves (reconciliation asks
  // about those left unpaid), or nullopt when it hosts none.
  virtual std::optional<domain::PaymentMethod> checkout_method() const = 0;

  // Creates a customer for an account and returns its id. Errors: "provider_unavailable" (not
  // reachable, or 5xx after retries), "provider_error" (the provider refused the request).
  virtual Result<std::string> CreateCustomer(int64_t account_id, std::string_view email,
                                             std::string_view idempotency_key) = 0;

  // Creates a hosted checkout for a subscription to `price_id` and returns its URL. Errors as
  // CreateCustomer's.
  virtual Result<std::string> CreateSubscriptionCheckout(
      const SubscriptionCheckoutRequest& request) = 0;

  // Creates a customer-portal session and returns its URL. Errors as CreateCustomer's.
  virtual Result<std::string> CreatePortalSession(std::string_view customer_id,
                                                  std::string_view return_url) = 0;

  // Fetches a subscription as it stands now. Errors as CreateCustomer's.
  virtual Result<ProviderSubscription> RetrieveSubscription(std::string_view subscription_id) = 0;

  // Moves the subscription's item to `price_id`. With `prorate` the provider invoices the
  // difference now (an upgrade); without, the new price applies from the next period (a
  // downgrade). Returns the updated subscription. Errors as CreateCustomer's.
  virtual Result<ProviderSubscription> ChangePrice(std::string_view subscription_id,
                                                   std::string_view item_id,
                                                   std::string_view price_id, bool prorate,
                                                   std::string_view idempotency_key) = 0;

  // Cancels at the end of the current period (`at_period_end`) or at once. Returns the updated
  // subscription. Errors as CreateCustomer's.
  virtual Result<ProviderSubscription> Cancel(std::string_view subscription_id, bool at_period_end,
                                              std::string_view idempotency_key) = 0;

  // The customer's subscriptions (any status), newest first, at most `limit`. Errors as
  // CreateCustomer's.
  virtual Result<std::vector<ProviderSubscription>> ListSubscriptions(std::string_view customer_id,
                                                                      int limit) = 0;

  // The subscription's paid invoices, newest first, at most `limit`. Errors as CreateCustomer's.
  virtual Result<std::vector<ProviderInvoice>> ListPaidInvoices(std::string_view subscription_id,
                                                                int limit) = 0;

  // Finds the invoice a payment (payment intent) paid, or nullopt for a payment outside
  // invoices. Errors as CreateCustomer's.
  virtual Result<std::optional<std::string>> FindInvoiceOfPayment(
      std::string_view payment_intent_id) = 0;

  // Creates a hosted checkout that collects one payment for an order. Errors as
  // CreateCustomer's.
  virtual Result<ProviderCheckoutLink> CreatePaymentCheckout(
      const PaymentCheckoutRequest& request) = 0;

  // Fetches a checkout as it stands now. Errors as CreateCustomer's.
  virtual Result<ProviderCheckout> RetrieveCheckout(std::string_view checkout_id) = 0;

  // Refunds `amount` minor units (all that is left when nullopt) of a payment. The effect on
  // credits follows from the provider's refund notification. Errors as CreateCustomer's.
  virtual Result<ProviderRefund> CreateRefund(std::string_view payment_intent_id,
                                              std::optional<int64_t> amount,
                                              std::string_view idempotency_key) = 0;

  // Verifies a notification's signature header against the raw body at `now` and decodes it.
  // Errors: "invalid_signature" (missing or malformed header, no matching signature, timestamp
  // outside the tolerance, or a provider that sends no notifications over HTTP),
  // "malformed_json" (a signed body that is not an event). An event whose object does not decode
  // is returned with decode_error set. No I/O.
  virtual Result<ProviderEvent> ParseEvent(std::string_view payload,
                                           std::string_view signature_header, Timestamp now) = 0;
};

}  // namespace creditd::app
