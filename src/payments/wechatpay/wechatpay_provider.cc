#include "payments/wechatpay/wechatpay_provider.h"

#include <utility>

#include "common/money.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "payments/common/order_text.h"
#include "payments/wechatpay/wechatpay_signature.h"

namespace creditd::payments::wechatpay {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::chrono::hours kBeijing{8};
// WeChat Pay takes out_refund_no of at most 64 characters.
constexpr size_t kMaxRefundNo = 64;

Status Unavailable(const std::string& detail) {
  return Status(reason::kProviderUnavailable,
                "WeChat Pay could not be reached; try again in a minute")
      .WithRetryAfter(60)
      .WithInternalDetail(detail);
}

std::string Text(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The integer member `key` of object `parent` ("amount"), or nullopt.
std::optional<int64_t> Fen(const json& object, const char* parent, const char* key) {
  const auto outer = object.find(parent);
  if (outer == object.end() || !outer->is_object()) {
    return std::nullopt;
  }
  const auto found = outer->find(key);
  if (found == outer->end() || !found->is_number_integer()) {
    return std::nullopt;
  }
  return found->get<int64_t>();
}

std::string CurrencyOf(const json& object) {
  const auto amount = object.find("amount");
  return amount != object.end() && amount->is_object() ? Text(*amount, "currency") : std::string();
}

// A refused request's code and message, for errors shown to operators.
std::string Refusal(const json& body) {
  return Text(body, "code") + " " + Text(body, "message");
}

}  // namespace

std::string FormatWechatTime(Timestamp time) {
  std::string text = FormatRfc3339(time + kBeijing);  // "…Z"
  text.pop_back();
  return text + "+08:00";
}

Result<WechatpayProvider::Answer> WechatpayProvider::Call(std::string_view method,
                                                          const std::string& target,
                                                          const std::string& body) const {
  // Each attempt is signed afresh: WeChat Pay may refuse a nonce it has seen.
  const auto attempt = [&] {
    const int64_t timestamp = ToUnixSeconds(clock_.Now());
    const std::string nonce = ids_.NewId("");
    HttpExchange exchange;
    exchange.method = std::string(method);
    exchange.url = options_.api_base + target;
    exchange.timeout = options_.timeout;
    exchange.body = body;
    exchange.headers.push_back("Authorization: " + Authorization(merchant_key_, options_.mchid,
                                                                 options_.serial_no, method, target,
                                                                 timestamp, nonce, body));
    exchange.headers.emplace_back("Accept: application/json");
    // WeChat Pay refuses requests without a User-Agent.
    exchange.headers.emplace_back("User-Agent: creditd");
    exchange.headers.push_back("Wechatpay-Serial: " + options_.platform_key_id);
    if (method == "POST") {
      exchange.headers.emplace_back("Content-Type: application/json");
    }
    return exchange;
  };
  const HttpAnswer answer = SendWithRetries(attempt, options_.retry);
  const std::string call = std::string(method) + " " + target + ": ";
  if (ShouldRetry(answer)) {
    return Unavailable(call + DescribeFailure(answer));
  }
  // WeChat Pay signs its answers, errors included; only a verified answer is read.
  const SignedHeaders headers{answer.Header("wechatpay-timestamp").value_or(""),
                              answer.Header("wechatpay-nonce").value_or(""),
                              answer.Header("wechatpay-signature").value_or(""),
                              answer.Header("wechatpay-serial").value_or("")};
  if (const Status verified =
          VerifySigned(platform_key_, options_.platform_key_id, headers, answer.body, clock_.Now());
      !verified.ok()) {
    if (answer.status < 200 || answer.status > 299) {
      // An unsigned refusal (a wrong merchant serial or key gets one): reported as what it is,
      // and never acted on.
      return Status(reason::kProviderError,
                    "WeChat Pay refused the request (HTTP " + std::to_string(answer.status) + ")")
          .WithInternalDetail(call + DescribeFailure(answer));
    }
    return Status(reason::kProviderError, "WeChat Pay's answer is not signed by WeChat Pay's key")
        .WithInternalDetail(call + verified.message() + "; " + DescribeFailure(answer));
  }
  Answer out;
  out.status = answer.status;
  out.body = answer.body.empty() ? json::object() : json::parse(answer.body, nullptr, false);
  if (!out.body.is_object()) {
    return Status(reason::kProviderError, "WeChat Pay answered with something unexpected")
        .WithInternalDetail(call + answer.body.substr(0, 200));
  }
  return out;
}

Result<app::Checkout> WechatpayProvider::StartCheckout(const domain::Order& order,
                                                       const app::CheckoutContext& context) {
  if (order.currency() != Currency::Cny()) {
    return Status(reason::kProviderError, "WeChat Pay takes payments in CNY only");
  }
  if (order.payment_method != domain::PaymentMethod::kWechat) {
    return Status(reason::kProviderError, "WeChat Pay takes wechat orders only");
  }
  const bool mobile = context.device == app::PayerDevice::kMobile;
  ordered_json request = {{"appid", options_.appid},
                          {"mchid", options_.mchid},
                          {"description", ItemName(order)},
                          {"out_trade_no", order.order_no},
                          {"time_expire", FormatWechatTime(order.expires_at)},
                          {"notify_url", base_url_ + "/webhooks/wechatpay"},
                          {"amount", {{"total", order.price.amount_minor()}, {"currency", "CNY"}}}};
  if (mobile) {
    // H5 pay checks that the payer's browser is where the payment was started.
    const std::optional<std::string> address = PayerAddress(context.client_ip);
    if (!address) {
      return Status(reason::kProviderError,
                    "WeChat Pay's H5 pay needs the payer's address, which is unknown here");
    }
    request["scene_info"] = {{"payer_client_ip", *address}, {"h5_info", {{"type", "Wap"}}}};
  }
  const std::string path = mobile ? "/v3/pay/transactions/h5" : "/v3/pay/transactions/native";
  CREDITD_ASSIGN_OR_RETURN(const Answer answer, Call("POST", path, request.dump()));
  const std::string url = Text(answer.body, mobile ? "h5_url" : "code_url");
  if (answer.status != 200 || url.empty()) {
    return Status(reason::kProviderError,
                  "WeChat Pay did not take the order: " + Text(answer.body, "message"))
        .WithInternalDetail(path + " " + std::to_string(answer.status) + " " +
                            Refusal(answer.body));
  }
  if (!mobile) {
    return app::Checkout{url, "", "wechatpay", domain::PayKind::kQr};
  }
  // After paying, WeChat sends the payer back to the portal's page of the order.
  const std::string page = base_url_ + "/credit/" + std::string(domain::OrderKindName(order.kind)) +
                           "?order_no=" + order.order_no;
  return app::Checkout{url + "&redirect_url=" + PercentEncode(page), "", "wechatpay",
                       domain::PayKind::kRedirect};
}

Result<app::ProviderEvent> WechatpayProvider::ParseEvent(
    const app::ProviderNotification& notification, Timestamp now) {
  const SignedHeaders headers{notification.Header("wechatpay-timestamp").value_or(""),
                              notification.Header("wechatpay-nonce").value_or(""),
                              notification.Header("wechatpay-signature").value_or(""),
                              notification.Header("wechatpay-serial").value_or("")};
  CREDITD_RETURN_IF_ERROR(
      VerifySigned(platform_key_, options_.platform_key_id, headers, notification.body, now));
  const json envelope = json::parse(notification.body, nullptr, false);
  const auto resource = envelope.is_object() ? envelope.find("resource") : envelope.end();
  if (!envelope.is_object() || resource == envelope.end() || !resource->is_object() ||
      Text(envelope, "id").empty()) {
    return Status(reason::kMalformedJson,
                  "the WeChat Pay notification is not an object with an id and a resource");
  }
  CREDITD_ASSIGN_OR_RETURN(
      const std::string plain,
      OpenResource(options_.api_v3_key, Text(*resource, "ciphertext"), Text(*resource, "nonce"),
                   Text(*resource, "associated_data")));
  app::ProviderEvent event;
  event.id = Text(envelope, "id");
  event.type = Text(envelope, "event_type");
  event.created = ParseRfc3339(Text(envelope, "create_time")).value_or(now);
  // What is kept is the opened resource: signed (the envelope) and sealed (AEAD) by WeChat Pay.
  event.payload = plain;
  const json object = json::parse(plain, nullptr, false);
  if (!object.is_object()) {
    event.decode_error = "the notification's resource is not a JSON object";
    return event;
  }
  if (Text(object, "mchid") != options_.mchid ||
      (event.type == "TRANSACTION.SUCCESS" && Text(object, "appid") != options_.appid)) {
    event.decode_error = "a notification for WeChat Pay merchant " + Text(object, "mchid") +
                         " (app " + Text(object, "appid") + "), not this server's";
    return event;
  }
  const std::string order_no = Text(object, "out_trade_no");
  const std::string transaction = Text(object, "transaction_id");
  if (event.type == "TRANSACTION.SUCCESS") {
    const std::optional<int64_t> total = Fen(object, "amount", "total");
    if (order_no.empty() || transaction.empty() || !total ||
        Text(object, "trade_state") != "SUCCESS") {
      event.decode_error =
          "a payment without out_trade_no, transaction_id, a SUCCESS state or an "
          "integer amount.total";
      return event;
    }
    app::ProviderCheckout checkout;
    checkout.id = transaction;
    checkout.kind = app::CheckoutKind::kPayment;
    checkout.state = app::CheckoutState::kComplete;
    checkout.paid = true;
    checkout.client_reference_id = order_no;
    checkout.payment_intent_id = transaction;
    checkout.amount_total = *total;  // What the order cost, not payer_total (after coupons).
    checkout.currency = CurrencyOf(object);
    event.kind = app::ProviderEventKind::kCheckoutCompleted;
    event.checkout = std::move(checkout);
    return event;
  }
  if (event.type == "REFUND.SUCCESS") {
    const std::optional<int64_t> total = Fen(object, "amount", "total");
    const std::optional<int64_t> refund = Fen(object, "amount", "refund");
    const std::string refund_id = Text(object, "refund_id");
    if (order_no.empty() || transaction.empty() || refund_id.empty() || !total || !refund ||
        *refund <= 0 || Text(object, "refund_status") != "SUCCESS") {
      event.decode_error =
          "a refund without out_trade_no, transaction_id, refund_id, a SUCCESS "
          "status or integer amounts";
      return event;
    }
    app::ProviderCharge charge;
    charge.id = refund_id;
    charge.payment_intent_id = transaction;
    charge.order_no = order_no;
    charge.amount = *total;
    charge.currency = "CNY";
    charge.refund_id = refund_id;
    charge.refund_amount = *refund;
    event.kind = app::ProviderEventKind::kPaymentRefunded;
    event.charge = std::move(charge);
  }
  return event;  // REFUND.ABNORMAL, REFUND.CLOSED and the like: recorded, nothing to do.
}

std::optional<app::NotificationReply> WechatpayProvider::Reply(
    app::NotificationOutcome outcome) const {
  switch (outcome) {
    case app::NotificationOutcome::kAccepted:
      return app::NotificationReply{200, "text/plain", ""};
    case app::NotificationOutcome::kRejected:
      return app::NotificationReply{400, "application/json",
                                    R"({"code":"FAIL","message":"refused"})"};
    case app::NotificationOutcome::kFailed:
      break;
  }
  return app::NotificationReply{500, "application/json",
                                R"({"code":"FAIL","message":"try again"})"};
}

Result<app::ProviderCheckout> WechatpayProvider::QueryCheckout(const domain::Order& order) {
  const std::string target = "/v3/pay/transactions/out-trade-no/" + PercentEncode(order.order_no) +
                             "?mchid=" + PercentEncode(options_.mchid);
  CREDITD_ASSIGN_OR_RETURN(const Answer answer, Call("GET", target, ""));
  app::ProviderCheckout checkout;
  checkout.kind = app::CheckoutKind::kPayment;
  checkout.client_reference_id = order.order_no;
  checkout.currency = "CNY";
  if (answer.status == 404 && Text(answer.body, "code") == "ORDER_NOT_EXIST") {
    return checkout;  // Never made at WeChat Pay: open, nothing to close.
  }
  if (answer.status != 200) {
    return Status(reason::kProviderError,
                  "WeChat Pay refused the order query: " + Text(answer.body, "message"))
        .WithInternalDetail("query " + std::to_string(answer.status) + " " + Refusal(answer.body));
  }
  if (Text(answer.body, "out_trade_no") != order.order_no ||
      Text(answer.body, "mchid") != options_.mchid) {
    return Status(reason::kProviderError, "WeChat Pay answered about another order");
  }
  checkout.id = Text(answer.body, "transaction_id");
  checkout.payment_intent_id = checkout.id;
  const std::string state = Text(answer.body, "trade_state");
  if (state == "SUCCESS" || state == "REFUND") {
    const std::optional<int64_t> total = Fen(answer.body, "amount", "total");
    if (!total || checkout.id.empty()) {
      return Status(reason::kProviderError,
                    "WeChat Pay's paid order has no transaction_id or no integer amount.total");
    }
    checkout.state = app::CheckoutState::kComplete;
    checkout.paid = true;
    checkout.amount_total = *total;
    checkout.currency = CurrencyOf(answer.body);
  } else if (state == "CLOSED" || state == "REVOKED") {
    checkout.state = app::CheckoutState::kExpired;
  } else if (state == "NOTPAY") {
    checkout.closable = true;  // Waiting for the payer; USERPAYING is never closed under them.
  }
  return checkout;  // NOTPAY, USERPAYING, PAYERROR: still open.
}

Status WechatpayProvider::CloseCheckout(const domain::Order& order) {
  const std::string target =
      "/v3/pay/transactions/out-trade-no/" + PercentEncode(order.order_no) + "/close";
  const ordered_json request = {{"mchid", options_.mchid}};
  CREDITD_ASSIGN_OR_RETURN(const Answer answer, Call("POST", target, request.dump()));
  if (answer.status == 204 || answer.status == 200 ||
      (answer.status == 404 && Text(answer.body, "code") == "ORDER_NOT_EXIST")) {
    return Status::Ok();
  }
  // ORDERPAID: paid meanwhile; the next query applies it.
  return Status(reason::kProviderError,
                "WeChat Pay did not close the order: " + Text(answer.body, "message"))
      .WithInternalDetail("close " + std::to_string(answer.status) + " " + Refusal(answer.body));
}

Result<app::ProviderRefund> WechatpayProvider::Refund(const domain::Order& order,
                                                      std::optional<int64_t> amount,
                                                      std::string_view idempotency_key) {
  const int64_t refund =
      amount.value_or(order.price.amount_minor() - order.refunded.amount_minor());
  const std::string refund_no = RequestNumber(idempotency_key, kMaxRefundNo);
  const ordered_json request = {
      {"out_trade_no", order.order_no},
      {"out_refund_no", refund_no},
      {"notify_url", base_url_ + "/webhooks/wechatpay"},
      {"amount", {{"refund", refund}, {"total", order.price.amount_minor()}, {"currency", "CNY"}}}};
  CREDITD_ASSIGN_OR_RETURN(const Answer answer,
                           Call("POST", "/v3/refund/domestic/refunds", request.dump()));
  const std::string status = Text(answer.body, "status");
  if (answer.status != 200 || (status != "SUCCESS" && status != "PROCESSING")) {
    return Status(reason::kProviderError,
                  "WeChat Pay refused the refund: " + Text(answer.body, "message"))
        .WithInternalDetail("refund " + std::to_string(answer.status) + " " + status + " " +
                            Refusal(answer.body));
  }
  const std::optional<int64_t> refunded = Fen(answer.body, "amount", "refund");
  if (Text(answer.body, "out_refund_no") != refund_no || Text(answer.body, "refund_id").empty() ||
      !refunded || *refunded != refund) {
    return Status(reason::kProviderError, "WeChat Pay answered about another refund");
  }
  app::ProviderRefund out;
  out.id = Text(answer.body, "refund_id");
  out.amount = refund;
  out.currency = "CNY";
  out.status = status == "SUCCESS" ? "succeeded" : "pending";
  out.settled = status == "SUCCESS";
  if (!out.settled) {
    out.request_no = refund_no;  // Asked about (QueryRefund) if its notification is lost.
  }
  return out;
}

Result<app::ProviderRefund> WechatpayProvider::QueryRefund(const domain::Order& order,
                                                           std::string_view request_no) {
  CREDITD_ASSIGN_OR_RETURN(
      const Answer answer,
      Call("GET", "/v3/refund/domestic/refunds/" + PercentEncode(request_no), ""));
  if (answer.status != 200) {
    return Status(reason::kProviderError,
                  "WeChat Pay refused the refund query: " + Text(answer.body, "message"))
        .WithInternalDetail("refund query " + std::to_string(answer.status) + " " +
                            Refusal(answer.body));
  }
  const std::optional<int64_t> refunded = Fen(answer.body, "amount", "refund");
  if (Text(answer.body, "out_refund_no") != request_no ||
      Text(answer.body, "out_trade_no") != order.order_no || !refunded) {
    return Status(reason::kProviderError, "WeChat Pay answered about another refund");
  }
  const std::string status = Text(answer.body, "status");
  app::ProviderRefund out;
  out.id = Text(answer.body, "refund_id");
  out.amount = *refunded;
  out.currency = "CNY";
  out.request_no = std::string(request_no);
  out.settled = status == "SUCCESS";
  // CLOSED, or ABNORMAL (the payer's account could not take it; an operator resolves it in the
  // merchant platform, whose later success notification still counts).
  out.status = out.settled                                  ? "succeeded"
               : status == "CLOSED" || status == "ABNORMAL" ? "failed"
                                                            : "pending";
  return out;
}

}  // namespace creditd::payments::wechatpay
