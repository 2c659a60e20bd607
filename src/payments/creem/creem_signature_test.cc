#include "payments/creem/creem_signature.h"

#include <gtest/gtest.h>

namespace creditd::payments::creem {
namespace {

// The Standard Webhooks specification's published example (secret, id, timestamp, payload and
// signature), which Creem's SDK verifies with the same rule.
constexpr std::string_view kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kSpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kSpecTimestamp = 1614265330;
constexpr std::string_view kSpecBody = R"({"test": 2432232314})";
constexpr std::string_view kSpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

Timestamp At(int64_t seconds) {
  return FromUnixSeconds(seconds);
}

TEST(CreemSignatureTest, MatchesTheStandardWebhooksVector) {
  EXPECT_EQ(StandardSignature(kSpecSecret, kSpecId, kSpecTimestamp, kSpecBody), kSpecSignature);
  const std::string timestamp = std::to_string(kSpecTimestamp);
  const WebhookHeaders headers{kSpecId, timestamp, kSpecSignature, ""};
  const auto scheme = VerifyWebhook(kSpecSecret, headers, kSpecBody, At(kSpecTimestamp + 10));
  ASSERT_TRUE(scheme.ok()) << scheme.status().ToString();
  EXPECT_EQ(*scheme, WebhookScheme::kStandard);
}

TEST(CreemSignatureTest, MatchesTheLegacyVectorOfCreemsTests) {
  // PROTOCOLS-2.md 2.8: the secret and event of creem_io's webhooks.test.ts.
  const std::string body =
      R"({"id":"evt_123","eventType":"checkout.completed","created_at":1700000000,)"
      R"("object":{"object":"checkout","id":"obj_123","mode":"test"}})";
  EXPECT_EQ(LegacySignature("whsec_test_secret_123", body),
            "a02c81bd26c574f1d0109590169ddab132635b5c1ad08a31d8cb305a2908c71f");
  for (const std::string_view header :
       {"a02c81bd26c574f1d0109590169ddab132635b5c1ad08a31d8cb305a2908c71f",
        "sha256=A02C81BD26C574F1D0109590169DDAB132635B5C1AD08A31D8CB305A2908C71F"}) {
    const auto scheme =
        VerifyWebhook("whsec_test_secret_123", WebhookHeaders{"", "", "", header}, body, At(0));
    ASSERT_TRUE(scheme.ok()) << header;
    EXPECT_EQ(*scheme, WebhookScheme::kLegacy);
  }
  EXPECT_FALSE(
      VerifyWebhook("whsec_other",
                    WebhookHeaders{"", "", "", LegacySignature("whsec_test_secret_123", body)},
                    body, At(0))
          .ok());
}

TEST(CreemSignatureTest, RefusesTimestampsMoreThanFiveMinutesAwayEitherWay) {
  const std::string timestamp = std::to_string(kSpecTimestamp);
  const WebhookHeaders headers{kSpecId, timestamp, kSpecSignature, ""};
  EXPECT_TRUE(VerifyWebhook(kSpecSecret, headers, kSpecBody, At(kSpecTimestamp + 300)).ok());
  EXPECT_TRUE(VerifyWebhook(kSpecSecret, headers, kSpecBody, At(kSpecTimestamp - 300)).ok());
  for (const int64_t now : {kSpecTimestamp + 301, kSpecTimestamp - 301}) {
    const auto refused = VerifyWebhook(kSpecSecret, headers, kSpecBody, At(now));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().reason(), "invalid_signature");
    EXPECT_EQ(refused.status().field(), "webhook-timestamp");
  }
}

TEST(CreemSignatureTest, RefusesAlteredMessagesAndMissingHeaders) {
  const std::string timestamp = std::to_string(kSpecTimestamp);
  const Timestamp now = At(kSpecTimestamp);
  // The body, the id or the timestamp changed after signing.
  EXPECT_FALSE(VerifyWebhook(kSpecSecret, {kSpecId, timestamp, kSpecSignature, ""},
                             R"({"test": 2432232315})", now)
                   .ok());
  EXPECT_FALSE(
      VerifyWebhook(kSpecSecret, {"msg_other", timestamp, kSpecSignature, ""}, kSpecBody, now)
          .ok());
  const std::string later = std::to_string(kSpecTimestamp + 1);
  EXPECT_FALSE(
      VerifyWebhook(kSpecSecret, {kSpecId, later, kSpecSignature, ""}, kSpecBody, now).ok());
  // Another version's entry, and a list in which one v1 entry matches.
  const std::string v2 = "v2," + std::string(kSpecSignature.substr(3));
  EXPECT_FALSE(VerifyWebhook(kSpecSecret, {kSpecId, timestamp, v2, ""}, kSpecBody, now).ok());
  const std::string list = "v1,bm90IGl0 " + std::string(kSpecSignature);
  EXPECT_TRUE(VerifyWebhook(kSpecSecret, {kSpecId, timestamp, list, ""}, kSpecBody, now).ok());
  // A timestamp that is not Unix seconds; no headers at all.
  EXPECT_FALSE(
      VerifyWebhook(kSpecSecret, {kSpecId, "1614265330.0", kSpecSignature, ""}, kSpecBody, now)
          .ok());
  const auto none = VerifyWebhook(kSpecSecret, {}, kSpecBody, now);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().reason(), "invalid_signature");
  // Padding is optional in the secret, as for the SDK; far-off timestamps do not overflow.
  EXPECT_TRUE(VerifyWebhook(std::string(kSpecSecret) + "=",
                            {kSpecId, timestamp, kSpecSignature, ""}, kSpecBody, now)
                  .ok());
  EXPECT_TRUE(IsStandardSecret(kSpecSecret));
  EXPECT_FALSE(IsStandardSecret("whsec_test_secret_123"));
  EXPECT_FALSE(VerifyWebhook(kSpecSecret, {kSpecId, "-9223372036854775808", kSpecSignature, ""},
                             kSpecBody, now)
                   .ok());
  // A secret that is not base64 cannot verify a Standard Webhooks signature.
  EXPECT_FALSE(
      VerifyWebhook("whsec_not*base64", {kSpecId, timestamp, kSpecSignature, ""}, kSpecBody, now)
          .ok());
}

}  // namespace
}  // namespace creditd::payments::creem
