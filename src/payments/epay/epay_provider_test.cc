#include "payments/epay/epay_provider.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "payments/common/form.h"
#include "payments/epay/epay_signature.h"

namespace creditd::payments::epay {
namespace {

// ../shared/PROTOCOLS-2.md 1.8: the documentation's sample merchant and key.
constexpr std::string_view kDocKey = "89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i";
const Timestamp kNow = FromUnixSeconds(1'800'000'000);

EpayProvider Provider() {
  EpayOptions options;
  options.api_base = "https://pay.example.com";
  options.merchants = {{"1001", std::string(kDocKey), std::nullopt}};
  return EpayProvider(std::move(options), "https://credits.example.com");
}

app::ProviderNotification Get(std::string query) {
  app::ProviderNotification notification;
  notification.method = "GET";
  notification.query = std::move(query);
  return notification;
}

// The notify of the vectors as the upstream server sends it: money=1, signed as received.
constexpr std::string_view kDocNotify =
    "pid=1001&trade_no=20160806151343349021&out_trade_no=20160806151343349&type=alipay&name=VIP%"
    "E4%BC%9A%E5%91%98&money=1&trade_status=TRADE_SUCCESS&sign="
    "d234c00c90982004526450b6a5e31089&sign_type=MD5";

TEST(EpayProviderTest, APaidNotificationOfThePublishedVectorIsACompletedCheckout) {
  EpayProvider provider = Provider();
  const auto event = provider.ParseEvent(Get(std::string(kDocNotify)), kNow);
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->kind, app::ProviderEventKind::kCheckoutCompleted);
  EXPECT_EQ(event->id, "20160806151343349021:TRADE_SUCCESS");
  EXPECT_EQ(event->type, "TRADE_SUCCESS");
  EXPECT_TRUE(event->decode_error.empty());
  ASSERT_TRUE(event->checkout.has_value());
  EXPECT_EQ(event->checkout->client_reference_id, "20160806151343349");
  EXPECT_EQ(event->checkout->payment_intent_id, "20160806151343349021");
  EXPECT_EQ(event->checkout->amount_total, 100);  // "1" yuan, read exactly.
  EXPECT_EQ(event->checkout->currency, "CNY");
  EXPECT_TRUE(event->checkout->paid);
  EXPECT_EQ(event->checkout->kind, app::CheckoutKind::kPayment);
  EXPECT_EQ(event->payload, kDocNotify);  // What is kept is what was verified.

  // The same form POSTed (some forks) is read from the body.
  app::ProviderNotification posted;
  posted.method = "POST";
  posted.body = std::string(kDocNotify);
  EXPECT_EQ(provider.ParseEvent(posted, kNow)->id, event->id);
}

TEST(EpayProviderTest, ANotificationIsVerifiedOverTheValuesAsReceived) {
  EpayProvider provider = Provider();
  // Re-formatting the amount ("1" -> "1.00") breaks the signature, as a forged amount does.
  std::string reformatted(kDocNotify);
  reformatted.replace(reformatted.find("money=1&"), 8, "money=1.00&");
  EXPECT_EQ(provider.ParseEvent(Get(reformatted), kNow).status().reason(), "invalid_signature");
  std::string forged(kDocNotify);
  forged.replace(forged.find("money=1&"), 8, "money=9&");
  EXPECT_EQ(provider.ParseEvent(Get(forged), kNow).status().reason(), "invalid_signature");
  std::string unsigned_form(kDocNotify);
  unsigned_form.erase(unsigned_form.find("&sign="));
  EXPECT_EQ(provider.ParseEvent(Get(unsigned_form), kNow).status().reason(), "invalid_signature");
  // A parameter given twice: which copy was signed is a guess, so it is refused.
  EXPECT_EQ(provider.ParseEvent(Get(std::string(kDocNotify) + "&money=1"), kNow).status().reason(),
            "invalid_signature");
  EXPECT_EQ(provider.ParseEvent(Get("pid=1001&sign=%zz"), kNow).status().reason(),
            "invalid_signature");
  EXPECT_EQ(provider.ParseEvent(Get(""), kNow).status().reason(), "invalid_signature");
}

// A notification signed with this merchant's key but otherwise as `params` say.
app::ProviderNotification Signed(ProviderParams params) {
  params["sign"] = SignV1(params, kDocKey);
  params["sign_type"] = "MD5";
  return Get(EncodeForm(params));
}

TEST(EpayProviderTest, GenuineButUnusableNotificationsAreKeptAsideOrIgnored) {
  EpayProvider provider = Provider();
  ProviderParams params = {{"pid", "1002"},        {"trade_no", "T1"},
                           {"out_trade_no", "R1"}, {"type", "wxpay"},
                           {"money", "9.90"},      {"trade_status", "TRADE_SUCCESS"}};
  // Another merchant's payment: never applied, kept for an operator.
  auto event = provider.ParseEvent(Signed(params), kNow);
  ASSERT_TRUE(event.ok());
  EXPECT_NE(event->decode_error.find("merchant 1002"), std::string::npos) << event->decode_error;
  params["pid"] = "1001";
  // An amount that is not an exact decimal of at most two places.
  for (const char* money : {"9.999", "1e3", "-1", "", "9.9.9"}) {
    params["money"] = money;
    event = provider.ParseEvent(Signed(params), kNow);
    ASSERT_TRUE(event.ok());
    EXPECT_FALSE(event->decode_error.empty()) << money;
  }
  params["money"] = "0.1";
  event = provider.ParseEvent(Signed(params), kNow);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->checkout->amount_total, 10);
  // Only TRADE_SUCCESS pays; another status is recorded and changes nothing.
  params["trade_status"] = "TRADE_CLOSED";
  event = provider.ParseEvent(Signed(params), kNow);
  ASSERT_TRUE(event.ok());
  EXPECT_EQ(event->kind, app::ProviderEventKind::kOther);
  EXPECT_EQ(event->id, "T1:TRADE_CLOSED");
}

TEST(EpayProviderTest, AnswersInEpaysWords) {
  const EpayProvider provider = Provider();
  const auto accepted = provider.Reply(app::NotificationOutcome::kAccepted);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->status, 200);
  EXPECT_EQ(accepted->body, "success");
  EXPECT_EQ(provider.Reply(app::NotificationOutcome::kRejected)->status, 400);
  EXPECT_EQ(provider.Reply(app::NotificationOutcome::kRejected)->body, "fail");
  EXPECT_EQ(provider.Reply(app::NotificationOutcome::kFailed)->status, 500);
}

