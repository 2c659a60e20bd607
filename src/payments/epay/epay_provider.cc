#include "payments/epay/epay_provider.h"

#include <charconv>
#include <utility>

#include "common/money.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "payments/common/form.h"
#include "payments/common/http_transport.h"
#include "payments/common/order_text.h"
#include "payments/epay/epay_signature.h"

namespace creditd::payments::epay {

namespace {

using nlohmann::json;

constexpr std::string_view kPaid = "TRADE_SUCCESS";

Status Unavailable(const std::string& detail) {
  return Status(reason::kProviderUnavailable,
                "the EPay aggregator could not be reached; try again in a minute")
      .WithRetryAfter(60)
      .WithInternalDetail(detail);
}

// EPay answers numbers as JSON numbers or strings, depending on the operator's PHP.
std::optional<int64_t> IntField(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) {
    return std::nullopt;
  }
  if (found->is_number_integer()) {
    return found->get<int64_t>();
  }
  if (found->is_string()) {
    const auto& text = found->get_ref<const std::string&>();
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!text.empty() && error == std::errc() && end == text.data() + text.size()) {
      return value;
    }
  }
  return std::nullopt;
}

std::string TextField(const json& object, const char* key) {
  const auto found = object.find(key);
  if (found == object.end()) {
    return "";
  }
  if (found->is_string()) {
    return found->get<std::string>();
  }
  return found->is_number() ? found->dump() : "";
}

}  // namespace

Result<app::Checkout> EpayProvider::StartCheckout(const domain::Order& order,
                                                  const app::CheckoutContext& context) {
  if (order.currency() != Currency::Cny()) {
    return Status(reason::kProviderError, "EPay takes payments in CNY only");
  }
  std::string type;
  switch (order.payment_method) {
    case domain::PaymentMethod::kAlipay:
      type = "alipay";
      break;
    case domain::PaymentMethod::kWechat:
      type = "wxpay";
      break;
    default:
      return Status(reason::kProviderError, "EPay takes alipay and wechat orders only");
  }
  CREDITD_ASSIGN_OR_RETURN(const EpayMerchant* merchant, MerchantFor(order));
  ProviderParams params = {
      {"pid", merchant->pid},
      {"type", type},
      {"out_trade_no", order.order_no},
      {"notify_url", base_url_ + "/webhooks/epay"},
      // The payer comes back to the portal page of the order's kind, which shows its status.
      {"return_url", base_url_ + "/credit/" + std::string(domain::OrderKindName(order.kind)) +
                         "?order_no=" + order.order_no},
      {"name", ItemName(order)},
      {"money", order.price.ToDecimalString()},
  };
  if (options_.api_checkout) {
    return StartApiCheckout(*merchant, std::move(params), context);
  }
  params["sign"] = SignV1(params, merchant->key);
  params["sign_type"] = "MD5";
  return app::Checkout{options_.api_base + "/submit.php?" + EncodeForm(params), merchant->pid,
                       "epay", domain::PayKind::kRedirect};
}

Result<const EpayMerchant*> EpayProvider::MerchantFor(const domain::Order& order) const {
  // The day as the aggregator counts it: Beijing's (UTC+8, no daylight saving).
  constexpr std::chrono::hours kBeijing{8};
  const Timestamp day =
      std::chrono::floor<std::chrono::days>(order.created_at + kBeijing) - kBeijing;
  for (const EpayMerchant& merchant : options_.merchants) {
    if (!merchant.daily_limit) {
      return &merchant;
    }
    if (*merchant.daily_limit == 0) {
      continue;  // Retired: kept for its orders' notifications, queries and refunds only.
    }
    if (volume_ == nullptr) {
      return Status(reason::kConfigInvalid, "EPay merchants with a daily limit need the volume");
    }
    // The new order has no merchant yet, so it is not in the sum. Two orders checked out at the
    // same moment may both fit: the limit is a soft one, as the aggregator's own risk limits are.
    CREDITD_ASSIGN_OR_RETURN(const int64_t taken, volume_->CheckoutSum("epay", merchant.pid, day));
    if (taken + order.price.amount_minor() <= *merchant.daily_limit) {
      return &merchant;
    }
  }
  return Status(reason::kProviderError,
                "every EPay merchant has reached its daily limit; try again tomorrow or another "
                "payment method");
}

