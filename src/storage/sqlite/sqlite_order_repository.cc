#include "storage/sqlite/sqlite_order_repository.h"

#include <string>

#include "storage/common/order_rows.h"

namespace creditd::storage::sqlite {

Result<int64_t> SqliteOrderRepository::Insert(const domain::Order& order) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO orders (order_no, kind, user_id, account_id, price_id, amount, "
                  "bonus, membership_type, duration_days, price_minor, currency, payment_method, "
                  "status, created_at, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindNewOrder(params, order);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Status SqliteOrderRepository::SetCheckout(int64_t order_id, const app::Checkout& checkout) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE orders SET pay_url = ?, checkout_ref = ?, provider = ?, pay_kind = ? "
                  "WHERE id = ?"));
  statement.Bind(1, checkout.pay_url)
      .Bind(2, checkout.reference)
      .Bind(3, checkout.provider)
      .Bind(4, domain::PayKindName(checkout.kind))
      .Bind(5, order_id);
  return RunOne(db_, statement, OrderNotFound());
}

Result<std::string> SqliteOrderRepository::PayUrl(int64_t order_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("SELECT pay_url FROM orders WHERE id = ?"));
  statement.Bind(1, order_id);
  return OneRow(
      statement, [](const Statement& row) -> Result<std::string> { return row.Text(0); },
      OrderNotFound());
}

Result<domain::Order> SqliteOrderRepository::FindByNo(std::string_view order_no) {
  static const std::string kSql = std::string(kOrderSelect) + "WHERE order_no = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, order_no);
  return OneRow(statement, MapOrder<Statement>, OrderNotFound());
}

Result<domain::Order> SqliteOrderRepository::FindById(int64_t order_id) {
  static const std::string kSql = std::string(kOrderSelect) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, order_id);
  return OneRow(statement, MapOrder<Statement>, OrderNotFound());
}

Result<std::optional<domain::Order>> SqliteOrderRepository::FindByPaymentRef(
    std::string_view provider, std::string_view payment_ref) {
  static const std::string kSql =
      std::string(kOrderSelect) + "WHERE payment_ref = ? AND provider = ? LIMIT 1";
  if (payment_ref.empty()) {
    return std::optional<domain::Order>();
  }
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, payment_ref).Bind(2, provider);
  return FirstRow(statement, MapOrder<Statement>);
}

Result<app::OrderPage> SqliteOrderRepository::ListForUser(int64_t user_id, domain::OrderKind kind,
                                                          int64_t skip, int64_t limit) {
  app::OrderPage page;
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement count, db_.Prepare("SELECT COUNT(*) FROM orders WHERE user_id = ? AND kind = ?"));
    count.Bind(1, user_id).Bind(2, domain::OrderKindName(kind));
    CREDITD_ASSIGN_OR_RETURN(page.total,
                             OneRow(count, MapId<Statement>, Corrupt("orders: no count")));
  }
  static const std::string kSql = std::string(kOrderSelect) +
                                  "WHERE user_id = ? AND kind = ? ORDER BY id DESC LIMIT ? "
                                  "OFFSET ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, user_id).Bind(2, domain::OrderKindName(kind)).Bind(3, limit).Bind(4, skip);
  CREDITD_ASSIGN_OR_RETURN(page.items, CollectRows(statement, MapOrder<Statement>));
  return page;
}

Result<bool> SqliteOrderRepository::MarkPaid(int64_t order_id, const app::OrderPayment& payment) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE orders SET status = 'paid', paid_at = ?, start_date = ?, end_date = ?, "
                  "credit_entry_id = ?, payment_ref = ?, updated_at = ? WHERE id = ? AND "
                  "(status = 'pending' OR (? = 1 AND status <> 'paid'))"));
  ParamBinder params(statement);
  BindOrderPayment(params, order_id, payment);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Status SqliteOrderRepository::SetRefunded(int64_t order_id, int64_t refunded_minor, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE orders SET refunded_minor = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, refunded_minor).Bind(2, ToUnixSeconds(now)).Bind(3, order_id);
  return RunOne(db_, statement, OrderNotFound());
}

