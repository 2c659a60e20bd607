// Fuzzes Creem's notification (payments/creem/creem_provider.h) as it arrives: the signature
// headers and the body, before anything is trusted, and the decoding of a genuine event.
//   - Input "S\n<body>": the target signs the body as Creem would (Standard Webhooks, at the
//     fuzzing clock's time), so the event decoder behind the signature is fuzzed: the result is
//     an event or malformed_json, never anything else, and an event always has an id and a type;
//     a payment it reports is a paid one-time checkout naming its order and transaction.
//   - Input "webhook-id\nwebhook-timestamp\nwebhook-signature\ncreem-signature\nbody": whatever
//     headers are given, ParseEvent refuses (invalid_signature or malformed_json) unless one of
//     them is the signature of the body, which only the secret's holder can make.
#include <string>
#include <string_view>

#include "common/strings.h"
#include "fuzz/fuzz_support.h"
#include "payments/creem/creem_provider.h"
#include "payments/creem/creem_signature.h"

namespace {

using creditd::fuzz::Quote;
namespace creem = creditd::payments::creem;

// The Standard Webhooks specification's example secret.
constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr int64_t kNow = 1'796'300'000;

creem::CreemProvider& Provider() {
  static creem::CreemProvider provider = [] {
    creem::CreemOptions options;
    options.api_key = "creem_test_key";
    options.webhook_secret = std::string(kSecret);
    options.product_id = "prod_1";
    return creem::CreemProvider(std::move(options), "https://x.example");
  }();
  return provider;
}

void CheckEvent(const creditd::Result<creditd::app::ProviderEvent>& event, std::string_view text) {
  if (!event.ok()) {
    const std::string_view reason = event.status().reason();
    CREDITD_FUZZ_EXPECT(reason == "invalid_signature" || reason == "malformed_json",
                        event.status().ToString());
    return;
  }
  CREDITD_FUZZ_EXPECT(!event->id.empty() && !event->type.empty(), Quote(text));
  if (event->kind == creditd::app::ProviderEventKind::kCheckoutCompleted) {
    CREDITD_FUZZ_EXPECT(event->checkout && !event->checkout->client_reference_id.empty() &&
                            (!event->checkout->paid || !event->checkout->payment_intent_id.empty()),
                        Quote(text));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = creditd::fuzz::AsText(data, size);
  creditd::app::ProviderNotification notification;
  notification.method = "POST";
  const creditd::Timestamp now = creditd::FromUnixSeconds(kNow);
  if (text.starts_with("S\n")) {
    notification.body = std::string(text.substr(2));
    notification.headers = {
        {"webhook-id", "msg_1"},
        {"webhook-timestamp", std::to_string(kNow)},
        {"webhook-signature", creem::StandardSignature(kSecret, "msg_1", kNow, notification.body)}};
    const auto event = Provider().ParseEvent(notification, now);
    CREDITD_FUZZ_EXPECT(event.ok() || event.status().reason() == "malformed_json",
                        event.status().ToString());
    CheckEvent(event, text);
    return 0;
  }
  std::string_view rest = text;
  std::string_view fields[4];
  for (auto& field : fields) {
    const size_t end = rest.find('\n');
    if (end == std::string_view::npos) {
      return 0;
    }
    field = rest.substr(0, end);
    rest.remove_prefix(end + 1);
  }
  notification.body = std::string(rest);
  notification.headers = {{"webhook-id", std::string(fields[0])},
                          {"webhook-timestamp", std::string(fields[1])},
                          {"webhook-signature", std::string(fields[2])},
                          {"creem-signature", std::string(fields[3])}};
  const auto event = Provider().ParseEvent(notification, now);
  CheckEvent(event, text);
  if (event.ok()) {
    // Only a real signature of this body verifies.
    const bool standard =
        fields[2].find(creem::StandardSignature(kSecret, fields[0], kNow, notification.body)) !=
        std::string_view::npos;
    const bool legacy = creditd::ToLowerAscii(fields[3]).find(creem::LegacySignature(
                            kSecret, notification.body)) != std::string::npos;
    CREDITD_FUZZ_EXPECT(standard || legacy, Quote(text));
  }
  return 0;
}