Result<const EpayMerchant*> EpayProvider::MerchantOf(const domain::Order& order) const {
  if (order.checkout_ref.empty()) {
    // Taken before merchants were recorded with orders: by the one merchant there was, which the
    // merchants file lists first (docs/payments/epay.md).
    return &options_.merchants.front();
  }
  for (const EpayMerchant& merchant : options_.merchants) {
    if (merchant.pid == order.checkout_ref) {
      return &merchant;
    }
  }
  // Never another merchant's key: it would not know the order, which would look unpaid.
  return Status(reason::kProviderError,
                "order " + order.order_no + " was taken by EPay merchant " + order.checkout_ref +
                    ", which is not configured any more (keep it in EPAY_MERCHANTS_FILE with "
                    "daily_limit 0 while it has orders)");
}

Result<app::Checkout> EpayProvider::StartApiCheckout(const EpayMerchant& merchant,
                                                     ProviderParams params,
                                                     const app::CheckoutContext& context) const {
  const std::optional<std::string> address = PayerAddress(context.client_ip);
  if (!address) {
    return Status(reason::kProviderError,
                  "EPay's mapi.php needs the payer's address, which is unknown here");
  }
  params["clientip"] = *address;
  params["device"] = context.device == app::PayerDevice::kMobile ? "mobile" : "pc";
  params["sign"] = SignV1(params, merchant.key);
  params["sign_type"] = "MD5";
  HttpExchange exchange;
  exchange.method = "POST";
  exchange.url = options_.api_base + "/mapi.php";
  exchange.timeout = options_.timeout;
  exchange.headers.emplace_back("Content-Type: application/x-www-form-urlencoded");
  exchange.body = EncodeForm(params);
  // Safe to repeat: EPay takes the same order number again with the very same parameters.
  const HttpAnswer answer = SendWithRetries(exchange, options_.retry);
  if (ShouldRetry(answer)) {
    return Unavailable("mapi.php: " + DescribeFailure(answer));
  }
  const json body = json::parse(answer.body, nullptr, false);
  if (answer.status < 200 || answer.status > 299 || !body.is_object()) {
    return Status(reason::kProviderError, "the EPay aggregator refused the checkout")
        .WithInternalDetail("mapi.php: " + DescribeFailure(answer));
  }
  if (IntField(body, "code") != 1) {
    // The aggregator's own words, bounded: they reach the payer.
    const std::string why = TextField(body, "msg").substr(0, 200);
    return Status(reason::kProviderError,
                  "the EPay aggregator refused the checkout" + (why.empty() ? "" : ": " + why))
        .WithInternalDetail("mapi.php code " + TextField(body, "code"));
  }
  // One of a page, a QR code's content or an app link. A page works on every screen; then a QR
  // code suits a desktop and an app link a phone.
  const bool mobile = context.device == app::PayerDevice::kMobile;
  for (const char* field :
       {"payurl", mobile ? "urlscheme" : "qrcode", mobile ? "qrcode" : "urlscheme"}) {
    if (const std::string url = TextField(body, field); !url.empty()) {
      const bool qr = std::string_view(field) == "qrcode";
      return app::Checkout{url, merchant.pid, "epay",
                           qr ? domain::PayKind::kQr : domain::PayKind::kRedirect};
    }
  }
  return Status(reason::kProviderError,
                "the EPay aggregator's checkout has no payurl, qrcode or urlscheme")
      .WithInternalDetail("mapi.php: " + answer.body.substr(0, 200));
}

