#include "payments/alipay/alipay_provider.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/strings.h"
#include "payments/common/form.h"

namespace creditd::payments::alipay {
namespace {

using nlohmann::json;

std::string Fixture(const char* name) {
  std::ifstream in(std::string(CREDITD_TEST_KEYS) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// ../shared/PROTOCOLS.md 5.1, "Public test vector": a real payment notification of app
// 2019073166072302 and the Alipay public key that verifies it.
constexpr std::string_view kVectorKey =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPHR5"
    "knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aGX"
    "2xcOrxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcNC"
    "UNrA8C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+GbXfZHraG5NC"
    "F1+XioL5JwIDAQAB";
constexpr std::string_view kVectorSign =
    "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/nLWZpXyyh0LEWd"
    "K2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q"
    "3fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dq"
    "t9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==";

RsaPublicKey VectorKey() {
  return *RsaPublicKey::Parse(kVectorKey);
}

ProviderParams VectorParams() {
  return {{"app_id", "2019073166072302"},
          {"auth_app_id", "2019073166072302"},
          {"buyer_id", "2088102534368455"},
          {"buyer_logon_id", "xud***@126.com"},
          {"buyer_pay_amount", "0.10"},
          {"charset", "utf-8"},
          {"fund_bill_list", R"([{"amount":"0.10","fundChannel":"ALIPAYACCOUNT"}])"},
          {"gmt_create", "2019-08-15 15:56:22"},
          {"gmt_payment", "2019-08-15 15:56:24"},
          {"invoice_amount", "0.10"},
          {"notify_id", "2019081500222155624068450559358070"},
          {"notify_time", "2019-08-15 15:56:25"},
          {"notify_type", "trade_status_sync"},
          {"out_trade_no", "20190815155618536-564-57"},
          {"point_amount", "0.00"},
          {"receipt_amount", "0.10"},
          {"seller_email", "z97-yuquerevenue@service.aliyun.com"},
          {"seller_id", "2088531891668739"},
          {"subject", "语雀空间 500人规模"},
          {"total_amount", "0.10"},
          {"trade_no", "2019081522001468450512505578"},
          {"trade_status", "TRADE_SUCCESS"},
          {"version", "1.0"},
          {"sign", std::string(kVectorSign)},
          {"sign_type", "RSA2"}};
}

app::ProviderNotification Post(const ProviderParams& params) {
  app::ProviderNotification notification;
  notification.method = "POST";
  notification.body = EncodeForm(params);
  notification.headers = {{"content-type", "application/x-www-form-urlencoded; charset=utf-8"}};
  return notification;
}

class AlipayProviderTest : public ::testing::Test {
 protected:
  AlipayProvider Provider(RsaPublicKey alipay_public_key, std::string app_id,
                          std::string seller_id = "") {
    AlipayOptions options;
    options.gateway = "https://openapi.alipay.test/gateway.do";
    options.app_id = std::move(app_id);
    options.seller_id = std::move(seller_id);
    return AlipayProvider(std::move(options), *RsaPrivateKey::Parse(Fixture("app_private_key.pem")),
                          std::move(alipay_public_key), clock_, "https://credits.example.com");
  }

  // A notification of app "app_1" signed with the test Alipay key.
  ProviderParams Signed(ProviderParams params) {
    params.erase("sign");
    params["sign_type"] = "RSA2";
    params["sign"] =
        Base64Encode(alipay_.SignSha256(SignContent(params, {"sign", "sign_type"}, false)));
    return params;
  }

  ManualClock clock_{*ParseBeijingTime("2019-08-15 15:56:25")};
  const RsaPrivateKey alipay_ = *RsaPrivateKey::Parse(Fixture("provider_private_key.pem"));
};

TEST(AlipayTimeTest, BeijingTimeIsUtcPlusEight) {
  EXPECT_EQ(FormatBeijingTime(FromUnixSeconds(0)), "1970-01-01 08:00:00");
  EXPECT_EQ(FormatBeijingTime(FromUnixSeconds(1'704'038'399)), "2023-12-31 23:59:59");
  EXPECT_EQ(ParseBeijingTime("1970-01-01 08:00:00"), FromUnixSeconds(0));
  EXPECT_EQ(ParseBeijingTime("2024-02-29 23:59:59"), FromUnixSeconds(1'709'222'399));
  for (const char* bad : {"2023-02-29 00:00:00", "2024-01-01 24:00:00", "2024-01-01T00:00:00",
                          "2024-1-01 00:00:00", "", "2024-01-01 00:00:0x"}) {
    EXPECT_FALSE(ParseBeijingTime(bad).has_value()) << bad;
  }
}

TEST_F(AlipayProviderTest, ThePublishedNotificationIsVerifiedAndPaysItsOrder) {
  AlipayProvider provider = Provider(VectorKey(), "2019073166072302", "2088531891668739");
  const auto event = provider.ParseEvent(Post(VectorParams()), clock_.Now());
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_TRUE(event->decode_error.empty()) << event->decode_error;
  EXPECT_EQ(event->kind, app::ProviderEventKind::kCheckoutCompleted);
  EXPECT_EQ(event->id, "2019081522001468450512505578:TRADE_SUCCESS:");
  ASSERT_TRUE(event->checkout.has_value());
  EXPECT_EQ(event->checkout->client_reference_id, "20190815155618536-564-57");
  EXPECT_EQ(event->checkout->amount_total, 10);  // total_amount, not what the buyer paid.
  EXPECT_EQ(event->checkout->payment_intent_id, "2019081522001468450512505578");
  EXPECT_TRUE(event->checkout->paid);
  EXPECT_EQ(event->payload, Post(VectorParams()).body);

  // Any change to a signed value is a forgery.
  ProviderParams forged = VectorParams();
  forged["total_amount"] = "100.00";
  EXPECT_EQ(provider.ParseEvent(Post(forged), clock_.Now()).status().reason(), "invalid_signature");
  forged = VectorParams();
  forged.erase("sign");
  EXPECT_EQ(provider.ParseEvent(Post(forged), clock_.Now()).status().reason(), "invalid_signature");
  app::ProviderNotification junk;
  junk.body = "a=%zz";
  EXPECT_EQ(provider.ParseEvent(junk, clock_.Now()).status().reason(), "invalid_signature");
}

TEST_F(AlipayProviderTest, AStaleOrFutureNotificationIsRefused) {
  AlipayProvider provider = Provider(VectorKey(), "2019073166072302");
  const Timestamp sent = clock_.Now();
  EXPECT_TRUE(provider.ParseEvent(Post(VectorParams()), sent + std::chrono::hours(25)).ok());
  EXPECT_EQ(
      provider.ParseEvent(Post(VectorParams()), sent + std::chrono::hours(27)).status().reason(),
      "invalid_signature");
  EXPECT_TRUE(provider.ParseEvent(Post(VectorParams()), sent - std::chrono::minutes(4)).ok());
  EXPECT_EQ(
      provider.ParseEvent(Post(VectorParams()), sent - std::chrono::minutes(6)).status().field(),
      "notify_time");
}

TEST_F(AlipayProviderTest, AnotherAppsOrSellersNotificationIsKeptAside) {
  auto event =
      Provider(VectorKey(), "2021000000000000").ParseEvent(Post(VectorParams()), clock_.Now());
  ASSERT_TRUE(event.ok());
  EXPECT_NE(event->decode_error.find("2019073166072302"), std::string::npos);
  event = Provider(VectorKey(), "2019073166072302", "2088000000000000")
              .ParseEvent(Post(VectorParams()), clock_.Now());
  ASSERT_TRUE(event.ok());
  EXPECT_FALSE(event->decode_error.empty());
}

TEST_F(AlipayProviderTest, RefundsAndClosedTradesBecomeTheirEvents) {
  AlipayProvider provider = Provider(alipay_.PublicKey(), "app_1");
  ProviderParams params = {{"app_id", "app_1"},       {"notify_time", "2019-08-15 15:56:25"},
                           {"out_trade_no", "RC1"},   {"trade_no", "T1"},
                           {"total_amount", "10.00"}, {"trade_status", "TRADE_SUCCESS"},
                           {"refund_fee", "4.00"},    {"gmt_refund", "2019-08-15 15:56:20.000"}};
  auto event = provider.ParseEvent(Post(Signed(params)), clock_.Now());
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->kind, app::ProviderEventKind::kPaymentRefunded);
  EXPECT_EQ(event->id, "T1:TRADE_SUCCESS:4.00");
  EXPECT_EQ(event->charge->payment_intent_id, "T1");
  EXPECT_EQ(event->charge->amount, 1000);
  EXPECT_EQ(event->charge->amount_refunded, 400);
  params["refund_fee"] = "10.00";
  params["trade_status"] = "TRADE_CLOSED";  // Refunded in full.
  event = provider.ParseEvent(Post(Signed(params)), clock_.Now());
  EXPECT_EQ(event->kind, app::ProviderEventKind::kPaymentRefunded);
  EXPECT_EQ(event->charge->amount_refunded, 1000);
  params.erase("refund_fee");
  params.erase("gmt_refund");  // Closed unpaid.
  event = provider.ParseEvent(Post(Signed(params)), clock_.Now());
  EXPECT_EQ(event->kind, app::ProviderEventKind::kCheckoutExpired);
  EXPECT_EQ(event->checkout->client_reference_id, "RC1");
  params["trade_status"] = "WAIT_BUYER_PAY";
  event = provider.ParseEvent(Post(Signed(params)), clock_.Now());
  EXPECT_EQ(event->kind, app::ProviderEventKind::kOther);
  params["trade_status"] = "TRADE_FINISHED";
  params["total_amount"] = "1e3";
  event = provider.ParseEvent(Post(Signed(params)), clock_.Now());
  EXPECT_FALSE(event->decode_error.empty());
}

TEST_F(AlipayProviderTest, AnswersInAlipaysWords) {
  const AlipayProvider provider = Provider(VectorKey(), "app_1");
  EXPECT_EQ(provider.Reply(app::NotificationOutcome::kAccepted)->body, "success");
  EXPECT_EQ(provider.Reply(app::NotificationOutcome::kRejected)->status, 400);
  EXPECT_EQ(provider.Reply(app::NotificationOutcome::kFailed)->status, 500);
}

domain::Order AnOrder() {
  domain::Order order;
  order.order_no = "RC20261203000001";
  order.kind = domain::OrderKind::kRecharge;
  order.amount = 100;
  order.bonus = 10;
  order.price = Money(990, Currency::Cny());
  order.payment_method = domain::PaymentMethod::kAlipay;
  order.expires_at = FromUnixSeconds(1'800'001'800);
  return order;
}

TEST_F(AlipayProviderTest, TheCheckoutIsASignedGatewayUrlForTheDevice) {
  AlipayProvider provider = Provider(VectorKey(), "app_1");
  const RsaPublicKey app_public = RsaPrivateKey::Parse(Fixture("app_private_key.pem"))->PublicKey();
  for (const auto device : {app::PayerDevice::kDesktop, app::PayerDevice::kMobile}) {
    const auto checkout = provider.StartCheckout(AnOrder(), {device, "192.0.2.7"});
    ASSERT_TRUE(checkout.ok()) << checkout.status().ToString();
    EXPECT_EQ(checkout->provider, "alipay");
    const std::string prefix = "https://openapi.alipay.test/gateway.do?";
    ASSERT_EQ(checkout->pay_url.rfind(prefix, 0), 0U);
    const auto params = ParseForm(checkout->pay_url.substr(prefix.size()));
    ASSERT_TRUE(params.has_value());
    // Requests sign sign_type too.
    EXPECT_TRUE(app_public.VerifySha256(SignContent(*params, {"sign"}, true),
                                        *Base64Decode(params->at("sign"))));
    const bool mobile = device == app::PayerDevice::kMobile;
    EXPECT_EQ(params->at("method"), mobile ? "alipay.trade.wap.pay" : "alipay.trade.page.pay");
    EXPECT_EQ(params->at("app_id"), "app_1");
    EXPECT_EQ(params->at("sign_type"), "RSA2");
    EXPECT_EQ(params->at("timestamp"), "2019-08-15 15:56:25");
    EXPECT_EQ(params->at("notify_url"), "https://credits.example.com/webhooks/alipay");
    EXPECT_EQ(params->at("return_url"),
              "https://credits.example.com/credit/recharge?order_no=RC20261203000001");
    const json biz = json::parse(params->at("biz_content"));
    EXPECT_EQ(biz["out_trade_no"], "RC20261203000001");
    EXPECT_EQ(biz["total_amount"], "9.90");
    EXPECT_EQ(biz["subject"], "110 credits");
    EXPECT_EQ(biz["product_code"], mobile ? "QUICK_WAP_WAY" : "FAST_INSTANT_TRADE_PAY");
    EXPECT_EQ(biz["time_expire"], FormatBeijingTime(FromUnixSeconds(1'800'001'800)));
    EXPECT_EQ(biz.contains("quit_url"), mobile);
  }
  domain::Order stripe = AnOrder();
  stripe.payment_method = domain::PaymentMethod::kStripe;
  EXPECT_EQ(provider.StartCheckout(stripe, {}).status().reason(), "provider_error");
}

}  // namespace
}  // namespace creditd::payments::alipay
