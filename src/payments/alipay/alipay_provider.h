// AlipayProvider: orders paid with Alipay's open platform, OpenAPI 2.0 with RSA2
// (../shared/PROTOCOLS.md 5.1, docs/payments/alipay.md), as the merchant's own app:
//   - Checkout: 电脑网站支付 (alipay.trade.page.pay) for desktops and 手机网站支付
//     (alipay.trade.wap.pay) for phones: a URL of the gateway with every parameter signed with
//     the app's private key (SHA256withRSA over the sorted k=v text, sign_type included, empty
//     values left out), the order number as out_trade_no, the price as total_amount "9.90" and
//     time_expire the order's deadline, in Beijing time as Alipay reads it.
//   - Notification: the form Alipay POSTs to /webhooks/alipay is verified with Alipay's public key
//     (sign and sign_type left out) before anything else, and refused when its notify_time is
//     more than 5 minutes ahead or 26 hours old (Alipay retries for about 25 hours); then app_id
//     (and seller_id when configured) and the amount are checked. TRADE_SUCCESS and TRADE_FINISHED
//     pay; a refund_fee reports the money refunded so far; TRADE_CLOSED without one closes an
//     unpaid order. Answered "success", else "failure".
//   - alipay.trade.query reconciles orders left unpaid (补单); alipay.trade.refund refunds, keyed
//     by out_request_no, and its answer settles the refund (refund_fee, cumulative). Every answer
//     is verified over the raw text of its <method>_response member.
//
// Thread-safe once configured: set_base_url() is called before the server starts serving.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/ports/payment_gateway.h"
#include "app/ports/payment_provider.h"
#include "common/clock.h"
#include "payments/common/http_transport.h"
#include "payments/common/provider_crypto.h"
#include "payments/common/sign_content.h"

namespace creditd::payments::alipay {

struct AlipayOptions {
  std::string gateway = "https://openapi.alipay.com/gateway.do";  // ALIPAY_GATEWAY.
  std::string app_id;                                             // ALIPAY_APP_ID.
  std::string seller_id;  // ALIPAY_SELLER_ID: when set, notifications must name it.
  // ALIPAY_QR: desktop payers get a 当面付 QR code (alipay.trade.precreate) to scan with the
  // Alipay app instead of the page-pay page.
  bool qr_for_desktop = false;
  std::chrono::milliseconds timeout{15000};  // Per attempt.
  RetryPolicy retry;                         // Queries and refunds (refunds are keyed).
};

// Beijing time (UTC+8, no daylight saving), "yyyy-MM-dd HH:mm:ss", as Alipay's timestamps are.
std::string FormatBeijingTime(Timestamp time);
std::optional<Timestamp> ParseBeijingTime(std::string_view text);

class AlipayProvider final : public app::PaymentProvider, public app::PaymentGateway {
 public:
  // `app_key` signs requests; `alipay_key` (Alipay's public key) verifies what Alipay sends.
  // `clock` (not owned) stamps requests and judges notify_time.
  AlipayProvider(AlipayOptions options, RsaPrivateKey app_key, RsaPublicKey alipay_key,
                 const Clock& clock, std::string base_url)
      : options_(std::move(options)),
        app_key_(std::move(app_key)),
        alipay_key_(std::move(alipay_key)),
        clock_(clock),
        base_url_(std::move(base_url)) {}

  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

  std::string_view name() const override { return "alipay"; }

  // ----- app::PaymentGateway -----
  // The signed page-pay (desktop) or wap-pay (mobile) URL, no I/O; or, for a desktop with
  // qr_for_desktop, the QR code of alipay.trade.precreate (one call to Alipay, safe to repeat:
  // Alipay answers the same code for the same out_trade_no). Errors: "provider_error" for an
  // order not in CNY or not of the alipay method, or refused by Alipay;
  // "provider_unavailable".
  Result<app::Checkout> StartCheckout(const domain::Order& order,
                                      const app::CheckoutContext& context) override;

  // ----- app::PaymentProvider -----
  // Errors: "invalid_signature" (not a well-formed form, no sign, a sign Alipay's key does not
  // verify, or a notify_time outside the window). Another app's or seller's notification, or an
  // unreadable amount, comes back with decode_error set. No I/O.
  Result<app::ProviderEvent> ParseEvent(const app::ProviderNotification& notification,
                                        Timestamp now) override;
  // "success" (200) when accepted, "failure" (400 refused, 500 failed here) otherwise.
  std::optional<app::NotificationReply> Reply(app::NotificationOutcome outcome) const override;
  // alipay.trade.query by out_trade_no; a trade Alipay does not know (an unscanned page) is open.
  Result<app::ProviderCheckout> QueryCheckout(const domain::Order& order) override;
  // alipay.trade.close by out_trade_no; a trade Alipay does not know is closed already.
  Status CloseCheckout(const domain::Order& order) override;
  // alipay.trade.refund with out_request_no `idempotency_key` (Alipay refunds once per key);
  // refunded_total is Alipay's refund_fee, cumulative.
  Result<app::ProviderRefund> Refund(const domain::Order& order, std::optional<int64_t> amount,
                                     std::string_view idempotency_key) override;

 private:
  // The public parameters of `method` with `biz_content` and `extra` (notify_url, return_url),
  // signed.
  ProviderParams SignedRequest(std::string_view method, const nlohmann::ordered_json& biz,
                               ProviderParams extra) const;
  // POSTs `method` with `extra` public parameters to the gateway and returns its verified
  // <method>_response object.
  Result<nlohmann::json> Call(std::string_view method, const nlohmann::ordered_json& biz,
                              ProviderParams extra) const;
  // The 当面付 QR code of an order (alipay.trade.precreate).
  Result<app::Checkout> StartQrCheckout(const domain::Order& order,
                                        const nlohmann::ordered_json& biz);
  // The <method>_response object of `body`, verified over its raw text with Alipay's key.
  Result<nlohmann::json> VerifiedAnswer(std::string_view method, std::string_view body) const;

  const AlipayOptions options_;
  const RsaPrivateKey app_key_;
  const RsaPublicKey alipay_key_;
  const Clock& clock_;
  std::string base_url_;
};

}  // namespace creditd::payments::alipay