Result<app::ProviderEvent> EpayProvider::ParseEvent(const app::ProviderNotification& notification,
                                                    Timestamp now) {
  // Sent by GET (the upstream server); some forks POST the same form.
  const std::string& form = notification.query.empty() ? notification.body : notification.query;
  const std::optional<ProviderParams> params = ParseForm(form);
  if (!params) {
    return Status(reason::kInvalidSignature,
                  "the EPay notification is not a well-formed form (a bad %-escape or a "
                  "parameter given twice)");
  }
  // Verified with the key of the merchant it names; one naming no merchant of ours may still be
  // genuine (signed with one of our keys), and is then kept aside below.
  const std::string pid = ParamOf(*params, "pid");
  const EpayMerchant* merchant = nullptr;
  for (const EpayMerchant& candidate : options_.merchants) {
    merchant = candidate.pid == pid ? &candidate : merchant;
  }
  Status verified = Status(reason::kInvalidSignature, "no EPay merchant key verifies the sign");
  if (merchant != nullptr) {
    verified = VerifyV1(*params, merchant->key);
  } else {
    for (const EpayMerchant& candidate : options_.merchants) {
      if (verified.ok()) {
        break;
      }
      verified = VerifyV1(*params, candidate.key);
    }
  }
  CREDITD_RETURN_IF_ERROR(verified);
  app::ProviderEvent event;
  event.payload = form;
  const std::string trade_no = ParamOf(*params, "trade_no");
  const std::string status = ParamOf(*params, "trade_status");
  event.id = trade_no + ":" + status;
  event.type = status.empty() ? "unknown" : status;
  event.created = now;
  if (merchant == nullptr) {
    event.decode_error =
        "a notification for EPay merchant " + pid + ", not one of this server's merchants";
    return event;
  }
  if (status != kPaid) {
    return event;  // Only TRADE_SUCCESS means paid; anything else is recorded and ignored.
  }
  const std::string order_no = ParamOf(*params, "out_trade_no");
  const Result<Money> money = Money::Parse(ParamOf(*params, "money"), Currency::Cny());
  if (trade_no.empty() || order_no.empty() || !money.ok()) {
    event.decode_error = "a paid notification without trade_no, out_trade_no or a readable money";
    return event;
  }
  app::ProviderCheckout checkout;
  checkout.id = trade_no;
  checkout.kind = app::CheckoutKind::kPayment;
  checkout.state = app::CheckoutState::kComplete;
  checkout.paid = true;
  checkout.client_reference_id = order_no;
  checkout.payment_intent_id = trade_no;
  checkout.amount_total = money->amount_minor();
  checkout.currency = "CNY";
  event.kind = app::ProviderEventKind::kCheckoutCompleted;
  event.checkout = std::move(checkout);
  return event;
}

std::optional<app::NotificationReply> EpayProvider::Reply(app::NotificationOutcome outcome) const {
  return WordReply(outcome, "success", "fail");
}

Result<json> EpayProvider::CallApi(const EpayMerchant& merchant, const std::string& method,
                                   ProviderParams params) const {
  params["pid"] = merchant.pid;
  params["key"] = merchant.key;
  HttpExchange exchange;
  exchange.method = method;
  exchange.timeout = options_.timeout;
  // act= goes in the URL either way: the upstream api.php reads it from $_GET.
  exchange.url = options_.api_base + "/api.php?act=" + PercentEncode(params["act"]);
  params.erase("act");
  if (method == "GET") {
    exchange.url += "&" + EncodeForm(params);
  } else {
    exchange.headers.emplace_back("Content-Type: application/x-www-form-urlencoded");
    exchange.body = EncodeForm(params);
  }
  const std::string call = method + " api.php: ";
  // Only reads are retried: a refund sent twice could refund twice.
  RetryPolicy policy = options_.retry;
  policy.max_attempts = method == "GET" ? policy.max_attempts : 1;
  const HttpAnswer answer = SendWithRetries(exchange, policy);
  if (ShouldRetry(answer)) {
    return Unavailable(call + DescribeFailure(answer));
  }
  if (answer.status < 200 || answer.status > 299) {
    std::string message = "the EPay aggregator refused the request (HTTP ";
    message += std::to_string(answer.status);
    message += ")";
    return Status(reason::kProviderError, message)
        .WithInternalDetail(call + DescribeFailure(answer));
  }
  json body = json::parse(answer.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return Status(reason::kProviderError,
                  "the EPay aggregator answered with something other than a JSON object")
        .WithInternalDetail(call + answer.body.substr(0, 200));
  }
  return body;
}

