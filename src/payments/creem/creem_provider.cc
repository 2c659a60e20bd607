#include "payments/creem/creem_provider.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "common/money.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "domain/subscription.h"
#include "payments/creem/creem_signature.h"

namespace creditd::payments::creem {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Creem's bounds of custom_price, in cents.
constexpr int64_t kMinPrice = 100;
constexpr int64_t kMaxPrice = 99999999;
// A created_at below this is Unix seconds (Creem's samples use both seconds and milliseconds).
constexpr int64_t kMillisecondsFrom = 100000000000;
// Beyond this a created_at is neither seconds nor milliseconds of this era.
constexpr int64_t kMaxCreatedAt = 10000000000000;
// The largest amount in cents creditd reads from Creem (ten billion in the currency).
constexpr int64_t kMaxAmount = 1000000000000;

Status Unavailable(const std::string& detail) {
  return Status(reason::kProviderUnavailable, "Creem could not be reached; try again in a minute")
      .WithRetryAfter(60)
      .WithInternalDetail(detail);
}

std::string Text(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// An integer member that fits int64 (nlohmann also reads larger unsigned numbers), or nullopt.
std::optional<int64_t> Integer(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end() || !found->is_number_integer() ||
      (found->is_number_unsigned() &&
       found->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
    return std::nullopt;
  }
  return found->get<int64_t>();
}

// An amount in cents: an integer from 0 to kMaxAmount (beyond it, not an amount of a sale, and
// arithmetic on it could overflow), or nullopt.
std::optional<int64_t> Amount(const json& object, const char* key) {
  const std::optional<int64_t> value = Integer(object, key);
  if (!value || *value < 0 || *value > kMaxAmount) {
    return std::nullopt;
  }
  return value;
}

// The member `key` when it is an object (Creem expands some references and not others).
const json* ObjectOf(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_object() ? &*found : nullptr;
}

// The id of a reference that is either expanded (an object) or an id.
std::string IdOf(const json& object, const char* key) {
  const json* expanded = ObjectOf(object, key);
  return expanded != nullptr ? Text(*expanded, "id") : Text(object, key);
}

// A refused request's message: Creem sends {"message": "..."} or {"message": ["...", ...]}.
std::string Refusal(const json& body) {
  const auto message = body.find("message");
  if (message == body.end()) {
    return Text(body, "error");
  }
  if (message->is_string()) {
    return message->get<std::string>();
  }
  std::string out;
  if (message->is_array()) {
    for (const json& line : *message) {
      if (line.is_string()) {
        out += (out.empty() ? "" : "; ") + line.get<std::string>();
      }
    }
  }
  return out;
}

// What a paid Creem order charged for the goods: its sub_total less the discount, before tax
// (the price creditd set), or its amount when no sub_total is given.
std::optional<int64_t> GoodsAmount(const json& order) {
  const std::optional<int64_t> sub_total = Amount(order, "sub_total");
  if (!sub_total) {
    return Amount(order, "amount");
  }
  return *sub_total - Amount(order, "discount_amount").value_or(0);
}

// Where a checkout stands, from Creem's checkout object (a notification's or a query's). Its
// `order` decides: a paid one-time order is a payment; a recurring one makes the checkout a
// subscription's (kind kSubscription), which is not one of creditd's orders. Errors:
// "provider_error" for a completed checkout whose one-time order lacks the transaction, integer
// amounts or the currency.
Result<app::ProviderCheckout> CheckoutOf(const json& object) {
  app::ProviderCheckout checkout;
  checkout.id = Text(object, "id");
  checkout.kind = app::CheckoutKind::kPayment;
  checkout.client_reference_id = Text(object, "request_id");
  const std::string status = Text(object, "status");
  if (status == "expired") {
    checkout.state = app::CheckoutState::kExpired;
  }
  const json* order = ObjectOf(object, "order");
  if (order != nullptr && Text(*order, "type") == "recurring") {
    checkout.kind = app::CheckoutKind::kSubscription;
    return checkout;
  }
  if (status != "completed" || order == nullptr) {
    return checkout;  // pending, processing: still open.
  }
  checkout.state = app::CheckoutState::kComplete;
  checkout.paid = Text(*order, "status") == "paid";
  checkout.payment_intent_id = Text(*order, "transaction");
  const std::optional<int64_t> amount = GoodsAmount(*order);
  checkout.currency = ToUpperAscii(Text(*order, "currency"));
  if ((checkout.paid && checkout.payment_intent_id.empty()) || !amount || *amount < 0 ||
      checkout.currency.empty()) {
    return Status(reason::kProviderError,
                  "a completed Creem checkout whose order has no transaction, integer amounts or "
                  "currency");
  }
  checkout.amount_total = *amount;
  return checkout;
}

// refund.created: one refund (kept by its id), as its share of the order's price. The payment
// may include tax (added on top of the price, or included in it): the refund takes the same
// share of the goods amount as of the money paid.
Result<app::ProviderCharge> RefundOf(const json& object) {
  const json* transaction = ObjectOf(object, "transaction");
  const std::optional<int64_t> refund = Amount(object, "refund_amount");
  const std::optional<int64_t> paid =
      transaction != nullptr ? Amount(*transaction, "amount") : std::nullopt;
  if (transaction == nullptr || Text(*transaction, "id").empty() || Text(object, "id").empty() ||
      !refund || *refund <= 0 || !paid || *paid <= 0) {
    return Status(reason::kProviderError,
                  "a Creem refund without an id, a transaction with its id and a positive "
                  "amount, or a positive refund_amount");
  }
  int64_t goods = *paid;
  if (const json* order = ObjectOf(object, "order"); order != nullptr) {
    goods = std::clamp<int64_t>(GoodsAmount(*order).value_or(*paid), 0, *paid);
  }
  app::ProviderCharge charge;
  charge.id = Text(object, "id");
  charge.payment_intent_id = Text(*transaction, "id");
  charge.amount = *paid;
  charge.currency = ToUpperAscii(Text(object, "refund_currency"));
  charge.refund_id = charge.id;
  charge.refund_amount = domain::ProportionalShare(goods, std::min(*refund, *paid), *paid);
  if (const json* checkout = ObjectOf(object, "checkout"); checkout != nullptr) {
    charge.order_no = Text(*checkout, "request_id");
  }
  return charge;
}

// Fills in the typed object of a verified event from its `object`: a paid checkout, a refund or a
// dispute; anything else stays kOther (subscription events and the like are recorded only).
void DecodeObject(const json& object, app::ProviderEvent& event) {
  if (event.type == "checkout.completed") {
    auto checkout = CheckoutOf(object);
    if (!checkout.ok()) {
      event.decode_error = checkout.status().message();
    } else if (checkout->kind != app::CheckoutKind::kPayment ||
               checkout->client_reference_id.empty()) {
      return;  // A subscription's checkout, or a sale creditd did not start: recorded only.
    } else if (checkout->state != app::CheckoutState::kComplete) {
      event.decode_error =
          "a checkout.completed event whose checkout is not completed with an order";
    } else {
      event.kind = app::ProviderEventKind::kCheckoutCompleted;
      event.checkout = *std::move(checkout);
    }
  } else if (event.type == "refund.created") {
    const std::string status = Text(object, "status");
    if (status == "failed" || status == "canceled") {
      return;  // Nothing was refunded.
    }
    auto charge = RefundOf(object);
    if (!charge.ok()) {
      event.decode_error = charge.status().message();
    } else {
      event.kind = app::ProviderEventKind::kPaymentRefunded;
      event.charge = *std::move(charge);
    }
  } else if (event.type == "dispute.created") {
    app::ProviderDispute dispute;
    dispute.id = Text(object, "id");
    dispute.charge_id = IdOf(object, "transaction");
    if (dispute.charge_id.empty()) {
      event.decode_error = "a Creem dispute that names no transaction";
      return;
    }
    dispute.payment_intent_id = dispute.charge_id;
    dispute.amount = Amount(object, "amount").value_or(0);
    dispute.currency = ToUpperAscii(Text(object, "currency"));
    dispute.status = "open";
    event.kind = app::ProviderEventKind::kDisputeOpened;
    event.dispute = std::move(dispute);
  }
}

}  // namespace

Result<CreemProvider::Answer> CreemProvider::Call(std::string_view method,
                                                  const std::string& target,
                                                  const std::string& body) const {
  HttpExchange exchange;
  exchange.method = std::string(method);
  exchange.url = options_.api_base + target;
  exchange.timeout = options_.timeout;
  exchange.body = body;
  exchange.headers.push_back("x-api-key: " + options_.api_key);
  exchange.headers.emplace_back("Accept: application/json");
  if (method == "POST") {
    exchange.headers.emplace_back("Content-Type: application/json");
  }
  const HttpAnswer answer = SendWithRetries(exchange, options_.retry);
  const std::string call = std::string(method) + " " + target + ": ";
  if (ShouldRetry(answer)) {
    return Unavailable(call + DescribeFailure(answer));
  }
  if (answer.status == 401 || answer.status == 403) {
    return Status(reason::kProviderError,
                  "Creem refused the API key (CREEM_API_KEY; test and live keys differ)")
        .WithInternalDetail(call + DescribeFailure(answer));
  }
  Answer out;
  out.status = answer.status;
  out.body = json::parse(answer.body, nullptr, false);
  if (!out.body.is_object()) {
    return Status(reason::kProviderError, "Creem answered with something unexpected")
        .WithInternalDetail(call + DescribeFailure(answer));
  }
  return out;
}

Result<app::Checkout> CreemProvider::StartCheckout(const domain::Order& order,
                                                   const app::CheckoutContext& /*context*/) {
  if (order.payment_method != domain::PaymentMethod::kCreem) {
    return Status(reason::kProviderError, "Creem takes creem orders only");
  }
  const int64_t price = order.price.amount_minor();
  if (price < kMinPrice || price > kMaxPrice) {
    return Status(reason::kProviderError,
                  "Creem takes prices from 1.00 to 999,999.99 only; this order costs " +
                      order.price.ToDecimalString());
  }
  const std::string product_path = "/v1/products/" + PercentEncode(options_.product_id);
  CREDITD_ASSIGN_OR_RETURN(const Answer product, Call("GET", product_path, ""));
  if (product.status != 200) {
    return Status(reason::kProviderError, "Creem did not find product " + options_.product_id +
                                              " (CREEM_PRODUCT_ID): " + Refusal(product.body))
        .WithInternalDetail("product " + std::to_string(product.status));
  }
  // Creem charges custom_price in the product's currency: a CNY price sent to a USD product
  // would charge dollars for yuan.
  const std::string currency = ToUpperAscii(Text(product.body, "currency"));
  if (currency != order.currency().code()) {
    return Status(reason::kProviderError,
                  "Creem product " + options_.product_id + " is priced in " + currency +
                      " and this order in " + std::string(order.currency().code()) +
                      ": the catalog's prices must be in the product's currency");
  }
  if (Text(product.body, "billing_type") != "onetime") {
    return Status(reason::kProviderError, "Creem product " + options_.product_id +
                                              " is not a one-time product (billing_type " +
                                              Text(product.body, "billing_type") + ")");
  }
  const ordered_json request = {
      {"request_id", order.order_no},
      {"product_id", options_.product_id},
      {"units", 1},
      {"custom_price", price},
      // After paying, Creem sends the payer back to the portal's page of the order.
      {"success_url", base_url_ + "/credit/" + std::string(domain::OrderKindName(order.kind)) +
                          "?order_no=" + order.order_no},
      {"metadata",
       {{"order_no", order.order_no}, {"account_id", std::to_string(order.account_id)}}}};
  CREDITD_ASSIGN_OR_RETURN(const Answer answer, Call("POST", "/v1/checkouts", request.dump()));
  const std::string id = Text(answer.body, "id");
  const std::string url = Text(answer.body, "checkout_url");
  if ((answer.status != 200 && answer.status != 201) || id.empty() ||
      !(url.starts_with("https://") || url.starts_with("http://"))) {
    return Status(reason::kProviderError,
                  "Creem did not make the checkout: " + Refusal(answer.body))
        .WithInternalDetail("checkout " + std::to_string(answer.status));
  }
  return app::Checkout{url, id, "creem", domain::PayKind::kRedirect};
}

Result<app::ProviderEvent> CreemProvider::ParseEvent(const app::ProviderNotification& notification,
                                                     Timestamp now) {
  const WebhookHeaders headers{
      notification.Header("webhook-id").value_or(""),
      notification.Header("webhook-timestamp").value_or(""),
      notification.Header("webhook-signature").value_or(""),
      notification.Header("creem-signature")
          .value_or(notification.Header("x-creem-signature").value_or(""))};
  CREDITD_ASSIGN_OR_RETURN(const WebhookScheme scheme,
                           VerifyWebhook(options_.webhook_secret, headers, notification.body, now));
  const json envelope = json::parse(notification.body, nullptr, false);
  const json* object = envelope.is_object() ? ObjectOf(envelope, "object") : nullptr;
  std::string type = envelope.is_object() ? Text(envelope, "eventType") : std::string();
  if (type.empty() && envelope.is_object()) {
    type = Text(envelope, "type");
  }
  if (object == nullptr || type.empty() || Text(envelope, "id").empty()) {
    return Status(reason::kMalformedJson,
                  "the Creem notification is not an event with an id, an eventType and an object");
  }
  app::ProviderEvent event;
  event.id = Text(envelope, "id");
  event.type = type;
  event.payload = notification.body;
  std::optional<int64_t> created = Integer(envelope, "created_at");
  if (created && (*created < 0 || *created > kMaxCreatedAt)) {
    created.reset();
  }
  if (created) {
    event.created = FromUnixSeconds(*created >= kMillisecondsFrom ? *created / 1000 : *created);
  }
  if (scheme == WebhookScheme::kLegacy &&
      (!created || now - event.created > kLegacyMaxAge ||
       event.created - now > std::chrono::seconds(kToleranceSeconds))) {
    // The legacy signature covers no timestamp of its own: the signed created_at bounds a replay.
    return Status(reason::kInvalidSignature,
                  "the Creem notification is signed with creem-signature only and its created_at "
                  "is missing, more than 72 hours old or in the future")
        .WithField("created_at");
  }
  if (!created) {
    event.created = now;
  }
  DecodeObject(*object, event);
  return event;  // Subscription events and the like: recorded, nothing to do.
}

Result<app::ProviderCheckout> CreemProvider::QueryCheckout(const domain::Order& order) {
  app::ProviderCheckout open;
  open.kind = app::CheckoutKind::kPayment;
  open.client_reference_id = order.order_no;
  open.currency = std::string(order.currency().code());
  if (order.checkout_ref.empty()) {
    return open;  // No checkout was made at Creem.
  }
  CREDITD_ASSIGN_OR_RETURN(
      const Answer answer,
      Call("GET", "/v1/checkouts?checkout_id=" + PercentEncode(order.checkout_ref), ""));
  if (answer.status == 404) {
    return open;
  }
  if (answer.status != 200) {
    return Status(reason::kProviderError,
                  "Creem refused the checkout query: " + Refusal(answer.body))
        .WithInternalDetail("checkout query " + std::to_string(answer.status));
  }
  const std::string request_id = Text(answer.body, "request_id");
  if (Text(answer.body, "id") != order.checkout_ref ||
      (!request_id.empty() && request_id != order.order_no)) {
    return Status(reason::kProviderError, "Creem answered about another checkout");
  }
  CREDITD_ASSIGN_OR_RETURN(app::ProviderCheckout checkout, CheckoutOf(answer.body));
  checkout.client_reference_id = order.order_no;
  return checkout;
}

Result<app::ProviderRefund> CreemProvider::Refund(const domain::Order& order,
                                                  std::optional<int64_t> amount,
                                                  std::string_view /*idempotency_key*/) {
  const int64_t price = order.price.amount_minor();
  if (order.refunded.amount_minor() > 0 || (amount && *amount != price)) {
    return Status(reason::kProviderError,
                  "Creem refunds a whole payment only; refund part of one in the Creem dashboard "
                  "(its notification takes the credits back)");
  }
  if (order.payment_ref.empty()) {
    return Status(reason::kProviderError, "order " + order.order_no + " has no Creem transaction");
  }
  const ordered_json request = {{"transaction_id", order.payment_ref}};
  CREDITD_ASSIGN_OR_RETURN(const Answer answer, Call("POST", "/v1/refunds", request.dump()));
  const std::string status = Text(answer.body, "status");
  if ((answer.status != 200 && answer.status != 201) ||
      (status != "succeeded" && status != "pending" && status != "requiresAction")) {
    return Status(reason::kProviderError, "Creem refused the refund: " + Refusal(answer.body))
        .WithInternalDetail("refund " + std::to_string(answer.status) + " " + status);
  }
  app::ProviderRefund out;
  // Creem's answer names no refund; the refund.created notification later names it.
  out.id = "refund-" + order.payment_ref;
  out.amount = price;
  out.currency = std::string(order.currency().code());
  out.status = status == "succeeded" ? "succeeded" : "pending";
  if (status == "succeeded") {
    out.refunded_total = price;
  }
  return out;
}

}  // namespace creditd::payments::creem
