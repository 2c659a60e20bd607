#include "payments/alipay/alipay_provider.h"

#include <cstdio>
#include <utility>

#include "common/money.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "payments/common/form.h"
#include "payments/common/http_transport.h"
#include "payments/common/json_text.h"
#include "payments/common/order_text.h"

namespace creditd::payments::alipay {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr std::chrono::hours kBeijing{8};
// Alipay retries a notification for about 25 hours; one signed longer ago is a replay.
constexpr std::chrono::hours kOldestNotification{26};
constexpr std::chrono::minutes kNewestNotification{5};

Status Unavailable(const std::string& detail) {
  return Status(reason::kProviderUnavailable, "Alipay could not be reached; try again in a minute")
      .WithRetryAfter(60)
      .WithInternalDetail(detail);
}

std::string Text(const json& object, const char* key) {
  const auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

std::optional<int> Digits(std::string_view text) {
  int value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return text.empty() ? std::nullopt : std::optional<int>(value);
}

}  // namespace

std::string FormatBeijingTime(Timestamp time) {
  const auto local = time + kBeijing;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{local - day};
  char text[32];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02u %02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

std::optional<Timestamp> ParseBeijingTime(std::string_view text) {
  // yyyy-MM-dd HH:mm:ss
  if (text.size() != 19 || text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  const auto year = Digits(text.substr(0, 4));
  const auto month = Digits(text.substr(5, 2));
  const auto day = Digits(text.substr(8, 2));
  const auto hour = Digits(text.substr(11, 2));
  const auto minute = Digits(text.substr(14, 2));
  const auto second = Digits(text.substr(17, 2));
  if (!year || !month || !day || !hour || !minute || !second || *hour > 23 || *minute > 59 ||
      *second > 59) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{*year},
                                         std::chrono::month{static_cast<unsigned>(*month)},
                                         std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) {
    return std::nullopt;
  }
  return std::chrono::sys_days{date} + std::chrono::hours{*hour} + std::chrono::minutes{*minute} +
         std::chrono::seconds{*second} - kBeijing;
}

ProviderParams AlipayProvider::SignedRequest(std::string_view method, const ordered_json& biz,
                                             ProviderParams extra) const {
  ProviderParams params = {
      {"app_id", options_.app_id}, {"method", std::string(method)},
      {"format", "JSON"},          {"charset", "utf-8"},
      {"sign_type", "RSA2"},       {"timestamp", FormatBeijingTime(clock_.Now())},
      {"version", "1.0"},          {"biz_content", biz.dump()},
  };
  params.merge(extra);
  // Requests sign every parameter but sign (sign_type included), empty values left out.
  params["sign"] = Base64Encode(app_key_.SignSha256(SignContent(params, {"sign"}, true)));
  return params;
}

Result<app::Checkout> AlipayProvider::StartCheckout(const domain::Order& order,
                                                    const app::CheckoutContext& context) {
  if (order.currency() != Currency::Cny()) {
    return Status(reason::kProviderError, "Alipay takes payments in CNY only");
  }
  if (order.payment_method != domain::PaymentMethod::kAlipay) {
    return Status(reason::kProviderError, "Alipay takes alipay orders only");
  }
  const bool mobile = context.device == app::PayerDevice::kMobile;
  if (!mobile && options_.qr_for_desktop) {
    return StartQrCheckout(order, {{"out_trade_no", order.order_no},
                                   {"total_amount", order.price.ToDecimalString()},
                                   {"subject", ItemName(order)},
                                   {"time_expire", FormatBeijingTime(order.expires_at)}});
  }
  // The payer comes back to the portal page of the order's kind, which shows its status.
  const std::string page = base_url_ + "/credit/" + std::string(domain::OrderKindName(order.kind)) +
                           "?order_no=" + order.order_no;
  ordered_json biz = {{"out_trade_no", order.order_no},
                      {"total_amount", order.price.ToDecimalString()},
                      {"subject", ItemName(order)},
                      {"product_code", mobile ? "QUICK_WAP_WAY" : "FAST_INSTANT_TRADE_PAY"},
                      {"time_expire", FormatBeijingTime(order.expires_at)}};
  if (mobile) {
    biz["quit_url"] = page;
  }
  const ProviderParams params =
      SignedRequest(mobile ? "alipay.trade.wap.pay" : "alipay.trade.page.pay", biz,
                    {{"notify_url", base_url_ + "/webhooks/alipay"}, {"return_url", page}});
  return app::Checkout{options_.gateway + "?" + EncodeForm(params), "", "alipay",
                       domain::PayKind::kRedirect};
}

Result<app::Checkout> AlipayProvider::StartQrCheckout(const domain::Order& order,
                                                      const ordered_json& biz) {
  CREDITD_ASSIGN_OR_RETURN(
      const json answer,
      Call("alipay.trade.precreate", biz, {{"notify_url", base_url_ + "/webhooks/alipay"}}));
  const std::string qr_code = Text(answer, "qr_code");
  if (Text(answer, "code") != "10000" || qr_code.empty() ||
      Text(answer, "out_trade_no") != order.order_no) {
    return Status(reason::kProviderError,
                  "Alipay did not give a QR code for the order: " + Text(answer, "sub_msg"))
        .WithInternalDetail("alipay.trade.precreate " + Text(answer, "code") + " " +
                            Text(answer, "sub_code"));
  }
  return app::Checkout{qr_code, "", "alipay", domain::PayKind::kQr};
}

Result<app::ProviderEvent> AlipayProvider::ParseEvent(const app::ProviderNotification& notification,
                                                      Timestamp now) {
  const std::optional<ProviderParams> params = ParseForm(notification.body);
  if (!params) {
    return Status(reason::kInvalidSignature,
                  "the Alipay notification is not a well-formed form (a bad %-escape or a "
                  "parameter given twice)");
  }
  const std::optional<std::string> sign = Base64Decode(ParamOf(*params, "sign"));
  // Payment notifications sign everything but sign and sign_type, empty values included.
  if (!sign ||
      !alipay_key_.VerifySha256(SignContent(*params, {"sign", "sign_type"}, false), *sign)) {
    return Status(reason::kInvalidSignature,
                  "the Alipay notification's sign is missing or not Alipay's signature of it")
        .WithField("sign");
  }
  const std::optional<Timestamp> sent = ParseBeijingTime(ParamOf(*params, "notify_time"));
  if (!sent || *sent > now + kNewestNotification || *sent < now - kOldestNotification) {
    return Status(reason::kInvalidSignature,
                  "the Alipay notification's notify_time is missing or outside the accepted "
                  "window (5 minutes ahead, 26 hours old)")
        .WithField("notify_time");
  }
  app::ProviderEvent event;
  event.payload = notification.body;
  event.created = *sent;
  const std::string trade_no = ParamOf(*params, "trade_no");
  const std::string status = ParamOf(*params, "trade_status");
  const std::string refund_fee = ParamOf(*params, "refund_fee");
  event.id = trade_no + ":" + status + ":" + refund_fee;
  event.type = status.empty() ? "unknown" : status;
  if (ParamOf(*params, "app_id") != options_.app_id ||
      (!options_.seller_id.empty() && ParamOf(*params, "seller_id") != options_.seller_id)) {
    event.decode_error = "a notification for Alipay app " + ParamOf(*params, "app_id") +
                         " (seller " + ParamOf(*params, "seller_id") + "), not this server's";
    return event;
  }
  const std::string order_no = ParamOf(*params, "out_trade_no");
  const Result<Money> total = Money::Parse(ParamOf(*params, "total_amount"), Currency::Cny());
  if (trade_no.empty() || order_no.empty() || !total.ok()) {
    event.decode_error = "a notification without trade_no, out_trade_no or a readable total_amount";
    return event;
  }
  const bool paid = status == "TRADE_SUCCESS" || status == "TRADE_FINISHED";
  const Result<Money> refunded =
      refund_fee.empty() ? Money(0, Currency::Cny()) : Money::Parse(refund_fee, Currency::Cny());
  if (!refunded.ok()) {
    event.decode_error = "a notification with an unreadable refund_fee";
    return event;
  }
  if (refunded->amount_minor() > 0 && (paid || status == "TRADE_CLOSED")) {
    app::ProviderCharge charge;
    charge.id = trade_no + ":refund:" + refund_fee;
    charge.payment_intent_id = trade_no;
    charge.order_no = order_no;
    charge.amount = total->amount_minor();
    charge.amount_refunded = refunded->amount_minor();  // Cumulative.
    charge.currency = "CNY";
    event.kind = app::ProviderEventKind::kPaymentRefunded;
    event.charge = std::move(charge);
    return event;
  }
  app::ProviderCheckout checkout;
  checkout.id = trade_no;
  checkout.kind = app::CheckoutKind::kPayment;
  checkout.client_reference_id = order_no;
  checkout.payment_intent_id = trade_no;
  checkout.amount_total = total->amount_minor();
  checkout.currency = "CNY";
  if (paid) {
    checkout.state = app::CheckoutState::kComplete;
    checkout.paid = true;
    event.kind = app::ProviderEventKind::kCheckoutCompleted;
  } else if (status == "TRADE_CLOSED") {
    checkout.state = app::CheckoutState::kExpired;
    event.kind = app::ProviderEventKind::kCheckoutExpired;
  } else {
    return event;  // WAIT_BUYER_PAY and the like: recorded, nothing to do.
  }
  event.checkout = std::move(checkout);
  return event;
}

std::optional<app::NotificationReply> AlipayProvider::Reply(
    app::NotificationOutcome outcome) const {
  return WordReply(outcome, "success", "failure");
}

Result<json> AlipayProvider::Call(std::string_view method, const ordered_json& biz,
                                  ProviderParams extra) const {
  HttpExchange exchange;
  exchange.method = "POST";
  exchange.url = options_.gateway;
  exchange.timeout = options_.timeout;
  exchange.headers.emplace_back("Content-Type: application/x-www-form-urlencoded;charset=utf-8");
  exchange.body = EncodeForm(SignedRequest(method, biz, std::move(extra)));
  // A query is safe to repeat, and a refund too: Alipay refunds once per out_request_no.
  const HttpAnswer answer = SendWithRetries(exchange, options_.retry);
  const std::string call = std::string(method) + ": ";
  if (ShouldRetry(answer)) {
    return Unavailable(call + DescribeFailure(answer));
  }
  if (answer.status < 200 || answer.status > 299) {
    return Status(reason::kProviderError, "Alipay refused the request")
        .WithInternalDetail(call + DescribeFailure(answer));
  }
  return VerifiedAnswer(method, answer.body);
}

Result<json> AlipayProvider::VerifiedAnswer(std::string_view method, std::string_view body) const {
  std::string key(method);
  for (char& c : key) {
    c = c == '.' ? '_' : c;
  }
  key += "_response";
  // The signature covers the member's text exactly as sent.
  const auto member = RawJsonMember(body, key);
  json answer = member ? json::parse(*member, nullptr, false) : json();
  const std::string detail = std::string(method) + ": " + std::string(body.substr(0, 200));
  if (!member || !answer.is_object()) {
    return Status(reason::kProviderError, "Alipay answered with something unexpected")
        .WithInternalDetail(detail);
  }
  const auto sign_text = RawJsonMember(body, "sign");
  if (!sign_text) {
    // Only a business error (code other than 10000, with a sub_code) may come unsigned, and it is
    // never taken as a success.
    if (Text(answer, "code") != "10000" && answer.contains("sub_code")) {
      return answer;
    }
    return Status(reason::kProviderError, "Alipay's answer carries no signature")
        .WithInternalDetail(detail);
  }
  const json sign_json = json::parse(*sign_text, nullptr, false);
  const std::optional<std::string> sign =
      sign_json.is_string() ? Base64Decode(sign_json.get<std::string>()) : std::nullopt;
  if (sign && alipay_key_.VerifySha256(*member, *sign)) {
    return answer;
  }
  // Alipay's SDKs also accept the text with its "\/" escapes written as "/".
  std::string unescaped(*member);
  for (size_t at = unescaped.find("\\/"); at != std::string::npos; at = unescaped.find("\\/", at)) {
    unescaped.erase(at, 1);
  }
  if (sign && unescaped != *member && alipay_key_.VerifySha256(unescaped, *sign)) {
    return answer;
  }
  return Status(reason::kProviderError, "Alipay's answer is not signed by Alipay's key")
      .WithInternalDetail(detail);
}

Result<app::ProviderCheckout> AlipayProvider::QueryCheckout(const domain::Order& order) {
  CREDITD_ASSIGN_OR_RETURN(const json answer,
                           Call("alipay.trade.query", {{"out_trade_no", order.order_no}}, {}));
  app::ProviderCheckout checkout;
  checkout.kind = app::CheckoutKind::kPayment;
  checkout.client_reference_id = order.order_no;
  checkout.currency = "CNY";
  if (Text(answer, "code") != "10000") {
    if (Text(answer, "sub_code") == "ACQ.TRADE_NOT_EXIST") {
      return checkout;  // The payer never got as far as Alipay: open, nothing to close.
    }
    return Status(reason::kProviderError,
                  "Alipay refused the order query: " + Text(answer, "sub_msg"))
        .WithInternalDetail("alipay.trade.query " + Text(answer, "code") + " " +
                            Text(answer, "sub_code"));
  }
  if (Text(answer, "out_trade_no") != order.order_no) {
    return Status(reason::kProviderError, "Alipay answered about another order");
  }
  checkout.id = Text(answer, "trade_no");
  checkout.payment_intent_id = checkout.id;
  const std::string status = Text(answer, "trade_status");
  if (status == "TRADE_SUCCESS" || status == "TRADE_FINISHED") {
    const Result<Money> total = Money::Parse(Text(answer, "total_amount"), Currency::Cny());
    if (!total.ok()) {
      return Status(reason::kProviderError, "Alipay's trade has an unreadable total_amount");
    }
    checkout.state = app::CheckoutState::kComplete;
    checkout.paid = true;
    checkout.amount_total = total->amount_minor();
  } else if (status == "TRADE_CLOSED") {
    checkout.state = app::CheckoutState::kExpired;
  } else if (status == "WAIT_BUYER_PAY") {
    checkout.closable = true;
  }
  return checkout;
}

Status AlipayProvider::CloseCheckout(const domain::Order& order) {
  CREDITD_ASSIGN_OR_RETURN(const json answer,
                           Call("alipay.trade.close", {{"out_trade_no", order.order_no}}, {}));
  if (Text(answer, "code") == "10000" || Text(answer, "sub_code") == "ACQ.TRADE_NOT_EXIST") {
    return Status::Ok();
  }
  // ACQ.TRADE_STATUS_ERROR: paid (or closed) meanwhile; the next query tells which.
  return Status(reason::kProviderError,
                "Alipay did not close the trade: " + Text(answer, "sub_msg"))
      .WithInternalDetail("alipay.trade.close " + Text(answer, "code") + " " +
                          Text(answer, "sub_code"));
}

Result<app::ProviderRefund> AlipayProvider::Refund(const domain::Order& order,
                                                   std::optional<int64_t> amount,
                                                   std::string_view idempotency_key) {
  const Money refund(amount.value_or(order.price.amount_minor() - order.refunded.amount_minor()),
                     Currency::Cny());
  // Alipay takes at most 64 characters.
  const std::string request_no = RequestNumber(idempotency_key, 64);
  CREDITD_ASSIGN_OR_RETURN(const json answer, Call("alipay.trade.refund",
                                                   {{"out_trade_no", order.order_no},
                                                    {"refund_amount", refund.ToDecimalString()},
                                                    {"out_request_no", request_no}},
                                                   {}));
  if (Text(answer, "code") != "10000") {
    return Status(reason::kProviderError, "Alipay refused the refund: " + Text(answer, "sub_msg"))
        .WithInternalDetail("alipay.trade.refund " + Text(answer, "code") + " " +
                            Text(answer, "sub_code"));
  }
  if (Text(answer, "out_trade_no") != order.order_no) {
    return Status(reason::kProviderError, "Alipay answered about another order's refund");
  }
  const Result<Money> total = Money::Parse(Text(answer, "refund_fee"), Currency::Cny());
  if (!total.ok()) {
    return Status(reason::kProviderError, "Alipay's refund answer has an unreadable refund_fee");
  }
  app::ProviderRefund out;
  out.id = request_no;
  out.amount = refund.amount_minor();
  out.currency = "CNY";
  out.status = "succeeded";
  out.refunded_total = total->amount_minor();
  return out;
}

}  // namespace creditd::payments::alipay
