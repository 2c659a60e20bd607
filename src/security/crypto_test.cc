#include "security/crypto.h"

#include <gtest/gtest.h>

#include "common/strings.h"

namespace creditd::security {
namespace {

TEST(CryptoTest, Sha256MatchesTheKnownVector) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CryptoTest, HmacSha256MatchesStripesPublishedVector) {
  // PROTOCOLS.md 4.1: secret "secret", signed payload "123.hello".
  EXPECT_EQ(HexEncode(HmacSha256("secret", "123.hello")),
            "f89c0a0e96fa6304a7ebd5ecaf13bc1beb859577cd7cafb7bdbc43c3bc2f6afa");
}

TEST(CryptoTest, Base64UrlRoundTripsEveryLength) {
  const std::string bytes = RandomBytes(64);
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const std::string data = bytes.substr(0, n);
    const std::string encoded = Base64UrlEncode(data);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(encoded), data);
  }
}

TEST(CryptoTest, Base64UrlRejectsPaddingForeignCharactersAndNonCanonicalTails) {
  EXPECT_FALSE(Base64UrlDecode("YQ==").has_value());
  EXPECT_FALSE(Base64UrlDecode("a+b/").has_value());
  EXPECT_FALSE(Base64UrlDecode("Y").has_value());
  EXPECT_FALSE(Base64UrlDecode("YR").has_value());  // Non-zero leftover bits.
  EXPECT_EQ(Base64UrlDecode("YQ"), "a");
}

TEST(CryptoTest, ConstantTimeEqualsComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

TEST(CryptoTest, Base64MatchesRfc4648) {
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
  const std::string bytes = RandomBytes(64);
  for (size_t n = 0; n <= bytes.size(); ++n) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes.substr(0, n))), bytes.substr(0, n));
  }
}

TEST(CryptoTest, Base64RejectsMissingOrMisplacedPaddingAndForeignCharacters) {
  EXPECT_FALSE(Base64Decode("Zg").has_value());      // Padding missing.
  EXPECT_FALSE(Base64Decode("Zg=").has_value());     // Short.
  EXPECT_FALSE(Base64Decode("Z===").has_value());    // Three `=`.
  EXPECT_FALSE(Base64Decode("Zg=a").has_value());    // `=` inside.
  EXPECT_FALSE(Base64Decode("Zh==").has_value());    // Non-zero leftover bits.
  EXPECT_FALSE(Base64Decode("-_8=").has_value());    // The URL alphabet.
  EXPECT_FALSE(Base64Decode("Zm9v\n").has_value());  // Whitespace.
}

TEST(CryptoTest, Md5MatchesEPaysPublishedAndComputedVectors) {
  // ../shared/PROTOCOLS-2.md 1.8: md5(sorted "k=v&..." + merchant key), lower-case hex.
  EXPECT_EQ(HexEncode(Md5("device=devicev&money=moneyv1234567")),
            "3854cc9f022e0fb821bd2e002260245d");
  const std::string notify =
      "money=1&name=VIP会员&out_trade_no=20160806151343349&pid=1001&trade_no="
      "20160806151343349021&trade_status=TRADE_SUCCESS&type=alipay";
  const std::string key = "89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i";
  EXPECT_EQ(HexEncode(Md5(notify + key)), "d234c00c90982004526450b6a5e31089");
}

TEST(CryptoTest, HmacSha256MatchesCreemsWebhookVector) {
  // ../shared/PROTOCOLS-2.md 2.8.
  EXPECT_EQ(HexEncode(HmacSha256(
                "whsec_test_secret_123",
                R"({"id":"evt_123","eventType":"checkout.completed","created_at":1700000000,)"
                R"("object":{"object":"checkout","id":"obj_123","mode":"test"}})")),
            "a02c81bd26c574f1d0109590169ddab132635b5c1ad08a31d8cb305a2908c71f");
}

TEST(CryptoTest, AesGcmOpensWeChatPaysResourcesAndRefusesAlteredOnes) {
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
}  // namespace creditd::security
