// CreemProvider: orders (credit packs and memberships) paid through Creem, a merchant of record
// (creem.io; ../shared/PROTOCOLS-2.md section 2, docs/payments/creem.md):
//   - Checkout: every order is sold as one one-time Creem product (CREEM_PRODUCT_ID) at the
//     order's own price (`custom_price`, per checkout), so the catalog stays the one list of
//     prices. Creem charges in the product's currency (USD or EUR), so the product is read first
//     and a checkout whose order is in another currency is refused, never charged at the wrong
//     price. The payer is sent to the checkout_url; request_id is the order number.
//   - Notification: POSTed JSON to /webhooks/creem, verified before anything else (Standard
//     Webhooks, 300 s either way; or the legacy creem-signature, whose signed created_at must be
//     less than 72 hours old). checkout.completed with a paid one-time order pays the order
//     named by request_id, when the price (sub_total less discount, before tax) and the currency
//     are the order's; refund.created reports one refund (kept by its id) as its share of the
//     price; dispute.created freezes the account. Answered with creditd's JSON (200 takes it).
//   - Reconciliation reads the checkout (GET /v1/checkouts?checkout_id=); refunds go to
//     POST /v1/refunds, which refunds a transaction in full (partial refunds are made in the
//     Creem dashboard, and their refund.created notifications are applied all the same).
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
#include "payments/common/http_transport.h"

namespace creditd::payments::creem {

struct CreemOptions {
  std::string api_base = "https://api.creem.io";  // CREEM_API_BASE (test mode: test-api…).
  std::string api_key;                            // CREEM_API_KEY: x-api-key.
  std::string webhook_secret;                     // CREEM_WEBHOOK_SECRET: whsec_….
  std::string product_id;  // CREEM_PRODUCT_ID: the one-time product every order is sold as.
  std::chrono::milliseconds timeout{15000};  // Per attempt.
  RetryPolicy retry;
};

// How old the created_at of an event signed only by the legacy scheme may be: Creem retries a
// failed delivery for about an hour (30 s, 1 min, 5 min, 1 h), and an operator may resend one
// from the dashboard within the next days.
inline constexpr std::chrono::hours kLegacyMaxAge{72};

class CreemProvider final : public app::PaymentProvider, public app::PaymentGateway {
 public:
  CreemProvider(CreemOptions options, std::string base_url)
      : options_(std::move(options)), base_url_(std::move(base_url)) {}

  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

  std::string_view name() const override { return "creem"; }

  // ----- app::PaymentGateway -----
  // Reads the product, then creates a checkout for the order at its price: two calls to Creem.
  // Repeating it makes another checkout (Creem keys nothing by request_id): if the payer pays
  // both, the second payment is kept aside for operators (ProviderPaymentResult::
  // kSecondPayment), never credited. Errors: "provider_error" for an order not of the creem method,
  // a product that is not a one-time product in the order's currency, a price outside Creem's
  // 1.00 to 999,999.99, or a request Creem refuses; "provider_unavailable".
  Result<app::Checkout> StartCheckout(const domain::Order& order,
                                      const app::CheckoutContext& context) override;

  // ----- app::PaymentProvider -----
  // Errors: "invalid_signature" (see creem_signature.h; and a legacy-signed event whose
  // created_at is missing, more than 72 hours old or more than 300 s ahead); "malformed_json"
  // (a signed body that is not an event with an id, an eventType and an object). A paid checkout
  // or a refund whose object does not decode comes back with decode_error set. No I/O.
  Result<app::ProviderEvent> ParseEvent(const app::ProviderNotification& notification,
                                        Timestamp now) override;
  // GET /v1/checkouts?checkout_id=<the order's checkout>: completed with a paid order is paid,
  // expired is expired, anything else (or no checkout made yet, or one Creem does not know) is
  // open. Errors: "provider_unavailable"; "provider_error" (refused, an answer about another
  // checkout, or a completed one-time order without its transaction, amounts or currency).
  Result<app::ProviderCheckout> QueryCheckout(const domain::Order& order) override;
  // POST /v1/refunds {transaction_id}: the whole payment only; a refund of part of it (or of
  // what is left after a partial refund in the dashboard) is "provider_error". A succeeded
  // answer settles the refund at once; the refund.created notification then changes nothing.
  // The answer names no refund: its id is "refund-<transaction>". A retry after a lost answer
  // is refused by Creem as already refunded ("provider_error"); the notification applies it.
  Result<app::ProviderRefund> Refund(const domain::Order& order, std::optional<int64_t> amount,
                                     std::string_view idempotency_key) override;

 private:
  // json's constructors are not declared noexcept, but a null json allocates nothing and cannot
  // throw.
  struct Answer {     // NOLINT(bugprone-exception-escape)
    long status = 0;  // NOLINT(google-runtime-int): libcurl's type.
    nlohmann::json body;
  };
  // Sends a request with the API key and returns Creem's answer, whatever its status. Errors:
  // "provider_unavailable" (no answer, or 429/5xx after retries), "provider_error" (401/403:
  // the API key is refused; or an answer that is not a JSON object).
  Result<Answer> Call(std::string_view method, const std::string& target,
                      const std::string& body) const;

  const CreemOptions options_;
  std::string base_url_;
};

}  // namespace creditd::payments::creem
