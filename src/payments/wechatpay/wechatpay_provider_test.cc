#include "payments/wechatpay/wechatpay_provider.h"

#include <fstream>
#include <memory>
#include <sstream>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "common/strings.h"
#include "payments/wechatpay/wechatpay_signature.h"

namespace creditd::payments::wechatpay {
namespace {

using nlohmann::json;

std::string Fixture(const char* name) {
  std::ifstream in(std::string(CREDITD_TEST_KEYS) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr std::string_view kApiV3Key = "0123456789abcdef0123456789abcdef";
constexpr std::string_view kKeyId = "PUB_KEY_ID_0119000000012026120300000000000001";

// Seals `plain` as WeChat Pay seals a resource (AES-256-GCM, the tag after the ciphertext).
std::string Seal(std::string_view plain, std::string_view nonce, std::string_view aad) {
  const std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                            EVP_CIPHER_CTX_free);
  const auto* key = reinterpret_cast<const unsigned char*>(kApiV3Key.data());
  const auto* iv = reinterpret_cast<const unsigned char*>(nonce.data());
  EXPECT_EQ(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, iv), 1);
  int length = 0;
  EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), nullptr, &length,
                              reinterpret_cast<const unsigned char*>(aad.data()),
                              static_cast<int>(aad.size())),
            1);
  std::string out(plain.size() + 16, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  EXPECT_EQ(EVP_EncryptUpdate(ctx.get(), bytes, &length,
                              reinterpret_cast<const unsigned char*>(plain.data()),
                              static_cast<int>(plain.size())),
            1);
  int final_length = 0;
  EXPECT_EQ(EVP_EncryptFinal_ex(ctx.get(), bytes + length, &final_length), 1);
  EXPECT_EQ(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, bytes + plain.size()), 1);
  return Base64Encode(out);
}

class WechatpayProviderTest : public ::testing::Test {
 protected:
  WechatpayProvider Provider(std::string mchid = "1900000001") {
    WechatpayOptions options;
    options.api_base = "https://api.mch.weixin.test";
    options.mchid = std::move(mchid);
    options.appid = "wx0000000000000001";
    options.serial_no = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    options.platform_key_id = std::string(kKeyId);
    options.api_v3_key = std::string(kApiV3Key);
    return WechatpayProvider(std::move(options),
                             *RsaPrivateKey::Parse(Fixture("app_private_key.pem")),
                             wechat_.PublicKey(), clock_, ids_, "https://credits.example.com");
  }

  // A notification of `event_type` whose resource is `resource`, signed by the test WeChat Pay
  // key `seconds_ago` seconds ago under key id `key_id`.
  app::ProviderNotification Notify(const std::string& event_type, const json& resource,
                                   int64_t seconds_ago = 0, std::string_view key_id = kKeyId) {
    const json envelope = {{"id", "EV-2026120318300001"},
                           {"create_time", "2026-12-04T02:30:00+08:00"},
                           {"resource_type", "encrypt-resource"},
                           {"event_type", event_type},
                           {"resource",
                            {{"original_type", "transaction"},
                             {"algorithm", "AEAD_AES_256_GCM"},
                             {"ciphertext", Seal(resource.dump(), "fdasflkja484", "transaction")},
                             {"associated_data", "transaction"},
                             {"nonce", "fdasflkja484"}}}};
    app::ProviderNotification notification;
    notification.method = "POST";
    notification.body = envelope.dump();
    const std::string timestamp = std::to_string(ToUnixSeconds(clock_.Now()) - seconds_ago);
    const std::string nonce = "n0nce";
    notification.headers = {
        {"content-type", "application/json"},
        {"wechatpay-timestamp", timestamp},
        {"wechatpay-nonce", nonce},
        {"wechatpay-serial", std::string(key_id)},
        {"wechatpay-signature", Base64Encode(wechat_.SignSha256(timestamp + "\n" + nonce + "\n" +
                                                                notification.body + "\n"))}};
    return notification;
  }

