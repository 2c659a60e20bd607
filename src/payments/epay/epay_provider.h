// EpayProvider: orders paid through an EPay (易支付) aggregator with its V1 interface
// (../shared/PROTOCOLS-2.md section 1, docs/payments/epay.md). Many small Chinese sites take
// Alipay and WeChat Pay this way when they have no merchant account of their own.
//   - Checkout: the payer is sent to the aggregator's submit.php with a signed URL built here
//     (type alipay or wxpay from the order's payment method, the order number as out_trade_no,
//     the price as money "9.90", notify_url /webhooks/epay). The parameters follow from the order
//     alone, so a retried checkout sends the very same request, as EPay requires.
//   - Notification: GET /webhooks/epay?... verified over the values exactly as received (money=1
//     is signed as "1", not "1.00"), then pid and the amount are checked; only TRADE_SUCCESS pays.
//     Answered "success" once applied, "fail" otherwise (EPay retries a few times over two hours).
//   - Reconciliation: api.php?act=order (GET; the merchant key is in the query string, so URLs are
//     never logged); status 1 or 3 means paid.
//   - Refunds: api.php?act=refund for the whole order, confirmed by act=order (status 2, since
//     operators' servers disagree on the refund answer's code). EPay sends no refund
//     notification, so the refund is settled in the answer (refunded_total).
//
// Thread-safe once configured: set_base_url() is called before the server starts serving.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/ports/payment_gateway.h"
#include "app/ports/payment_provider.h"
#include "payments/common/http_transport.h"
#include "payments/common/sign_content.h"

namespace creditd::payments::epay {

struct EpayOptions {
  // Where the aggregator serves submit.php and api.php (EPAY_API_BASE), no trailing slash.
  std::string api_base;
  std::string pid;                           // The merchant id (EPAY_PID).
  std::string key;                           // The merchant key (EPAY_KEY or EPAY_KEY_FILE).
  std::chrono::milliseconds timeout{15000};  // Per attempt.
  RetryPolicy retry;                         // Queries only; a refund is never resent blindly.
};

class EpayProvider final : public app::PaymentProvider, public app::PaymentGateway {
 public:
  // `base_url` is this server's public address (notify_url and return_url are under it).
  EpayProvider(EpayOptions options, std::string base_url)
      : options_(std::move(options)), base_url_(std::move(base_url)) {}

  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

  std::string_view name() const override { return "epay"; }

  // ----- app::PaymentGateway -----
  // The signed submit.php URL of the order (no I/O). Errors: "provider_error" for an order not in
  // CNY or of a payment method EPay does not take (alipay and wechat only).
  Result<app::Checkout> StartCheckout(const domain::Order& order,
                                      const app::CheckoutContext& context) override;

  // ----- app::PaymentProvider -----
  // Errors: "invalid_signature" (not a well-formed form, no sign, or a sign that does not match).
  // A genuine notification naming another merchant (pid) or with an unreadable amount is
  // returned with decode_error set. No I/O.
  Result<app::ProviderEvent> ParseEvent(const app::ProviderNotification& notification,
                                        Timestamp now) override;
  // "success" (200) when accepted, "fail" (400 refused, 500 failed here) otherwise.
  std::optional<app::NotificationReply> Reply(app::NotificationOutcome outcome) const override;
  // act=order. An order EPay does not know (the payer never reached it) is open.
  Result<app::ProviderCheckout> QueryCheckout(const domain::Order& order) override;
  // act=refund of the whole order, confirmed by act=order; refunded_total is the order's price.
  // A part of an order is refused ("invalid_field", field amount). Safe to retry: an order
  // already refunded at EPay is reported refunded without a second request.
  Result<app::ProviderRefund> Refund(const domain::Order& order, std::optional<int64_t> amount,
                                     std::string_view idempotency_key) override;

 private:
  // GET or POST api.php with `params` (the merchant's pid and key added), decoded as JSON.
  Result<nlohmann::json> CallApi(const std::string& method, ProviderParams params) const;
  // act=order for `order_no`: the answer, or nullopt when EPay does not know the order.
  Result<std::optional<nlohmann::json>> FindOrder(std::string_view order_no) const;

  const EpayOptions options_;
  std::string base_url_;
};

}  // namespace creditd::payments::epay