Result<std::optional<json>> EpayProvider::FindOrder(const EpayMerchant& merchant,
                                                    std::string_view order_no) const {
  CREDITD_ASSIGN_OR_RETURN(
      json answer,
      CallApi(merchant, "GET", {{"act", "order"}, {"out_trade_no", std::string(order_no)}}));
  const std::optional<int64_t> code = IntField(answer, "code");
  if (code == -1) {
    return std::optional<json>();  // 订单号不存在: the payer never reached EPay.
  }
  if (code != 1) {
    return Status(reason::kProviderError,
                  "the EPay aggregator refused the order query: " + TextField(answer, "msg"))
        .WithInternalDetail("act=order code " + TextField(answer, "code"));
  }
  if (TextField(answer, "out_trade_no") != order_no) {
    return Status(reason::kProviderError, "the EPay aggregator answered about another order")
        .WithInternalDetail("asked " + std::string(order_no) + ", got " +
                            TextField(answer, "out_trade_no"));
  }
  return std::optional<json>(std::move(answer));
}

Result<app::ProviderCheckout> EpayProvider::QueryCheckout(const domain::Order& order) {
  CREDITD_ASSIGN_OR_RETURN(const EpayMerchant* merchant, MerchantOf(order));
  CREDITD_ASSIGN_OR_RETURN(const std::optional<json> found, FindOrder(*merchant, order.order_no));
  app::ProviderCheckout checkout;
  checkout.kind = app::CheckoutKind::kPayment;
  checkout.client_reference_id = order.order_no;
  checkout.currency = "CNY";
  if (!found) {
    return checkout;  // Open.
  }
  checkout.id = TextField(*found, "trade_no");
  checkout.payment_intent_id = checkout.id;
  // 1 paid, 3 frozen after payment: the money is with the merchant. 2 (refunded) went back to
  // the payer, so an order still unpaid here stays unpaid.
  const int64_t status = IntField(*found, "status").value_or(0);
  if (status == 1 || status == 3) {
    const Result<Money> money = Money::Parse(TextField(*found, "money"), Currency::Cny());
    if (!money.ok()) {
      return Status(reason::kProviderError, "the EPay aggregator's order has an unreadable money")
          .WithInternalDetail("act=order money " + TextField(*found, "money"));
    }
    checkout.state = app::CheckoutState::kComplete;
    checkout.paid = true;
    checkout.amount_total = money->amount_minor();
  }
  return checkout;
}

Result<app::ProviderRefund> EpayProvider::Refund(const domain::Order& order,
                                                 std::optional<int64_t> amount,
                                                 std::string_view /*idempotency_key*/) {
  const int64_t price = order.price.amount_minor();
  if ((amount && *amount != price) || order.refunded.amount_minor() != 0) {
    return Status(reason::kInvalidField,
                  "EPay refunds a whole order only: leave out amount to refund " +
                      order.price.ToDecimalString())
        .WithField("amount");
  }
  CREDITD_ASSIGN_OR_RETURN(const EpayMerchant* merchant, MerchantOf(order));
  app::ProviderRefund refund;
  refund.id = "epay-refund-" + order.order_no;
  refund.amount = price;
  refund.currency = "CNY";
  const auto refunded = [&]() -> Result<bool> {
    CREDITD_ASSIGN_OR_RETURN(const std::optional<json> found, FindOrder(*merchant, order.order_no));
    return found && IntField(*found, "status") == 2;
  };
  CREDITD_ASSIGN_OR_RETURN(bool done, refunded());
  if (!done) {
    CREDITD_ASSIGN_OR_RETURN(const json answer,
                             CallApi(*merchant, "POST",
                                     {{"act", "refund"},
                                      {"out_trade_no", order.order_no},
                                      {"money", order.price.ToDecimalString()}}));
    CREDITD_ASSIGN_OR_RETURN(done, refunded());
    if (!done) {
      return Status(reason::kProviderError,
                    "the EPay aggregator did not refund the order: " + TextField(answer, "msg"))
          .WithInternalDetail("act=refund code " + TextField(answer, "code"));
    }
  }
  refund.status = "succeeded";
  refund.refunded_total = price;
  return refund;
}

}  // namespace creditd::payments::epay
