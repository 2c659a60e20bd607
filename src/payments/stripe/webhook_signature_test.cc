#include "payments/stripe/webhook_signature.h"

#include <limits>

#include <gtest/gtest.h>

namespace creditd::payments::stripe {
namespace {

constexpr char kPublicSignature[] =
    "f89c0a0e96fa6304a7ebd5ecaf13bc1beb859577cd7cafb7bdbc43c3bc2f6afa";

TEST(StripeSignatureTest, MatchesTheVectorsOfProtocolsSection41) {
  EXPECT_EQ(ComputeSignature("secret", 123, "hello"), kPublicSignature);
  EXPECT_EQ(ComputeSignature("whsec_test_secret", 1700000000,
                             R"({"id":"evt_test_webhook","object":"event"})"),
            "d95c6b7477fbd7e9f90b1b0ef5f9c7ac25abca5382460e0d988c2b2a5b71b990");
}

TEST(StripeSignatureTest, AcceptsAnyMatchingV1AndRejectsTheRest) {
  const Timestamp at = FromUnixSeconds(123);
  const std::string good = std::string("t=123,v1=") + kPublicSignature;
  EXPECT_TRUE(VerifySignature(good, "hello", "secret", at).ok());
  // Several v1 (a rolled secret): any match is enough; v0 is ignored.
  EXPECT_TRUE(VerifySignature(std::string("t=123,v1=deadbeef,v1=") + kPublicSignature + ",v0=x",
                              "hello", "secret", at)
                  .ok());
  const Status tampered = VerifySignature(good, "hello!", "secret", at);
  EXPECT_EQ(tampered.reason(), "invalid_signature");
  EXPECT_EQ(tampered.field(), "Stripe-Signature");
  EXPECT_FALSE(VerifySignature(good, "hello", "other-secret", at).ok());
  // Only v1 counts (downgrade protection).
  EXPECT_FALSE(
      VerifySignature(std::string("t=123,v0=") + kPublicSignature, "hello", "secret", at).ok());
}

TEST(StripeSignatureTest, RefusesMissingPartsAndTimestampsOutsideTheToleranceEitherWay) {
  for (const char* header : {"", "v1=abc", "t=123", "t=abc,v1=abc", "garbage"}) {
    EXPECT_EQ(VerifySignature(header, "hello", "secret", FromUnixSeconds(123)).reason(),
              "invalid_signature")
        << header;
  }
  const std::string good = std::string("t=123,v1=") + kPublicSignature;
  EXPECT_TRUE(VerifySignature(good, "hello", "secret", FromUnixSeconds(123 + 300)).ok());
  EXPECT_FALSE(VerifySignature(good, "hello", "secret", FromUnixSeconds(123 + 301)).ok());
  // Signed for later: within the tolerance a clock skew, beyond it refused.
  EXPECT_TRUE(VerifySignature(good, "hello", "secret", FromUnixSeconds(123 - 300)).ok());
  EXPECT_EQ(VerifySignature(good, "hello", "secret", FromUnixSeconds(123 - 301)).reason(),
            "invalid_signature");
  // Tolerance 0 skips the age check, like stripe-node's verifyHeader.
  EXPECT_TRUE(
      VerifySignature(good, "hello", "secret", FromUnixSeconds(999999), std::chrono::seconds(0))
          .ok());
}

// Found by tests/fuzz/stripe_signature_fuzz.cc: the age of a correctly signed but absurd t
// overflowed int64 (undefined behaviour) instead of being refused.
TEST(StripeSignatureTest, RefusesTimestampsAtTheInt64Edges) {
  const Timestamp now = FromUnixSeconds(1'700'000'000);
  for (const int64_t t :
       {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::min() + 1'700'000'000}) {
    const std::string header = "t=" + std::to_string(t) + ",v1=" + ComputeSignature("s", t, "b");
    EXPECT_EQ(VerifySignature(header, "b", "s", now).reason(), "invalid_signature") << t;
  }
  const int64_t future = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(
      VerifySignature("t=" + std::to_string(future) + ",v1=" + ComputeSignature("s", future, "b"),
                      "b", "s", now)
          .reason(),
      "invalid_signature");
}

}  // namespace
}  // namespace creditd::payments::stripe