domain::Order Order(domain::PaymentMethod method, Money price) {
  domain::Order order;
  order.order_no = "RC20261203000001";
  order.kind = domain::OrderKind::kRecharge;
  order.amount = 100;
  order.bonus = 10;
  order.price = price;
  order.payment_method = method;
  return order;
}

TEST(EpayProviderTest, TheCheckoutIsASignedSubmitUrlThatFollowsFromTheOrder) {
  EpayProvider provider = Provider();
  const auto checkout = provider.StartCheckout(
      Order(domain::PaymentMethod::kWechat, Money(990, Currency::Cny())), {});
  ASSERT_TRUE(checkout.ok()) << checkout.status().ToString();
  EXPECT_EQ(checkout->provider, "epay");
  const std::string prefix = "https://pay.example.com/submit.php?";
  ASSERT_EQ(checkout->pay_url.rfind(prefix, 0), 0U) << checkout->pay_url;
  const auto params = ParseForm(checkout->pay_url.substr(prefix.size()));
  ASSERT_TRUE(params.has_value());
  EXPECT_TRUE(VerifyV1(*params, kDocKey).ok());
  EXPECT_EQ(params->at("pid"), "1001");
  EXPECT_EQ(params->at("type"), "wxpay");
  EXPECT_EQ(params->at("out_trade_no"), "RC20261203000001");
  EXPECT_EQ(params->at("money"), "9.90");
  EXPECT_EQ(params->at("name"), "110 credits");
  EXPECT_EQ(params->at("notify_url"), "https://credits.example.com/webhooks/epay");
  EXPECT_EQ(params->at("return_url"),
            "https://credits.example.com/credit/recharge?order_no=RC20261203000001");
  EXPECT_EQ(params->at("sign_type"), "MD5");
  // A retry sends the very same request (EPay refuses changed parameters for one order).
  EXPECT_EQ(
      provider
          .StartCheckout(Order(domain::PaymentMethod::kWechat, Money(990, Currency::Cny())), {})
          ->pay_url,
      checkout->pay_url);
  const auto alipay = provider.StartCheckout(
      Order(domain::PaymentMethod::kAlipay, Money(990, Currency::Cny())), {});
  EXPECT_NE(alipay->pay_url.find("type=alipay"), std::string::npos);

  EXPECT_EQ(
      provider
          .StartCheckout(
              Order(domain::PaymentMethod::kAlipay, Money(990, *Currency::FromCode("USD"))), {})
          .status()
          .reason(),
      "provider_error");
  EXPECT_EQ(
      provider.StartCheckout(Order(domain::PaymentMethod::kStripe, Money(990, Currency::Cny())), {})
          .status()
          .reason(),
      "provider_error");
}

