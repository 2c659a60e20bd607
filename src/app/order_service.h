// OrderService: recharge and membership orders of seed 002 and their payment. Creating an order
// stores it pending and starts a checkout with the payment gateway of its method; confirming a
// payment marks it paid and applies its effect in one transaction, exactly once however often
// and however concurrently the confirmation arrives:
//   recharge   -> one RECHARGE entry of amount + bonus (the bonus in its own grant);
//   membership -> member_expired_at = max(now, current expiry) + duration_days.
// Pending orders expire after the configured payment timeout (30 minutes by default); the
// expiry job (ExpireOverdue) and any late confirmation mark them expired. Orders paid through a
// provider's hosted checkout (Stripe) are confirmed by the EventInbox from the provider's
// notifications through the static Apply* functions below; a gateway that collects no money of
// its own (the sandbox, a folder under src/payments/) confirms and cancels its orders through
// the *ForGateway methods, which act only on orders of a method that gateway serves.
//
// Thread-safe; each method runs its own units of work and never holds one across a gateway call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "app/idempotency.h"
#include "app/ports/payment_gateway.h"
#include "app/ports/payment_provider.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/order.h"

namespace creditd::app {

struct OrderServiceConfig {
  // The gateway that takes payments for each method; a method without one answers
  // "payment_method_unavailable". Not owned.
  std::map<domain::PaymentMethod, PaymentGateway*> gateways;
  // How long a new order may be paid before it expires.
  std::chrono::seconds payment_timeout = domain::kPendingOrderLifetime;
};

// What a provider reports refunded of an order: the cumulative total so far (Stripe's
// amount_refunded, Alipay's refund_fee), or one refund of a provider that reports them one by one
// (WeChat Pay), which creditd keeps by its id and sums.
struct RefundReport {
  int64_t refunded_total = 0;  // Cumulative; used when refund_id is empty.
  std::string provider;        // With refund_id: whose refund it is.
  std::string refund_id;       // Empty for a cumulative report.
  int64_t refund_amount = 0;   // This one refund's amount, minor units.

  static RefundReport Cumulative(int64_t total) { return RefundReport{total, "", "", 0}; }
  static RefundReport One(std::string provider, std::string refund_id, int64_t amount) {
    return RefundReport{0, std::move(provider), std::move(refund_id), amount};
  }
};

struct CreateOrderCommand {
  int64_t user_id = 0;
  domain::OrderKind kind = domain::OrderKind::kRecharge;
  int64_t price_id = 0;
  std::string payment_method;
  // "desktop" (also when empty) or "mobile": which checkout page a provider with two gives.
  std::string device;
  std::string client_ip;          // The payer's address (CheckoutContext::client_ip).
  IdempotentRequest idempotency;  // An empty key: not idempotent.
};

struct OrderView {
  domain::Order order;
  std::string pay_url;
};

struct CreateOrderOutcome {
  OrderView view;
  bool replayed = false;  // An earlier request with the same Idempotency-Key created it.
};

struct ConfirmOutcome {
  OrderView view;
  bool already_paid = false;  // The order was paid before; nothing changed.
};

// A provider's word that an order's hosted checkout was paid.
struct ProviderPaymentNotice {
  std::string order_no;
  int64_t amount_minor = 0;
  std::string currency;     // Upper-case ISO code.
  std::string payment_ref;  // The provider's payment (Stripe: pi_...).
  std::string provider;     // Who sent it: only an order that provider settles is paid by it.

  // The payment `provider` reports for order `order_no` with a paid `checkout` (a notification's
  // or a query's).
  static ProviderPaymentNotice Of(std::string_view provider, std::string order_no,
                                  const ProviderCheckout& checkout) {
    return {std::move(order_no), checkout.amount_total, checkout.currency,
            checkout.payment_intent_id, std::string(provider)};
  }
};

enum class ProviderPaymentResult {
  kApplied,      // The order is now paid and its effect applied.
  kAlreadyPaid,  // It was paid before by this payment; nothing changed.
  // It was paid before by another payment (a provider that can make two checkouts for one
  // order, Creem): this one is a second payment, not applied; an operator refunds it.
  kSecondPayment,
  kUnknownOrder,  // No order with that number settled by that provider (not one of ours).
  kMismatch,      // The amount or currency differs from the order's: not applied.
};

struct OrderViewPage {
  std::vector<OrderView> items;
  int64_t total = 0;
};

// CheckoutVolume over the stored orders (one read transaction per call).
class StoredCheckoutVolume final : public CheckoutVolume {
 public:
  explicit StoredCheckoutVolume(Database& database) : database_(database) {}
  Result<int64_t> CheckoutSum(std::string_view provider, std::string_view reference,
                              Timestamp since) override;

