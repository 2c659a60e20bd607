#include "payments/wechatpay/wechatpay_signature.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "common/strings.h"

namespace creditd::payments::wechatpay {
namespace {

// ../shared/PROTOCOLS-2.md 4.3: the test key of wechatpay-go's verifier tests, which is also the
// key of the certificate that signs PROTOCOLS.md 5.2's full notification vector.
constexpr std::string_view kPublicKey =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2VCTd91fnUn73Xy9DLvt/V62TVxRTEEstVdeRaZ3B3leO0pld"
    "E806mXO4RwdHXagHQ4vGeZN0yqm++rDsGK+U3AH7kejyD2pXshNP9Cq5YwbptiLGtjcquw4HNxJQUOmDeJf2vg6byms9RU"
    "ipiq4SzbJKqJFlUpbuIPDpSpWz10PYmyCNeDGUUK65E5h2B834uxl1zNLYQCrkdBzb8oUxwYeP5a2DNxmjL5lsJML7DGr5"
    "znsevnoqGRwTm9fxCGfy8wus7hwKz6clt3Whmmda7UAdb1c08hEQFVRbF14AR73xbnd8N0obCWJPCbzMCtkaSef4FdEEgE"
    "XJiw0VAJT8wIDAQAB";

// PROTOCOLS.md 5.2, "Full notify" (wechatpay-go core/notify/notify_test.go).
constexpr std::string_view kNotifyBody =
    R"({"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00",)"
    R"("resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":)"
    R"("签约成功","resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM","ciphertext":)"
    R"("YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttev)"
    R"(RMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgS)"
    R"(Lgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":)"
    R"("Kj7QIyUiYx1q"}})";
constexpr std::string_view kNotifySignature =
    "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrV"
    "dG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1"
    "IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2"
    "Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==";