  static json Paid(int64_t total) {
    return {{"mchid", "1900000001"},
            {"appid", "wx0000000000000001"},
            {"out_trade_no", "R20261203001"},
            {"transaction_id", "4200000001202612030000000001"},
            {"trade_type", "NATIVE"},
            {"trade_state", "SUCCESS"},
            {"success_time", "2026-12-04T02:29:58+08:00"},
            {"amount", {{"total", total}, {"payer_total", total - 10}, {"currency", "CNY"}}}};
  }

  ManualClock clock_{*ParseRfc3339("2026-12-03T18:30:00Z")};
  SequenceIdGenerator ids_;
  const RsaPrivateKey wechat_ = *RsaPrivateKey::Parse(Fixture("provider_private_key.pem"));
};

TEST_F(WechatpayProviderTest, APaymentNotificationIsVerifiedOpenedAndDecoded) {
  WechatpayProvider provider = Provider();
  const auto event = provider.ParseEvent(Notify("TRANSACTION.SUCCESS", Paid(990)), clock_.Now());
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->id, "EV-2026120318300001");
  EXPECT_EQ(event->type, "TRANSACTION.SUCCESS");
  EXPECT_EQ(event->kind, app::ProviderEventKind::kCheckoutCompleted);
  EXPECT_TRUE(event->decode_error.empty());
  EXPECT_EQ(event->created, *ParseRfc3339("2026-12-03T18:30:00Z"));
  // The opened resource is what is kept.
  EXPECT_EQ(json::parse(event->payload), Paid(990));
  ASSERT_TRUE(event->checkout.has_value());
  EXPECT_EQ(event->checkout->client_reference_id, "R20261203001");
  EXPECT_EQ(event->checkout->payment_intent_id, "4200000001202612030000000001");
  EXPECT_TRUE(event->checkout->paid);
  // The order's amount, not what the payer paid after a coupon.
  EXPECT_EQ(event->checkout->amount_total, 990);
  EXPECT_EQ(event->checkout->currency, "CNY");
}

TEST_F(WechatpayProviderTest, ARefundNotificationReportsOneRefund) {
  WechatpayProvider provider = Provider();
  const json refund = {{"mchid", "1900000001"},
                       {"out_trade_no", "R20261203001"},
                       {"transaction_id", "4200000001202612030000000001"},
                       {"out_refund_no", "refund-R20261203001-k1"},
                       {"refund_id", "50000000382019052709732678859"},
                       {"refund_status", "SUCCESS"},
                       {"amount", {{"total", 990}, {"refund", 300}, {"payer_refund", 300}}}};
  const auto event = provider.ParseEvent(Notify("REFUND.SUCCESS", refund), clock_.Now());
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->kind, app::ProviderEventKind::kPaymentRefunded);
  ASSERT_TRUE(event->charge.has_value());
  EXPECT_EQ(event->charge->order_no, "R20261203001");
  EXPECT_EQ(event->charge->payment_intent_id, "4200000001202612030000000001");
  EXPECT_EQ(event->charge->refund_id, "50000000382019052709732678859");
  EXPECT_EQ(event->charge->refund_amount, 300);
  EXPECT_EQ(event->charge->amount, 990);
  // A refund that did not succeed is recorded and nothing else.
  json closed = refund;
  closed["refund_status"] = "CLOSED";
  const auto ended = provider.ParseEvent(Notify("REFUND.CLOSED", closed), clock_.Now());
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->kind, app::ProviderEventKind::kOther);
}

