// Orders (recharge and membership). Status changes are conditional on the order still being
// pending, so a payment is applied at most once however often or concurrently it is confirmed.
// Part of a UnitOfWork; not thread-safe on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/payment_gateway.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/order.h"

namespace creditd::app {

struct OrderPage {
  std::vector<domain::Order> items;
  int64_t total = 0;
};

// Money paid for orders of one kind in one currency.
struct PaidTotal {
  std::string currency;
  int64_t total_minor = 0;
  int64_t orders = 0;
};

// How an order was paid (OrderRepository::MarkPaid).
struct OrderPayment {
  Timestamp paid_at{};
  std::optional<Timestamp> start_date;  // Membership period bought.
  std::optional<Timestamp> end_date;
  std::optional<int64_t> credit_entry_id;  // The RECHARGE entry of a recharge.
  std::string payment_ref;                 // The provider's payment (Stripe: pi_...), or "".
  // A provider that took the money confirms it even after the order expired or failed here.
  bool accept_closed = false;
};

// A refund a provider accepted and has not settled (order_refunds with status pending).
struct PendingRefund {
  int64_t order_id = 0;
  std::string refund_id;   // The provider's id of the refund.
  std::string request_no;  // The number creditd gave the refund request (out_refund_no).
  int64_t amount_minor = 0;
  Timestamp noted_at{};
};

class OrderRepository {
 public:
  virtual ~OrderRepository() = default;

  // Inserts a pending order (id ignored) and returns its id. The order number must be unique.
  virtual Result<int64_t> Insert(const domain::Order& order) = 0;

  // Stores the checkout the payment gateway started for the order: its URL, the provider's id of
  // it and the provider that settles the order (both "" for the sandbox).
  virtual Status SetCheckout(int64_t order_id, const Checkout& checkout) = 0;
  // Returns the stored checkout URL ("" if none).
  virtual Result<std::string> PayUrl(int64_t order_id) = 0;

  // Returns the order, or kNotFound/"order_not_found".
  virtual Result<domain::Order> FindByNo(std::string_view order_no) = 0;
  virtual Result<domain::Order> FindById(int64_t order_id) = 0;
  // Returns the order of `provider` paid by its payment `payment_ref`, if any.
  virtual Result<std::optional<domain::Order>> FindByPaymentRef(std::string_view provider,
                                                                std::string_view payment_ref) = 0;

  // Returns a page of the user's orders of `kind`, newest first.
  virtual Result<OrderPage> ListForUser(int64_t user_id, domain::OrderKind kind, int64_t skip,
                                        int64_t limit) = 0;

  // Marks a pending order (with accept_closed: any order not paid yet) paid as `payment` says.
  // Returns false, changing nothing, if it no longer qualifies.
  virtual Result<bool> MarkPaid(int64_t order_id, const OrderPayment& payment) = 0;

  // Records the cumulative money refunded for a paid order.
  virtual Status SetRefunded(int64_t order_id, int64_t refunded_minor, Timestamp now) = 0;

  // Keeps one succeeded refund of an order, reported by `provider` as `refund_id` for
  // `amount_minor` (> 0): a new row, or a pending or failed one of this order now succeeded;
  // nothing changes for a refund kept as succeeded already (whatever its amount) or kept for
  // another order. Returns the sum of the order's succeeded refunds: what the providers that
  // report refunds one by one have refunded of it so far. Call under the order's account lock
  // (AccountRepository::GetForUpdate): a refund of the same order being kept concurrently is then
  // in the sum.
  virtual Result<int64_t> KeepRefund(int64_t order_id, std::string_view provider,
                                     std::string_view refund_id, int64_t amount_minor,
                                     Timestamp now) = 0;

  // The money (minor units) of the orders settled by `provider` through `checkout_ref` (an EPay
  // merchant id) created at or after `created_from`, pending or paid: what that account took, or
  // may still take, since then.
  virtual Result<int64_t> SumCheckouts(std::string_view provider, std::string_view checkout_ref,
                                       Timestamp created_from) = 0;

  // Records a refund `provider` accepted but has not settled yet, as pending, with the request
  // number creditd gave it; nothing changes when the refund is kept already.
  virtual Status NotePendingRefund(int64_t order_id, std::string_view provider,
                                   std::string_view refund_id, std::string_view request_no,
                                   int64_t amount_minor, Timestamp now) = 0;

  // Up to `limit` of `provider`'s pending refunds noted before `noted_before`, oldest first.
  virtual Result<std::vector<PendingRefund>> ListPendingRefunds(std::string_view provider,
                                                                Timestamp noted_before,
                                                                int limit) = 0;

  // Marks a pending refund failed (the provider closed it). Returns false if it was not pending.
  virtual Result<bool> MarkRefundFailed(std::string_view provider, std::string_view refund_id,
                                        Timestamp now) = 0;

  // Moves a pending order to failed or expired. Returns false if it was no longer pending.
  virtual Result<bool> MarkClosed(int64_t order_id, domain::OrderStatus status, Timestamp now) = 0;

  // Returns up to `limit` ids of pending orders whose deadline is at or before `now`.
  virtual Result<std::vector<int64_t>> ListOverdue(Timestamp now, int limit) = 0;

  // Returns up to `limit` orders settled by `provider` that are still pending or expired unpaid,
  // created in [created_from, created_to), oldest first (reconciliation).
  virtual Result<std::vector<domain::Order>> ListUnpaidCheckouts(std::string_view provider,
                                                                 Timestamp created_from,
                                                                 Timestamp created_to,
                                                                 int limit) = 0;

  // Returns the money paid by the user for orders of `kind`, per currency.
  virtual Result<std::vector<PaidTotal>> PaidTotals(int64_t user_id, domain::OrderKind kind) = 0;
};

}  // namespace creditd::app
