#include "payments/common/provider_crypto.h"

#include <memory>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "common/strings.h"

namespace creditd::payments {
namespace {

std::string Decoded(std::string_view base64) {
  std::optional<std::string> bytes = Base64Decode(base64);
  EXPECT_TRUE(bytes.has_value()) << base64;
  return bytes.value_or("");
}

// ../shared/PROTOCOLS.md 5.1: Alipay's public key and a payment notification it signed
// (alipay-sdk-nodejs-all test "verify sign should delete sign_type").
constexpr std::string_view kAlipayPublicKey =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqObrdC7hrgAVM98tK0nv3hSQRGGKT4lBsQjHiGjeYZjOPIPHR5"
    "knm2jnnz/YGIXIofVHkA/tAlBAd5DrY7YpvI4tP5EONLtZKC2ghBMx7McI2wRD0xiqzxOQr1FuhZGJ8/AUokBzJrzY+aG"
    "X2xcOrxFYRlFilvVLTXg4LWjR1tdPkO6+i7wQZAIVMClPkwVRZEbaERRHlKqTzv2gGv5rDU8gRoe1LeaN+6BlbTqHWkQcN"
    "CUNrA8C6l17XAXGKDsm/9TFWwO8EPHHHCaQdjtV5/FdcWIt+L8SR1ss7EXTjYDFtxcKVv9rEoY1lX8T4mX+GbXfZHraG5N"
    "CF1+XioL5JwIDAQAB";
constexpr std::string_view kAlipayNotifyFirst =
    "app_id=2019073166072302&auth_app_id=2019073166072302&buyer_id=2088102534368455&buyer_logon_id="
    "xud***@126.com&buyer_pay_amount=0.10&charset=utf-8&fund_bill_list=[{\"amount\":\"0.10\","
    "\"fundChannel\":\"ALIPAYACCOUNT\"}]&gmt_create=2019-08-15 15:56:22&gmt_payment=2019-08-15 "
    "15:56:24&invoice_amount=0.10&notify_id=2019081500222155624068450559358070&notify_time=2019-08-"
    "15 15:56:25&notify_type=trade_status_sync&out_trade_no=20190815155618536-564-57&point_amount="
    "0.00&receipt_amount=0.10&seller_email=z97-yuquerevenue@service.aliyun.com&seller_id="
    "2088531891668739&";
constexpr std::string_view kAlipayNotifyRest =
    "subject=语雀空间 500人规模&total_amount=0.10&trade_no=2019081522001468450512505578&"
    "trade_status=TRADE_SUCCESS&version=1.0";
constexpr std::string_view kAlipaySign =
    "QfTb8tqE1BMhS5qAnXtvsF3/jBkEvu9q9en0pdbBUDDjvKycZhQb7h8GDs4FKfi049PynaNuatxSgLb/"
    "nLWZpXyyh0LEWdK"
    "2S6Ri7nPwrVgOs08zugLO20vOQz44y3ti2Ncm8/wZts1Fr2gZ7pShnVX3d1B50hbsXnObT1r/U8ONNQjWXd0HIul4TG+Q3"
    "fm3svmSvFEy0WnzuhcyHPX5Gm4ELNctL6Qd5YniGJFNcc7kopHYtI/XD9YCKCH6Ct02rzUs9i11C9CsadtZn+WhxF26Dqt"
    "9sGEFajkJ8cxUTLi8+VCpLHsgPE8P0y095uQcDdK0YjCh4x7wVSov+lrmOQ==";

TEST(ProviderCryptoTest, AlipaysSignedNotificationVerifiesWithItsPublicKeyAndSignTypeLeftOut) {
  const Result<RsaPublicKey> key = RsaPublicKey::Parse(kAlipayPublicKey);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const std::string signed_text = std::string(kAlipayNotifyFirst) + std::string(kAlipayNotifyRest);
  EXPECT_TRUE(key->VerifySha256(signed_text, Decoded(kAlipaySign)));
  // The V1 rule: `sign_type` is not part of what was signed.
  EXPECT_FALSE(key->VerifySha256(
      std::string(kAlipayNotifyFirst) + "sign_type=RSA2&" + std::string(kAlipayNotifyRest),
      Decoded(kAlipaySign)));
  // Another amount is another message.
  std::string altered = signed_text;
  altered.replace(altered.find("total_amount=0.10"), 17, "total_amount=9.10");
  EXPECT_FALSE(key->VerifySha256(altered, Decoded(kAlipaySign)));
}

TEST(ProviderCryptoTest, WeChatPayPublicKeyModeVector) {
  // ../shared/PROTOCOLS-2.md 4.3 (wechatpay-go's verifier tests, key id F5765756002FDD77).
  const Result<RsaPublicKey> key = RsaPublicKey::Parse(
      "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2VCTd91fnUn73Xy9DLvt/V62TVxRTEEstVdeRaZ3B3leO0pl"
      "dE806mXO4RwdHXagHQ4vGeZN0yqm++rDsGK+U3AH7kejyD2pXshNP9Cq5YwbptiLGtjcquw4HNxJQUOmDeJf2vg6byms"
      "9RUipiq4SzbJKqJFlUpbuIPDpSpWz10PYmyCNeDGUUK65E5h2B834uxl1zNLYQCrkdBzb8oUxwYeP5a2DNxmjL5lsJML"
      "7"
      "DGr5znsevnoqGRwTm9fxCGfy8wus7hwKz6clt3Whmmda7UAdb1c08hEQFVRbF14AR73xbnd8N0obCWJPCbzMCtkaSef4"
      "F"
      "dEEgEXJiw0VAJT8wIDAQAB");
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  const std::string signature = Decoded(
      "BKyAfU4iMCuvXMXS0Wzam3V/"
      "cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoVz+pp4hAm6pHU4l"
      "d815U4jsKu1RkyaII+"
      "1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLli"
      "/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/"
      "RAJbknXG23b"
      "SlObuTCN7Ndj1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==");
  EXPECT_TRUE(key->VerifySha256("source", signature));
  EXPECT_FALSE(key->VerifySha256("wrong source", signature));
  EXPECT_FALSE(key->VerifySha256("source", "WECHATPAY/SIGNTEST/"));
  EXPECT_FALSE(key->VerifySha256("source", ""));
}

// A fresh key in every form providers hand out.
struct GeneratedKey {
  std::string pkcs8_pem;
  std::string pkcs1_pem;
  std::string pkcs8_base64;
  std::string public_pem;
};

std::string PemOf(EVP_PKEY* key, bool pkcs1, bool public_only) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (public_only) {
    PEM_write_bio_PUBKEY(bio, key);
  } else if (pkcs1) {
    // The traditional "RSA PRIVATE KEY" form.
    PEM_write_bio_PrivateKey_traditional(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  } else {
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  return pem;
}

GeneratedKey Generate(unsigned int bits) {
  EVP_PKEY* key = EVP_RSA_gen(bits);
  GeneratedKey out;
  out.pkcs8_pem = PemOf(key, false, false);
  out.pkcs1_pem = PemOf(key, true, false);
  out.public_pem = PemOf(key, false, true);
  unsigned char* der = nullptr;
  const int size = i2d_PrivateKey(key, &der);
  out.pkcs8_base64 =
      Base64Encode(std::string(reinterpret_cast<char*>(der), static_cast<size_t>(size)));
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  return out;
}

TEST(ProviderCryptoTest, WhatAPrivateKeySignsItsPublicKeyVerifiesInEveryFormProvidersUse) {
  const GeneratedKey generated = Generate(2048);
  const Result<RsaPublicKey> public_key = RsaPublicKey::Parse(generated.public_pem);
  ASSERT_TRUE(public_key.ok()) << public_key.status().ToString();
  for (const std::string& text :
       {generated.pkcs8_pem, generated.pkcs1_pem, generated.pkcs8_base64}) {
    const Result<RsaPrivateKey> private_key = RsaPrivateKey::Parse(text);
    ASSERT_TRUE(private_key.ok()) << private_key.status().ToString();
    const std::string message =
        "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n";
    const std::string signature = private_key->SignSha256(message);
    EXPECT_EQ(signature.size(), 256U);
    EXPECT_EQ(private_key->SignSha256(message), signature);  // PKCS#1 v1.5 is deterministic.
    EXPECT_TRUE(public_key->VerifySha256(message, signature));
    EXPECT_TRUE(private_key->PublicKey().VerifySha256(message, signature));
    EXPECT_FALSE(public_key->VerifySha256(message + "x", signature));
  }
  // A pasted base64 key keeps its line breaks.
  std::string wrapped = generated.pkcs8_base64;
  wrapped.insert(64, "\n");
  EXPECT_TRUE(RsaPrivateKey::Parse(wrapped).ok());
}

TEST(ProviderCryptoTest, KeysThatAreNotRsaOf2048BitsOrMoreAreRefused) {
  const GeneratedKey weak = Generate(1024);
  const Result<RsaPrivateKey> short_key = RsaPrivateKey::Parse(weak.pkcs8_pem);
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.status().reason(), "config_invalid");
  EXPECT_NE(short_key.status().message().find("2048"), std::string::npos);
  EXPECT_FALSE(RsaPublicKey::Parse(weak.public_pem).ok());

  EVP_PKEY* ec = EVP_EC_gen("P-256");
  const std::string ec_pem = PemOf(ec, false, true);
  EVP_PKEY_free(ec);
  const Result<RsaPublicKey> not_rsa = RsaPublicKey::Parse(ec_pem);
  ASSERT_FALSE(not_rsa.ok());
  EXPECT_NE(not_rsa.status().message().find("not an RSA key"), std::string::npos);

  EXPECT_EQ(RsaPublicKey::Parse("not a key").status().reason(), "config_invalid");
  EXPECT_EQ(RsaPrivateKey::Parse("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .status()
                .reason(),
            "config_invalid");
}

TEST(ProviderCryptoTest, Base64MatchesRfc4648) {
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"},
                                                                   {"\xfb\xff", "+/8="}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    EXPECT_EQ(Base64Decode(encoded), std::string(plain));
  }
  std::string bytes;
  for (int i = 0; i < 64; ++i) {
    bytes += static_cast<char>(i * 37 + 11);
  }
  for (size_t n = 0; n <= bytes.size(); ++n) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes.substr(0, n))), bytes.substr(0, n));
  }
}