Result<int64_t> SqliteOrderRepository::KeepRefund(int64_t order_id, std::string_view provider,
                                                  std::string_view refund_id, int64_t amount_minor,
                                                  Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement insert,
      db_.Prepare("INSERT INTO order_refunds (provider, refund_id, order_id, amount_minor, status, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, 'succeeded', ?, ?) ON CONFLICT "
                  "(provider, refund_id) DO UPDATE SET status = 'succeeded', amount_minor = "
                  "excluded.amount_minor, updated_at = excluded.updated_at WHERE "
                  "order_refunds.status <> 'succeeded' AND order_refunds.order_id = "
                  "excluded.order_id"));
  insert.Bind(1, provider).Bind(2, refund_id).Bind(3, order_id).Bind(4, amount_minor);
  insert.Bind(5, ToUnixSeconds(now)).Bind(6, ToUnixSeconds(now));
  CREDITD_RETURN_IF_ERROR(insert.Run());
  CREDITD_ASSIGN_OR_RETURN(Statement sum,
                           db_.Prepare("SELECT COALESCE(SUM(amount_minor), 0) FROM order_refunds "
                                       "WHERE order_id = ? AND status = 'succeeded'"));
  sum.Bind(1, order_id);
  return OneRow(
      sum, [](const Statement& row) -> Result<int64_t> { return row.Int64(0); }, OrderNotFound());
}

Result<int64_t> SqliteOrderRepository::SumCheckouts(std::string_view provider,
                                                    std::string_view checkout_ref,
                                                    Timestamp created_from) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare(
          "SELECT COALESCE(SUM(price_minor), 0) FROM orders WHERE provider = ? AND "
          "provider <> '' AND checkout_ref = ? AND created_at >= ? AND status IN ('pending', "
          "'paid')"));
  statement.Bind(1, provider).Bind(2, checkout_ref).Bind(3, ToUnixSeconds(created_from));
  return OneRow(
      statement, [](const Statement& row) -> Result<int64_t> { return row.Int64(0); },
      OrderNotFound());
}

Status SqliteOrderRepository::NotePendingRefund(int64_t order_id, std::string_view provider,
                                                std::string_view refund_id,
                                                std::string_view request_no, int64_t amount_minor,
                                                Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement insert,
      db_.Prepare("INSERT INTO order_refunds (provider, refund_id, order_id, amount_minor, status, "
                  "request_no, created_at, updated_at) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) "
                  "ON CONFLICT DO NOTHING"));
  insert.Bind(1, provider).Bind(2, refund_id).Bind(3, order_id).Bind(4, amount_minor);
  insert.Bind(5, request_no).Bind(6, ToUnixSeconds(now)).Bind(7, ToUnixSeconds(now));
  return insert.Run();
}

Result<std::vector<app::PendingRefund>> SqliteOrderRepository::ListPendingRefunds(
    std::string_view provider, Timestamp noted_before, int limit) {
  static const std::string kSql = std::string(kPendingRefundSelect) +
                                  "WHERE provider = ? AND status = 'pending' AND created_at < ? "
                                  "ORDER BY created_at LIMIT ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, provider).Bind(2, ToUnixSeconds(noted_before)).Bind(3, int64_t{limit});
  return CollectRows(statement, MapPendingRefund<Statement>);
}

Result<bool> SqliteOrderRepository::MarkRefundFailed(std::string_view provider,
                                                     std::string_view refund_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE order_refunds SET status = 'failed', updated_at = ? WHERE provider = ? "
                  "AND refund_id = ? AND status = 'pending'"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, provider).Bind(3, refund_id);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<bool> SqliteOrderRepository::MarkClosed(int64_t order_id, domain::OrderStatus status,
                                               Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = "
                  "'pending'"));
  statement.Bind(1, domain::OrderStatusName(status)).Bind(2, ToUnixSeconds(now)).Bind(3, order_id);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<std::vector<int64_t>> SqliteOrderRepository::ListOverdue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id FROM orders WHERE status = 'pending' AND expires_at <= ? ORDER BY "
                  "expires_at LIMIT ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, int64_t{limit});
  return CollectRows(statement, MapId<Statement>);
}

Result<std::vector<domain::Order>> SqliteOrderRepository::ListUnpaidCheckouts(
    std::string_view provider, Timestamp created_from, Timestamp created_to, int limit) {
  static const std::string kSql =
      std::string(kOrderSelect) +
      "WHERE provider = ? AND provider <> '' AND status IN ('pending', 'expired') AND "
      "created_at >= ? AND created_at < ? ORDER BY created_at LIMIT ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, provider)
      .Bind(2, ToUnixSeconds(created_from))
      .Bind(3, ToUnixSeconds(created_to))
      .Bind(4, int64_t{limit});
  return CollectRows(statement, MapOrder<Statement>);
}

Result<std::vector<app::PaidTotal>> SqliteOrderRepository::PaidTotals(int64_t user_id,
                                                                      domain::OrderKind kind) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT currency, SUM(price_minor), COUNT(*) FROM orders WHERE user_id = ? AND "
                  "kind = ? AND status = 'paid' GROUP BY currency ORDER BY currency"));
  statement.Bind(1, user_id).Bind(2, domain::OrderKindName(kind));
  return CollectRows(statement, MapPaidTotal<Statement>);
}

}  // namespace creditd::storage::sqlite
