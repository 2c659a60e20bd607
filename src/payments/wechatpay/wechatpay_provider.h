// WechatpayProvider: orders paid with WeChat Pay API v3 as a directly connected merchant
// (直连商户; ../shared/PROTOCOLS.md 5.2, PROTOCOLS-2.md 4.1, docs/payments/wechatpay.md):
//   - Checkout: Native pay for desktops (POST /v3/pay/transactions/native: the code_url is shown
//     as a QR code the payer scans with WeChat; the order's pay_kind is qr) and H5 pay for phone
//     browsers (POST /v3/pay/transactions/h5 with the payer's address: the h5_url opens WeChat,
//     which comes back to the portal's page of the order). Amounts are integer fen; time_expire is
//     the order's deadline.
//   - Every request is signed with the merchant's API key (WECHATPAY2-SHA256-RSA2048, the
//     merchant certificate's serial) and every answer is verified with WeChat Pay's key (the
//     public key of public-key mode, or a platform certificate) before it is read.
//   - Notification: POSTed JSON to /webhooks/wechatpay, verified with WeChat Pay's key over
//     "timestamp\nnonce\nbody\n" (the configured key id only, probes refused, 300 s either way),
//     then its resource is opened with the APIv3 key (AES-256-GCM). TRANSACTION.SUCCESS pays
//     when mchid, appid, the amount in fen and the currency are the order's; REFUND.SUCCESS
//     reports one refund (kept by its refund_id). Answered 200 with no body, or 4xx/5xx with
//     {"code":"FAIL","message":...}, after which WeChat Pay delivers it again.
//   - Reconciliation queries by out_trade_no; refunds go to /v3/refund/domestic/refunds keyed by
//     out_refund_no, and a SUCCESS answer settles the refund at once; a PROCESSING one is asked
//     about by its out_refund_no when its notification does not come.
//
// Thread-safe once configured: set_base_url() is called before the server starts serving.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/ports/payment_gateway.h"
#include "app/ports/payment_provider.h"
#include "common/clock.h"
#include "common/ids.h"
#include "payments/common/http_transport.h"
#include "payments/common/provider_crypto.h"

namespace creditd::payments::wechatpay {

struct WechatpayOptions {
  std::string api_base = "https://api.mch.weixin.qq.com";  // WECHATPAY_API_BASE.
  std::string mchid;                                       // WECHATPAY_MCHID: 商户号.
  std::string appid;            // WECHATPAY_APPID: the AppID bound to the merchant.
  std::string serial_no;        // WECHATPAY_SERIAL_NO: the merchant API certificate's serial.
  std::string platform_key_id;  // WECHATPAY_PUBLIC_KEY_ID: PUB_KEY_ID_… or a platform serial.
  std::string api_v3_key;       // WECHATPAY_APIV3_KEY: 32 bytes, opens notification resources.
  std::chrono::milliseconds timeout{15000};  // Per attempt.
  RetryPolicy retry;  // Every call: orders and refunds are keyed by out_trade_no/out_refund_no.
};

// A WeChat Pay time, RFC 3339 in Beijing time: "2026-12-03T18:30:00+08:00".
std::string FormatWechatTime(Timestamp time);

class WechatpayProvider final : public app::PaymentProvider, public app::PaymentGateway {
 public:
  // `merchant_key` signs requests; `platform_key` (WeChat Pay's public key or platform
  // certificate, id options.platform_key_id) verifies what WeChat Pay sends. `clock` and `ids`
  // (not owned) stamp requests and make their nonces.
  WechatpayProvider(WechatpayOptions options, RsaPrivateKey merchant_key, RsaPublicKey platform_key,
                    const Clock& clock, IdGenerator& ids, std::string base_url)
      : options_(std::move(options)),
        merchant_key_(std::move(merchant_key)),
        platform_key_(std::move(platform_key)),
        clock_(clock),
        ids_(ids),
        base_url_(std::move(base_url)) {}

  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

  std::string_view name() const override { return "wechatpay"; }

  // ----- app::PaymentGateway -----
  // The order's Native code_url (desktop; pay_kind qr) or its H5 page (mobile, with the payer's
  // address; pay_kind redirect): one call to WeChat Pay, safe to repeat for the same order.
  // Errors: "provider_error" for an order not in CNY or not of the wechat method, or refused by
  // WeChat Pay; "provider_unavailable".
  Result<app::Checkout> StartCheckout(const domain::Order& order,
                                      const app::CheckoutContext& context) override;

  // ----- app::PaymentProvider -----
  // Errors: "invalid_signature" (a missing or wrong Wechatpay-* header or signature, a timestamp
  // 300 s or more from `now`, or a resource the APIv3 key does not open); "malformed_json" (a
  // signed body that is not a notification). Another merchant's or app's payment, or one whose
  // amount does not decode, comes back with decode_error set. No I/O.
  Result<app::ProviderEvent> ParseEvent(const app::ProviderNotification& notification,
                                        Timestamp now) override;
  // 200 with no body when accepted; 400 or 500 with {"code":"FAIL","message":…} otherwise.
  std::optional<app::NotificationReply> Reply(app::NotificationOutcome outcome) const override;
  // GET /v3/pay/transactions/out-trade-no/{order_no}: SUCCESS (and REFUND: paid, then refunded)
  // is paid; CLOSED and REVOKED are expired; an order WeChat Pay does not know is open.
  Result<app::ProviderCheckout> QueryCheckout(const domain::Order& order) override;
  // POST /v3/pay/transactions/out-trade-no/{order_no}/close (204); an order WeChat Pay does not
  // know is closed already.
  Status CloseCheckout(const domain::Order& order) override;
  // POST /v3/refund/domestic/refunds with out_refund_no from `idempotency_key` (WeChat Pay
  // refunds once per out_refund_no). A SUCCESS answer is settled at once; PROCESSING is settled
  // by the REFUND.SUCCESS notification.
  Result<app::ProviderRefund> Refund(const domain::Order& order, std::optional<int64_t> amount,
                                     std::string_view idempotency_key) override;
  // GET /v3/refund/domestic/refunds/{out_refund_no}: SUCCESS is settled; CLOSED and ABNORMAL
  // failed; PROCESSING pending.
  Result<app::ProviderRefund> QueryRefund(const domain::Order& order,
                                          std::string_view request_no) override;

 private:
  // json's constructors are not declared noexcept, but a null json allocates nothing and cannot
  // throw.
  struct Answer {     // NOLINT(bugprone-exception-escape)
    long status = 0;  // NOLINT(google-runtime-int): libcurl's type.
    nlohmann::json body;
  };
  // Sends a signed request (`target` is the path with its query) and returns WeChat Pay's
  // answer, verified with its key, whatever its status. Errors: "provider_unavailable" (no
  // answer, or 429/5xx after retries), "provider_error" (an answer not signed by WeChat Pay).
  Result<Answer> Call(std::string_view method, const std::string& target,
                      const std::string& body) const;

  const WechatpayOptions options_;
  const RsaPrivateKey merchant_key_;
  const RsaPublicKey platform_key_;
  const Clock& clock_;
  IdGenerator& ids_;
  std::string base_url_;
};

}  // namespace creditd::payments::wechatpay
