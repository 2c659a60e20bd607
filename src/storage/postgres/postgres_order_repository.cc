#include "storage/postgres/postgres_order_repository.h"

#include <string>

#include "storage/common/order_rows.h"

namespace creditd::storage::postgres {

Result<int64_t> PostgresOrderRepository::Insert(const domain::Order& order) {
  PgQuery query(db_,
                "INSERT INTO orders (order_no, kind, user_id, account_id, price_id, amount, bonus, "
                "membership_type, duration_days, price_minor, currency, payment_method, status, "
                "created_at, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                "$10, $11, $12, $13, $14, $15, $16) RETURNING id");
  BindNewOrder(query, order);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.Int64(0, 0);
}

Status PostgresOrderRepository::SetCheckout(int64_t order_id, const app::Checkout& checkout) {
  PgQuery query(db_,
                "UPDATE orders SET pay_url = $1, checkout_ref = $2, provider = $3, pay_kind = $4 "
                "WHERE id = $5");
  query.Bind(checkout.pay_url)
      .Bind(checkout.reference)
      .Bind(checkout.provider)
      .Bind(domain::PayKindName(checkout.kind))
      .Bind(order_id);
  return RunOne(query, OrderNotFound());
}

Result<std::string> PostgresOrderRepository::PayUrl(int64_t order_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_, "SELECT pay_url FROM orders WHERE id = $1").Bind(order_id).Run());
  return OneRow(
      rows, [](const PgRow& row) -> Result<std::string> { return row.Text(0); }, OrderNotFound());
}

Result<domain::Order> PostgresOrderRepository::FindByNo(std::string_view order_no) {
  static const std::string kSql = std::string(kOrderSelect) + "WHERE order_no = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(order_no).Run());
  return OneRow(rows, MapOrder<PgRow>, OrderNotFound());
}

Result<domain::Order> PostgresOrderRepository::FindById(int64_t order_id) {
  static const std::string kSql = std::string(kOrderSelect) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(order_id).Run());
  return OneRow(rows, MapOrder<PgRow>, OrderNotFound());
}

Result<std::optional<domain::Order>> PostgresOrderRepository::FindByPaymentRef(
    std::string_view provider, std::string_view payment_ref) {
  static const std::string kSql =
      std::string(kOrderSelect) + "WHERE payment_ref = $1 AND provider = $2 LIMIT 1";
  if (payment_ref.empty()) {
    return std::optional<domain::Order>();
  }
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kSql.c_str()).Bind(payment_ref).Bind(provider).Run());
  return FirstRow(rows, MapOrder<PgRow>);
}

Result<app::OrderPage> PostgresOrderRepository::ListForUser(int64_t user_id, domain::OrderKind kind,
                                                            int64_t skip, int64_t limit) {
  app::OrderPage page;
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows count,
      PgQuery(db_, "SELECT COUNT(*) FROM orders WHERE user_id = $1 AND kind = $2")
          .Bind(user_id)
          .Bind(domain::OrderKindName(kind))
          .Run());
  page.total = count.Int64(0, 0);
  static const std::string kSql = std::string(kOrderSelect) +
                                  "WHERE user_id = $1 AND kind = $2 ORDER BY id DESC LIMIT $3 "
                                  "OFFSET $4";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str())
                                                  .Bind(user_id)
                                                  .Bind(domain::OrderKindName(kind))
                                                  .Bind(limit)
                                                  .Bind(skip)
                                                  .Run());
  CREDITD_ASSIGN_OR_RETURN(page.items, CollectRows(rows, MapOrder<PgRow>));
  return page;
}

Result<bool> PostgresOrderRepository::MarkPaid(int64_t order_id, const app::OrderPayment& payment) {
  PgQuery query(db_,
                "UPDATE orders SET status = 'paid', paid_at = $1, start_date = $2, end_date = $3, "
                "credit_entry_id = $4, payment_ref = $5, updated_at = $6 WHERE id = $7 AND "
                "(status = 'pending' OR ($8 = 1 AND status <> 'paid'))");
  BindOrderPayment(query, order_id, payment);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.affected() == 1;
}

Status PostgresOrderRepository::SetRefunded(int64_t order_id, int64_t refunded_minor,
                                            Timestamp now) {
  PgQuery query(db_, "UPDATE orders SET refunded_minor = $1, updated_at = $2 WHERE id = $3");
  query.Bind(refunded_minor).Bind(ToUnixSeconds(now)).Bind(order_id);
  return RunOne(query, OrderNotFound());
}

