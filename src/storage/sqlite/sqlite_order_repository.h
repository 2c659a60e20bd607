// SqliteOrderRepository: app::OrderRepository (orders) over one SQLite
// connection. The SQL is this file's; the row mapping is storage/common's. Handed out by
// SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/order_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteOrderRepository final : public app::OrderRepository {
 public:
  explicit SqliteOrderRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const domain::Order& order) override;
  Status SetCheckout(int64_t order_id, const app::Checkout& checkout) override;
  Result<std::string> PayUrl(int64_t order_id) override;
  Result<domain::Order> FindByNo(std::string_view order_no) override;
  Result<domain::Order> FindById(int64_t order_id) override;
  Result<std::optional<domain::Order>> FindByPaymentRef(std::string_view provider,
                                                        std::string_view payment_ref) override;
  Result<app::OrderPage> ListForUser(int64_t user_id, domain::OrderKind kind, int64_t skip,
                                     int64_t limit) override;
  Result<bool> MarkPaid(int64_t order_id, const app::OrderPayment& payment) override;
  Status SetRefunded(int64_t order_id, int64_t refunded_minor, Timestamp now) override;
  Result<int64_t> KeepRefund(int64_t order_id, std::string_view provider,
                             std::string_view refund_id, int64_t amount_minor,
                             Timestamp now) override;
  Result<int64_t> SumCheckouts(std::string_view provider, std::string_view checkout_ref,
                               Timestamp created_from) override;
  Status NotePendingRefund(int64_t order_id, std::string_view provider, std::string_view refund_id,
                           std::string_view request_no, int64_t amount_minor,
                           Timestamp now) override;
  Result<std::vector<app::PendingRefund>> ListPendingRefunds(std::string_view provider,
                                                             Timestamp noted_before,
                                                             int limit) override;
  Result<bool> MarkRefundFailed(std::string_view provider, std::string_view refund_id,
                                Timestamp now) override;
  Result<bool> MarkClosed(int64_t order_id, domain::OrderStatus status, Timestamp now) override;
  Result<std::vector<int64_t>> ListOverdue(Timestamp now, int limit) override;
  Result<std::vector<domain::Order>> ListUnpaidCheckouts(std::string_view provider,
                                                         Timestamp created_from,
                                                         Timestamp created_to, int limit) override;
  Result<std::vector<app::PaidTotal>> PaidTotals(int64_t user_id, domain::OrderKind kind) override;

 private:
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
