// EpayProvider: orders paid through an EPay (易支付) aggregator with its V1 interface
// (../shared/PROTOCOLS-2.md section 1, docs/payments/epay.md). Many small Chinese sites take
// Alipay and WeChat Pay this way when they have no merchant account of their own.
//   - Checkout: the payer is sent to the aggregator's submit.php with a signed URL built here
//     (type alipay or wxpay from the order's payment method, the order number as out_trade_no,
//     the price as money "9.90", notify_url /webhooks/epay). The parameters follow from the order
//     alone, so a retried checkout sends the very same request, as EPay requires. With
//     api_checkout, the same signed parameters with the payer's address and device are POSTed to
//     mapi.php, whose answer (code 1) is a page (payurl, urlscheme) or a QR code (qrcode).
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
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/ports/payment_gateway.h"
#include "app/ports/payment_provider.h"
#include "payments/common/http_transport.h"
#include "payments/common/sign_content.h"

namespace creditd::payments::epay {

// One merchant account at the aggregator.
struct EpayMerchant {
  std::string pid;  // The merchant id.
  std::string key;  // The merchant key.
  // The most money (fen) this merchant takes per day (Beijing time), pending orders counted;
  // none: no limit; 0: retired (no new orders, its own still notified, queried and refunded).
  std::optional<int64_t> daily_limit;
};

struct EpayOptions {
  // Where the aggregator serves submit.php and api.php (EPAY_API_BASE), no trailing slash.
  std::string api_base;
  // EPAY_PID and EPAY_KEY, or the merchants of EPAY_MERCHANTS_FILE: an order goes to the first
  // one whose daily limit it fits.
  std::vector<EpayMerchant> merchants;
  // EPAY_CHECKOUT=api: the checkout is made server to server with mapi.php, which answers a page
  // to send the payer to or a QR code to show; else (page) the payer is sent to submit.php.
  bool api_checkout = false;
  std::chrono::milliseconds timeout{15000};  // Per attempt.
  RetryPolicy retry;                         // Queries only; a refund is never resent blindly.
};

class EpayProvider final : public app::PaymentProvider, public app::PaymentGateway {
 public:
  // `base_url` is this server's public address (notify_url and return_url are under it).
  // `volume` (not owned) tells what each merchant took today; needed only when a merchant has a
  // daily limit.
  EpayProvider(EpayOptions options, std::string base_url, app::CheckoutVolume* volume = nullptr)
      : options_(std::move(options)), base_url_(std::move(base_url)), volume_(volume) {}

  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

  std::string_view name() const override { return "epay"; }

  // ----- app::PaymentGateway -----
  // The signed submit.php URL of the order (no I/O but the merchants' volume), or with
  // api_checkout mapi.php's page or QR code (one call, safe to repeat: the parameters follow from
  // the order and its merchant). The order goes to the first merchant whose daily limit it fits;
  // its pid is the checkout's reference. Errors: "provider_error" for an order not in CNY or of
  // a payment method EPay does not take (alipay and wechat only), one no merchant can take
  // today, or one mapi.php refuses; "provider_unavailable"; storage errors.
  Result<app::Checkout> StartCheckout(const domain::Order& order,
                                      const app::CheckoutContext& context) override;

  // ----- app::PaymentProvider -----
  // Errors: "invalid_signature" (not a well-formed form, no sign, or a sign that no merchant's
  // key matches: the key of the notification's pid, or when that pid is not one of ours, any of
  // them). A genuine notification naming another merchant (pid) or with an unreadable amount is
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
  // The merchant a new order goes to: the first whose daily limit it fits.
  Result<const EpayMerchant*> MerchantFor(const domain::Order& order) const;
  // The merchant that took `order` (its checkout reference; the first for orders made before
  // merchants were recorded). Errors: "provider_error" for a merchant no longer configured.
  Result<const EpayMerchant*> MerchantOf(const domain::Order& order) const;
  // mapi.php with `merchant`'s signed `params` and the payer's address and device.
  Result<app::Checkout> StartApiCheckout(const EpayMerchant& merchant, ProviderParams params,
                                         const app::CheckoutContext& context) const;
  // GET or POST api.php with `params` (the merchant's pid and key added), decoded as JSON.
  Result<nlohmann::json> CallApi(const EpayMerchant& merchant, const std::string& method,
                                 ProviderParams params) const;
  // act=order for `order_no`: the answer, or nullopt when EPay does not know the order.
  Result<std::optional<nlohmann::json>> FindOrder(const EpayMerchant& merchant,
                                                  std::string_view order_no) const;

  const EpayOptions options_;
  std::string base_url_;
  app::CheckoutVolume* const volume_;
};

}  // namespace creditd::payments::epay