TEST(ProviderCryptoTest, Base64RejectsMissingOrMisplacedPaddingAndForeignCharacters) {
  EXPECT_FALSE(Base64Decode("Zg").has_value());      // Padding missing.
  EXPECT_FALSE(Base64Decode("Zg=").has_value());     // Short.
  EXPECT_FALSE(Base64Decode("Z===").has_value());    // Three `=`.
  EXPECT_FALSE(Base64Decode("Zg=a").has_value());    // `=` inside.
  EXPECT_FALSE(Base64Decode("Zh==").has_value());    // Non-zero leftover bits.
  EXPECT_FALSE(Base64Decode("-_8=").has_value());    // The URL alphabet.
  EXPECT_FALSE(Base64Decode("Zm9v\n").has_value());  // Whitespace.
}

TEST(ProviderCryptoTest, Md5MatchesEPaysPublishedAndComputedVectors) {
  // ../shared/PROTOCOLS-2.md 1.8: md5(sorted "k=v&..." + merchant key), lower-case hex.
  EXPECT_EQ(HexEncode(Md5("device=devicev&money=moneyv1234567")),
            "3854cc9f022e0fb821bd2e002260245d");
  const std::string notify =
      "money=1&name=VIP会员&out_trade_no=20160806151343349&pid=1001&trade_no="
      "20160806151343349021&trade_status=TRADE_SUCCESS&type=alipay";
  const std::string key = "89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i";
  EXPECT_EQ(HexEncode(Md5(notify + key)), "d234c00c90982004526450b6a5e31089");
}