const Timestamp kNotifyTime = FromUnixSeconds(1'624'523'846);

SignedHeaders NotifyHeaders() {
  return {"1624523846", "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz", kNotifySignature, "D7CE59D1F522D701"};
}

TEST(WechatpaySignatureTest, ThePublishedNotificationVerifiesAndItsResourceOpens) {
  const RsaPublicKey key = *RsaPublicKey::Parse(kPublicKey);
  EXPECT_TRUE(
      VerifySigned(key, "D7CE59D1F522D701", NotifyHeaders(), kNotifyBody, kNotifyTime).ok());
  // The resource, with the vector's 16-byte APIv3 key (a real one has 32).
  const auto plaintext =
      OpenResource("testMchAPIv3Key0",
                   "YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+"
                   "X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttev"
                   "RMOoPKMifozg6XPWjIZumks/"
                   "GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgS"
                   "Lgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==",
                   "Kj7QIyUiYx1q", "payscore");
  ASSERT_TRUE(plaintext.ok()) << plaintext.status().ToString();
  EXPECT_EQ(*plaintext, R"({"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c",)"
                        R"("create_time":"2020-06-30T12:12:00+08:00","out_contract_code":)"
                        R"("21640bdbd08e473e828f3206a2741c6e"})");
  EXPECT_EQ(OpenResource("testMchAPIv3Key1", "YDS3lKPaC4Y5", "Kj7QIyUiYx1q", "payscore")
                .status()
                .reason(),
            "invalid_signature");
  EXPECT_EQ(
      OpenResource("testMchAPIv3Key0", "not base64!", "Kj7QIyUiYx1q", "payscore").status().field(),
      "resource.ciphertext");
  // utils/aes_test.go.
  EXPECT_EQ(OpenResource("testAPIv3Key0000", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC", "wCq51qZv4Yfg",
                         "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8")
                .value(),
            "Hello World");
}

TEST(WechatpaySignatureTest, OnlyTheConfiguredKeyAGenuineSignatureAndAFreshTimestampPass) {
  const RsaPublicKey key = *RsaPublicKey::Parse(kPublicKey);
  // Another body, or the same with one byte changed.
  std::string altered(kNotifyBody);
  altered[altered.find("签约成功")] = 'x';
  EXPECT_EQ(VerifySigned(key, "D7CE59D1F522D701", NotifyHeaders(), altered, kNotifyTime).field(),
            "Wechatpay-Signature");
  // A serial that is not the configured key id, or none: never verified with a key it names.
  SignedHeaders headers = NotifyHeaders();
  EXPECT_EQ(VerifySigned(key, "PUB_KEY_ID_0114232134912410000000000000", headers, kNotifyBody,
                         kNotifyTime)
                .field(),
            "Wechatpay-Serial");
  headers.serial = "";
  EXPECT_EQ(VerifySigned(key, "", headers, kNotifyBody, kNotifyTime).field(), "Wechatpay-Serial");
  // WeChat Pay's probes.
  headers = NotifyHeaders();
  headers.signature = "WECHATPAY/SIGNTEST/tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm";
  EXPECT_EQ(VerifySigned(key, "D7CE59D1F522D701", headers, kNotifyBody, kNotifyTime).field(),
            "Wechatpay-Signature");
  // 299 s either way passes; 300 s either way does not.
  for (const int64_t seconds : {-299, 299}) {
    EXPECT_TRUE(VerifySigned(key, "D7CE59D1F522D701", NotifyHeaders(), kNotifyBody,
                             kNotifyTime + std::chrono::seconds(seconds))
                    .ok())
        << seconds;
  }
  for (const int64_t seconds : {-300, 300, 86400}) {
    EXPECT_EQ(VerifySigned(key, "D7CE59D1F522D701", NotifyHeaders(), kNotifyBody,
                           kNotifyTime + std::chrono::seconds(seconds))
                  .field(),
              "Wechatpay-Timestamp")
        << seconds;
  }
  headers = NotifyHeaders();
  headers.timestamp = "16245238x6";
  EXPECT_EQ(VerifySigned(key, "D7CE59D1F522D701", headers, kNotifyBody, kNotifyTime).field(),
            "Wechatpay-Timestamp");
}

TEST(WechatpaySignatureTest, PublicKeyModeVector) {
  // PROTOCOLS-2.md 4.3: the message "source" under key id F5765756002FDD77.
  const RsaPublicKey key = *RsaPublicKey::Parse(kPublicKey);
  EXPECT_TRUE(key.VerifySha256(
      "source",
      *Base64Decode("BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXu"
                    "oVz+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vf"
                    "pxrMT4SL536GLwvpUHlCqIMzoZUguLli/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfD"
                    "GPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj1aJGH6/L+hdwfLpUt"
                    "Jm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==")));
}

std::string Fixture(const char* name) {
  std::ifstream in(std::string(CREDITD_TEST_KEYS) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(WechatpaySignatureTest, RequestsAreSignedOverMethodUrlTimeNonceAndBody) {
  EXPECT_EQ(RequestMessage("GET", "/v3/pay/transactions/out-trade-no/R1?mchid=1900000001",
                           1'700'000'000, "N0NCE", ""),
            "GET\n/v3/pay/transactions/out-trade-no/R1?mchid=1900000001\n1700000000\nN0NCE\n\n");
  // The merchant key of these tests.
  const RsaPrivateKey merchant = *RsaPrivateKey::Parse(Fixture("app_private_key.pem"));
  const std::string body = R"({"appid":"wx1","mchid":"1900000001"})";
  const std::string header =
      Authorization(merchant, "1900000001", "5157F09EFDC096DE", "POST",
                    "/v3/pay/transactions/native", 1'700'000'000, "N0NCE", body);
  const std::string prefix =
      R"(WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="N0NCE",timestamp="1700000000",)"
      R"(serial_no="5157F09EFDC096DE",signature=")";
  ASSERT_EQ(header.rfind(prefix, 0), 0U) << header;
  const std::string signature = header.substr(prefix.size(), header.size() - prefix.size() - 1);
  EXPECT_TRUE(merchant.PublicKey().VerifySha256(
      RequestMessage("POST", "/v3/pay/transactions/native", 1'700'000'000, "N0NCE", body),
      *Base64Decode(signature)));
}

}  // namespace
}  // namespace creditd::payments::wechatpay