TEST_F(WechatpayProviderTest, AnotherMerchantsOrAnUnreadablePaymentIsKeptAsUndecodable) {
  WechatpayProvider other = Provider("1900000002");
  const auto foreign = other.ParseEvent(Notify("TRANSACTION.SUCCESS", Paid(990)), clock_.Now());
  ASSERT_TRUE(foreign.ok());
  EXPECT_NE(foreign->decode_error.find("1900000001"), std::string::npos);
  WechatpayProvider provider = Provider();
  json text_amount = Paid(990);
  text_amount["amount"]["total"] = "9.90";
  const auto unreadable =
      provider.ParseEvent(Notify("TRANSACTION.SUCCESS", text_amount), clock_.Now());
  ASSERT_TRUE(unreadable.ok());
  EXPECT_FALSE(unreadable->decode_error.empty());
  EXPECT_FALSE(unreadable->checkout.has_value());
}

TEST_F(WechatpayProviderTest, NothingIsReadBeforeTheSignatureAndTheResourceHold) {
  WechatpayProvider provider = Provider();
  // Stale either way, by WeChat Pay's 300 s.
  EXPECT_EQ(provider.ParseEvent(Notify("TRANSACTION.SUCCESS", Paid(990), 300), clock_.Now())
                .status()
                .field(),
            "Wechatpay-Timestamp");
  EXPECT_EQ(provider.ParseEvent(Notify("TRANSACTION.SUCCESS", Paid(990), -300), clock_.Now())
                .status()
                .reason(),
            "invalid_signature");
  EXPECT_TRUE(
      provider.ParseEvent(Notify("TRANSACTION.SUCCESS", Paid(990), 299), clock_.Now()).ok());
  // Another key id than the configured one.
  EXPECT_EQ(
      provider
          .ParseEvent(Notify("TRANSACTION.SUCCESS", Paid(990), 0, "PUB_KEY_ID_OTHER"), clock_.Now())
          .status()
          .field(),
      "Wechatpay-Serial");
  // A body altered after signing.
  app::ProviderNotification altered = Notify("TRANSACTION.SUCCESS", Paid(990));
  altered.body.replace(altered.body.find("TRANSACTION.SUCCESS"), 19, "TRANSACTION.SUCCESZ");
  EXPECT_EQ(provider.ParseEvent(altered, clock_.Now()).status().field(), "Wechatpay-Signature");
  // A genuine envelope whose resource the APIv3 key does not open.
  WechatpayOptions options;
  options.mchid = "1900000001";
  options.platform_key_id = std::string(kKeyId);
  options.api_v3_key = "fedcba9876543210fedcba9876543210";
  WechatpayProvider wrong_key(std::move(options),
                              *RsaPrivateKey::Parse(Fixture("app_private_key.pem")),
                              wechat_.PublicKey(), clock_, ids_, "https://credits.example.com");
  EXPECT_EQ(wrong_key.ParseEvent(Notify("TRANSACTION.SUCCESS", Paid(990)), clock_.Now())
                .status()
                .reason(),
            "invalid_signature");
}

TEST_F(WechatpayProviderTest, AnswersAreWechatPaysOwn) {
  WechatpayProvider provider = Provider();
  const auto accepted = provider.Reply(app::NotificationOutcome::kAccepted);
  ASSERT_TRUE(accepted.has_value());
  EXPECT_EQ(accepted->status, 200);
  EXPECT_EQ(accepted->body, "");
  const auto refused = provider.Reply(app::NotificationOutcome::kRejected);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(json::parse(refused->body)["code"], "FAIL");
  EXPECT_EQ(provider.Reply(app::NotificationOutcome::kFailed)->status, 500);
}

TEST(WechatTimeTest, DeadlinesAreInBeijingTime) {
  EXPECT_EQ(FormatWechatTime(*ParseRfc3339("2026-12-03T18:30:05Z")), "2026-12-04T02:30:05+08:00");
  EXPECT_EQ(ParseRfc3339(FormatWechatTime(*ParseRfc3339("2026-12-31T23:59:59Z"))),
            ParseRfc3339("2026-12-31T23:59:59Z"));
}

}  // namespace
}  // namespace creditd::payments::wechatpay