TEST(ProviderCryptoTest, HmacSha256MatchesCreemsWebhookVector) {
  // ../shared/PROTOCOLS-2.md 2.8.
  EXPECT_EQ(HexEncode(HmacSha256(
                "whsec_test_secret_123",
                R"({"id":"evt_123","eventType":"checkout.completed","created_at":1700000000,)"
                R"("object":{"object":"checkout","id":"obj_123","mode":"test"}})")),
            "a02c81bd26c574f1d0109590169ddab132635b5c1ad08a31d8cb305a2908c71f");
}

TEST(ProviderCryptoTest, AesGcmOpensWeChatPaysResourcesAndRefusesAlteredOnes) {
  // ../shared/PROTOCOLS.md 5.2: wechatpay-go's vectors (16-byte test keys, so AES-128-GCM; a
  // real APIv3 key is 32 bytes).
  const std::string small = Base64Decode("FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC").value();
  EXPECT_EQ(
      AesGcmOpen("testAPIv3Key0000", "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8", small)
          .value(),
      "Hello World");
  const std::string resource = Base64Decode(
                                   "YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+"
                                   "X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZt"
                                   "tevRMOoPKMifozg6XPWjIZumks/"
                                   "GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvP"
                                   "qOTOcgSLgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==")
                                   .value();
  EXPECT_EQ(AesGcmOpen("testMchAPIv3Key0", "Kj7QIyUiYx1q", "payscore", resource).value(),
            R"({"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c",)"
            R"("create_time":"2020-06-30T12:12:00+08:00",)"
            R"("out_contract_code":"21640bdbd08e473e828f3206a2741c6e"})");

  std::string altered = resource;
  altered[3] = static_cast<char>(altered[3] ^ 1);
  EXPECT_EQ(AesGcmOpen("testMchAPIv3Key0", "Kj7QIyUiYx1q", "payscore", altered).status().reason(),
            "invalid_signature");
  EXPECT_EQ(AesGcmOpen("testMchAPIv3Key0", "Kj7QIyUiYx1q", "other", resource).status().reason(),
            "invalid_signature");
  EXPECT_EQ(AesGcmOpen("testMchAPIv3Key1", "Kj7QIyUiYx1q", "payscore", resource).status().reason(),
            "invalid_signature");
  EXPECT_EQ(AesGcmOpen("short", "Kj7QIyUiYx1q", "payscore", resource).status().reason(),
            "config_invalid");
  EXPECT_EQ(
      AesGcmOpen("testMchAPIv3Key0", "Kj7QIyUiYx1q", "payscore", "tooshort").status().reason(),
      "invalid_signature");
}

}  // namespace
}  // namespace creditd::payments