// What each merchant took since `since`, as the stored orders would tell; remembers the day
// asked about.
class FakeVolume final : public app::CheckoutVolume {
 public:
  Result<int64_t> CheckoutSum(std::string_view provider, std::string_view reference,
                              Timestamp since) override {
    EXPECT_EQ(provider, "epay");
    asked_since = since;
    const auto found = taken.find(std::string(reference));
    return found == taken.end() ? 0 : found->second;
  }
  std::map<std::string, int64_t> taken;
  Timestamp asked_since{};
};

TEST(EpayProviderTest, AnOrderGoesToTheFirstMerchantWhoseDailyLimitItFits) {
  FakeVolume volume;
  EpayOptions options;
  options.api_base = "https://pay.example.com";
  options.merchants = {{"1000", "retired-key", 0},
                       {"1001", "first-key", 1500},
                       {"1002", "second-key", std::nullopt}};
  EpayProvider provider(std::move(options), "https://credits.example.com", &volume);
  domain::Order order = Order(domain::PaymentMethod::kAlipay, Money(990, Currency::Cny()));
  const auto merchant_of = [&](const domain::Order& which) {
    const auto checkout = provider.StartCheckout(which, {});
    EXPECT_TRUE(checkout.ok()) << checkout.status().ToString();
    return checkout.ok() ? checkout->reference : std::string();
  };
  // 00:30 in Beijing on 4 December: the day began at 16:00 UTC on the 3rd.
  order.created_at = *ParseRfc3339("2026-12-03T16:30:00Z");
  volume.taken["1001"] = 510;  // 510 + 990 = 1500: exactly the limit.
  EXPECT_EQ(merchant_of(order), "1001");
  EXPECT_EQ(volume.asked_since, *ParseRfc3339("2026-12-03T16:00:00Z"));
  volume.taken["1001"] = 511;
  EXPECT_EQ(merchant_of(order), "1002");
  // A second before, it was still the 3rd in Beijing.
  order.created_at = *ParseRfc3339("2026-12-03T15:59:59Z");
  EXPECT_EQ(merchant_of(order), "1002");
  EXPECT_EQ(volume.asked_since, *ParseRfc3339("2026-12-02T16:00:00Z"));
  // The URL is signed with the chosen merchant's key, and names it.
  const auto checkout = provider.StartCheckout(order, {});
  const std::string prefix = "https://pay.example.com/submit.php?";
  const auto params = ParseForm(checkout->pay_url.substr(prefix.size()));
  ASSERT_TRUE(params.has_value());
  EXPECT_EQ(params->at("pid"), "1002");
  EXPECT_TRUE(VerifyV1(*params, "second-key").ok());
  EXPECT_FALSE(VerifyV1(*params, "first-key").ok());
}

TEST(EpayProviderTest, WhenEveryMerchantIsFullOrGoneTheOrderIsRefusedWithoutGuessing) {
  FakeVolume volume;
  EpayOptions options;
  options.api_base = "https://pay.example.com";
  options.merchants = {{"1001", "first-key", 1000}};
  EpayProvider provider(std::move(options), "https://credits.example.com", &volume);
  domain::Order order = Order(domain::PaymentMethod::kAlipay, Money(990, Currency::Cny()));
  volume.taken["1001"] = 11;
  EXPECT_EQ(provider.StartCheckout(order, {}).status().reason(), "provider_error");
  // An order of a merchant no longer configured is not asked about with another's key (no I/O:
  // the error comes first).
  order.checkout_ref = "1009";
  const auto queried = provider.QueryCheckout(order);
  EXPECT_EQ(queried.status().reason(), "provider_error");
  EXPECT_NE(queried.status().message().find("1009"), std::string::npos);
  EXPECT_EQ(provider.Refund(order, std::nullopt, "k").status().reason(), "provider_error");
}

}  // namespace
}  // namespace creditd::payments::epay