 private:
  Database& database_;
};

class OrderService {
 public:
  OrderService(Database& database, const Clock& clock, OrderServiceConfig config)
      : database_(database), clock_(clock), config_(std::move(config)) {}

  // Creates a pending order for an active price and starts its checkout. Errors:
  // "invalid_payment_method", "payment_method_unavailable", "price_not_found" (field
  // price_id), "invalid_idempotency_key", "idempotency_key_reused" (same key, other request),
  // "user_not_found". With an Idempotency-Key a retry returns the first order (replayed) as it
  // stands now (kept by reference, app/result_codecs.h).
  Result<CreateOrderOutcome> Create(const CreateOrderCommand& command);

  // The payment methods this server takes orders for, in domain::PaymentMethod order.
  std::vector<std::string> EnabledMethods() const;

  // Returns a page of the user's orders of `kind`, newest first.
  Result<OrderViewPage> List(int64_t user_id, domain::OrderKind kind, int64_t skip, int64_t limit);

  // Returns one of the user's orders; another user's order is "order_not_found" too.
  Result<OrderView> Get(int64_t user_id, std::string_view order_no);

  // Returns an order whose method `gateway` serves, for the gateway's own checkout page (no
  // user context). Errors: "order_not_found" (also for another gateway's order).
  Result<OrderView> GetForGateway(const PaymentGateway& gateway, std::string_view order_no);

  // Confirms the payment of an order of `kind` whose method `gateway` serves, by the gateway's
  // own word (the sandbox's Pay button and seed 002's payment/callback). Idempotent: a paid
  // order is acknowledged again (already_paid) without a second effect. Errors:
  // "order_not_found" (also for a kind mismatch), "order_not_payable" (another gateway's order,
  // or no longer payable), "order_expired" (the order is marked expired).
  Result<ConfirmOutcome> ConfirmForGateway(const PaymentGateway& gateway, domain::OrderKind kind,
                                           std::string_view order_no);

  // Cancels a pending order whose method `gateway` serves (it becomes failed); an order cancelled
  // before is returned as it is (domain::DecideCancel). Errors: "order_not_found" (also for
  // another gateway's order), "order_not_cancellable" (paid or expired: unchanged; pending past
  // its deadline: marked expired).
  Result<OrderView> CancelForGateway(const PaymentGateway& gateway, std::string_view order_no);

  // Applies a provider-confirmed payment inside the caller's unit of work (which commits it).
  // The money was taken, so an order that expired or failed meanwhile is paid all the same.
  // Idempotent: a second notice of a paid order is kAlreadyPaid (kSecondPayment when it names
  // another payment than the one that paid it). Errors: storage errors only.
  static Result<ProviderPaymentResult> ApplyProviderPayment(UnitOfWork& uow,
                                                            const ProviderPaymentNotice& notice,
                                                            Timestamp now);

  // Applies what a provider reports refunded of a paid order inside the caller's unit of work:
  // the refunded share of the order's credits that is still unspent is taken back (an ADJUST
  // entry; spent credits cannot be), and of a membership the same share of its time (never into
  // the past). A cumulative total at or below the recorded refunded_minor changes nothing, and a
  // refund reported one by one is kept once by its id (OrderRepository::KeepRefund, under the
  // account's lock so concurrent refunds add up), so repeated and reordered notices are
  // harmless. Returns whether anything changed.
  static Result<bool> ApplyProviderRefund(UnitOfWork& uow, int64_t order_id,
                                          const RefundReport& report, std::string_view reference,
                                          Timestamp now);

  // Marks a pending order settled by `provider` failed or expired because its provider checkout
  // ended unpaid. Returns false if it was no longer pending or is another provider's.
  static Result<bool> CloseUnpaid(UnitOfWork& uow, std::string_view order_no,
                                  std::string_view provider, domain::OrderStatus status,
                                  Timestamp now);

  // Marks up to `limit` overdue pending orders expired; returns how many. Idempotent.
  Result<int64_t> ExpireOverdue(Timestamp now, int limit);

 private:
  Result<OrderView> View(UnitOfWork& uow, const domain::Order& order);
  // Whether `gateway` serves the order's method, so it may confirm or cancel it (another
  // provider's orders are confirmed only by that provider's notification).
  bool ServedBy(const domain::Order& order, const PaymentGateway& gateway) const;

  Database& database_;
  const Clock& clock_;
  const OrderServiceConfig config_;
};

}  // namespace creditd::app