Result<int64_t> PostgresOrderRepository::KeepRefund(int64_t order_id, std::string_view provider,
                                                    std::string_view refund_id,
                                                    int64_t amount_minor, Timestamp now) {
  // One statement: the inserted or updated row is not visible to a SELECT in the same statement
  // (the sum sees the row as it was, not succeeded), so its amount is added to the sum of the
  // others when it was kept. The caller holds the account's lock, so a concurrent refund of the
  // order has committed before this statement's snapshot.
  PgQuery query(
      db_,
      "WITH kept AS (INSERT INTO order_refunds (provider, refund_id, order_id, "
      "amount_minor, status, created_at, updated_at) VALUES ($1, $2, $3, $4, "
      "'succeeded', $5, $5) ON CONFLICT (provider, refund_id) DO UPDATE SET status = "
      "'succeeded', amount_minor = excluded.amount_minor, updated_at = "
      "excluded.updated_at WHERE order_refunds.status <> 'succeeded' AND "
      "order_refunds.order_id = excluded.order_id RETURNING amount_minor) SELECT "
      "(COALESCE((SELECT SUM(amount_minor) FROM order_refunds WHERE order_id = $3 AND "
      "status = 'succeeded'), 0) + COALESCE((SELECT amount_minor FROM kept), 0))::BIGINT");
  query.Bind(provider).Bind(refund_id).Bind(order_id).Bind(amount_minor).Bind(ToUnixSeconds(now));
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.Int64(0, 0);
}

Result<int64_t> PostgresOrderRepository::SumCheckouts(std::string_view provider,
                                                      std::string_view checkout_ref,
                                                      Timestamp created_from) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT COALESCE(SUM(price_minor), 0)::BIGINT FROM orders WHERE provider = $1 AND "
              "provider <> '' AND checkout_ref = $2 AND created_at >= $3 AND status IN "
              "('pending', 'paid')")
          .Bind(provider)
          .Bind(checkout_ref)
          .Bind(ToUnixSeconds(created_from))
          .Run());
  return rows.Int64(0, 0);
}

Status PostgresOrderRepository::NotePendingRefund(int64_t order_id, std::string_view provider,
                                                  std::string_view refund_id,
                                                  std::string_view request_no, int64_t amount_minor,
                                                  Timestamp now) {
  PgQuery query(db_,
                "INSERT INTO order_refunds (provider, refund_id, order_id, amount_minor, status, "
                "request_no, created_at, updated_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, "
                "$6) ON CONFLICT DO NOTHING");
  query.Bind(provider).Bind(refund_id).Bind(order_id).Bind(amount_minor).Bind(request_no);
  query.Bind(ToUnixSeconds(now));
  return query.Run().status();
}

Result<std::vector<app::PendingRefund>> PostgresOrderRepository::ListPendingRefunds(
    std::string_view provider, Timestamp noted_before, int limit) {
  static const std::string kSql = std::string(kPendingRefundSelect) +
                                  "WHERE provider = $1 AND status = 'pending' AND created_at < $2 "
                                  "ORDER BY created_at LIMIT $3";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str())
                                                  .Bind(provider)
                                                  .Bind(ToUnixSeconds(noted_before))
                                                  .Bind(int64_t{limit})
                                                  .Run());
  return CollectRows(rows, MapPendingRefund<PgRow>);
}

Result<bool> PostgresOrderRepository::MarkRefundFailed(std::string_view provider,
                                                       std::string_view refund_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "UPDATE order_refunds SET status = 'failed', updated_at = $1 WHERE provider = $2 "
              "AND refund_id = $3 AND status = 'pending'")
          .Bind(ToUnixSeconds(now))
          .Bind(provider)
          .Bind(refund_id)
          .Run());
  return rows.affected() == 1;
}

Result<bool> PostgresOrderRepository::MarkClosed(int64_t order_id, domain::OrderStatus status,
                                                 Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = "
              "'pending'")
          .Bind(domain::OrderStatusName(status))
          .Bind(ToUnixSeconds(now))
          .Bind(order_id)
          .Run());
  return rows.affected() == 1;
}

Result<std::vector<int64_t>> PostgresOrderRepository::ListOverdue(Timestamp now, int limit) {
  // SKIP LOCKED lets several processes' expiry jobs take disjoint batches.
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT id FROM orders WHERE status = 'pending' AND expires_at <= $1 ORDER BY "
              "expires_at LIMIT $2 FOR UPDATE SKIP LOCKED")
          .Bind(ToUnixSeconds(now))
          .Bind(int64_t{limit})
          .Run());
  return CollectRows(rows, MapId<PgRow>);
}

Result<std::vector<domain::Order>> PostgresOrderRepository::ListUnpaidCheckouts(
    std::string_view provider, Timestamp created_from, Timestamp created_to, int limit) {
  static const std::string kSql =
      std::string(kOrderSelect) +
      "WHERE provider = $1 AND provider <> '' AND status IN ('pending', 'expired') AND "
      "created_at >= $2 AND created_at < $3 ORDER BY created_at LIMIT $4";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str())
                                                  .Bind(provider)
                                                  .Bind(ToUnixSeconds(created_from))
                                                  .Bind(ToUnixSeconds(created_to))
                                                  .Bind(int64_t{limit})
                                                  .Run());
  return CollectRows(rows, MapOrder<PgRow>);
}

Result<std::vector<app::PaidTotal>> PostgresOrderRepository::PaidTotals(int64_t user_id,
                                                                        domain::OrderKind kind) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT currency, SUM(price_minor)::BIGINT, COUNT(*) FROM orders WHERE user_id = $1 "
              "AND kind = $2 AND status = 'paid' GROUP BY currency ORDER BY currency")
          .Bind(user_id)
          .Bind(domain::OrderKindName(kind))
          .Run());
  return CollectRows(rows, MapPaidTotal<PgRow>);
}

}  // namespace creditd::storage::postgres
