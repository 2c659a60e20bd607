// Orders as rows: the column list, the row-to-domain mappers and the parameter list both
// backends share (see row_reader.h). Header only; thread-safe.
#pragma once

#include "app/ports/order_repository.h"
#include "common/status_macros.h"
#include "domain/order.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

inline constexpr const char* kOrderSelect =
    "SELECT id, order_no, kind, user_id, account_id, price_id, amount, bonus, membership_type, "
    "duration_days, price_minor, currency, payment_method, status, created_at, expires_at, "
    "paid_at, start_date, end_date, checkout_ref, payment_ref, credit_entry_id, refunded_minor, "
    "provider, pay_kind "
    "FROM orders ";

template <RowReader Row>
Result<domain::Order> MapOrder(const Row& row) {
  domain::Order order;
  order.id = row.Int64(0);
  order.order_no = row.Text(1);
  CREDITD_ASSIGN_OR_RETURN(order.kind, EnumColumn(row, 2, domain::ParseOrderKind, "orders.kind"));
  order.user_id = row.Int64(3);
  order.account_id = row.Int64(4);
  order.price_id = row.Int64(5);
  order.amount = row.Int64(6);
  order.bonus = row.Int64(7);
  order.membership_type = row.Text(8);
  order.duration_days = IntColumn(row, 9);
  CREDITD_ASSIGN_OR_RETURN(order.price, MoneyColumn(row, 10, 11, "orders.currency"));
  CREDITD_ASSIGN_OR_RETURN(order.payment_method, EnumColumn(row, 12, domain::ParsePaymentMethod,
                                                            "orders.payment_method"));
  CREDITD_ASSIGN_OR_RETURN(order.status,
                           EnumColumn(row, 13, domain::ParseOrderStatus, "orders.status"));
  order.created_at = TimeColumn(row, 14);
  order.expires_at = TimeColumn(row, 15);
  order.paid_at = OptionalTimeColumn(row, 16);
  order.start_date = OptionalTimeColumn(row, 17);
  order.end_date = OptionalTimeColumn(row, 18);
  order.checkout_ref = row.Text(19);
  order.payment_ref = row.Text(20);
  order.credit_entry_id = row.OptionalInt64(21);
  CREDITD_ASSIGN_OR_RETURN(order.refunded, MoneyColumn(row, 22, 11, "orders.currency"));
  order.provider = row.Text(23);
  CREDITD_ASSIGN_OR_RETURN(order.pay_kind,
                           EnumColumn(row, 24, domain::ParsePayKind, "orders.pay_kind"));
  return order;
}

// order_no, kind, user_id, account_id, price_id, amount, bonus, membership_type, duration_days,
// price_minor, currency, payment_method, status, created_at, expires_at, updated_at
// (= created_at).
template <ParamWriter Params>
void BindNewOrder(Params& params, const domain::Order& order) {
  params.Bind(order.order_no)
      .Bind(domain::OrderKindName(order.kind))
      .Bind(order.user_id)
      .Bind(order.account_id)
      .Bind(order.price_id)
      .Bind(order.amount)
      .Bind(order.bonus)
      .Bind(order.membership_type)
      .Bind(int64_t{order.duration_days})
      .Bind(order.price.amount_minor())
      .Bind(order.currency().code())
      .Bind(domain::PaymentMethodName(order.payment_method))
      .Bind(domain::OrderStatusName(order.status))
      .Bind(ToUnixSeconds(order.created_at))
      .Bind(ToUnixSeconds(order.expires_at))
      .Bind(ToUnixSeconds(order.created_at));
}

// paid_at, start_date, end_date, credit_entry_id, payment_ref, updated_at (= paid_at),
// order id, accept_closed (0/1).
template <ParamWriter Params>
void BindOrderPayment(Params& params, int64_t order_id, const app::OrderPayment& payment) {
  params.Bind(ToUnixSeconds(payment.paid_at))
      .Bind(OptionalSeconds(payment.start_date))
      .Bind(OptionalSeconds(payment.end_date))
      .Bind(payment.credit_entry_id)
      .Bind(payment.payment_ref)
      .Bind(ToUnixSeconds(payment.paid_at))
      .Bind(order_id)
      .Bind(BoolParam(payment.accept_closed));
}

// (order_id, refund_id, request_no, amount_minor, created_at) rows of ListPendingRefunds.
constexpr const char* kPendingRefundSelect =
    "SELECT order_id, refund_id, request_no, amount_minor, created_at FROM order_refunds ";
template <RowReader Row>
Result<app::PendingRefund> MapPendingRefund(const Row& row) {
  return app::PendingRefund{row.Int64(0), row.Text(1), row.Text(2), row.Int64(3),
                            FromUnixSeconds(row.Int64(4))};
}

// (currency, sum, count) rows of PaidTotals.
template <RowReader Row>
Result<app::PaidTotal> MapPaidTotal(const Row& row) {
  return app::PaidTotal{row.Text(0), row.Int64(1), row.Int64(2)};
}

}  // namespace creditd::storage
