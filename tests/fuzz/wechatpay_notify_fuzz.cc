// Fuzzes WeChat Pay's notification (payments/wechatpay/wechatpay_provider.h) as it arrives: the
// four Wechatpay-* headers and the body, before anything is trusted.
//   - ParseEvent never accepts a message it cannot verify: the only input that passes is the
//     published notification of ../shared/PROTOCOLS.md 5.2 with its own signature, timestamp,
//     nonce and key id (nobody but the key's owner can sign another);
//   - what is refused is refused as invalid_signature or malformed_json, never anything else;
//   - the accepted one opens with the APIv3 key and decodes to its event (PAYSCORE.*, which
//     creditd records and does not act on).
//
// Input: "timestamp\nnonce\nsignature\nserial\nbody" (the body may hold further newlines).
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "common/strings.h"
#include "fuzz/fuzz_support.h"
#include "payments/wechatpay/wechatpay_provider.h"

namespace {

using creditd::fuzz::Quote;

// The vector's key (PROTOCOLS-2.md 4.3) and the notification it signs (PROTOCOLS.md 5.2).
constexpr std::string_view kPublicKey =
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2VCTd91fnUn73Xy9DLvt/V62TVxRTEEstVdeRaZ3B3leO0pld"
    "E806mXO4RwdHXagHQ4vGeZN0yqm++rDsGK+U3AH7kejyD2pXshNP9Cq5YwbptiLGtjcquw4HNxJQUOmDeJf2vg6byms9RU"
    "ipiq4SzbJKqJFlUpbuIPDpSpWz10PYmyCNeDGUUK65E5h2B834uxl1zNLYQCrkdBzb8oUxwYeP5a2DNxmjL5lsJML7DGr5"
    "znsevnoqGRwTm9fxCGfy8wus7hwKz6clt3Whmmda7UAdb1c08hEQFVRbF14AR73xbnd8N0obCWJPCbzMCtkaSef4FdEEgE"
    "XJiw0VAJT8wIDAQAB";
constexpr std::string_view kVectorSignature =
    "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXFlbYZTOQrV"
    "dG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1"
    "IBLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2"
    "Cke5e8VTxY406ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q==";
constexpr std::string_view kVectorNonce = "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz";
constexpr std::string_view kKeyId = "D7CE59D1F522D701";
constexpr int64_t kVectorTime = 1'624'523'846;

std::string MerchantKey() {
  std::ifstream in(std::string(CREDITD_TEST_KEYS) + "/app_private_key.pem");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

creditd::payments::wechatpay::WechatpayProvider& Provider() {
  static creditd::ManualClock clock(creditd::FromUnixSeconds(kVectorTime));
  static creditd::SequenceIdGenerator ids;
  static creditd::payments::wechatpay::WechatpayProvider provider = [] {
    creditd::payments::wechatpay::WechatpayOptions options;
    options.mchid = "1234567890";
    options.appid = "054aa7d7a2a54ab5898df65bd96f001c";
    options.platform_key_id = std::string(kKeyId);
    options.api_v3_key = "testMchAPIv3Key0";  // The vector's (a real one has 32 characters).
    return creditd::payments::wechatpay::WechatpayProvider(
        std::move(options), *creditd::payments::RsaPrivateKey::Parse(MerchantKey()),
        *creditd::payments::RsaPublicKey::Parse(kPublicKey), clock, ids, "https://x.example");
  }();
  return provider;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = creditd::fuzz::AsText(data, size);
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
  creditd::app::ProviderNotification notification;
  notification.method = "POST";
  notification.body = std::string(rest);
  notification.headers = {{"wechatpay-timestamp", std::string(fields[0])},
                          {"wechatpay-nonce", std::string(fields[1])},
                          {"wechatpay-signature", std::string(fields[2])},
                          {"wechatpay-serial", std::string(fields[3])}};
  const auto event = Provider().ParseEvent(notification, creditd::FromUnixSeconds(kVectorTime));
  if (!event.ok()) {
    const std::string_view reason = event.status().reason();
    CREDITD_FUZZ_EXPECT(reason == "invalid_signature" || reason == "malformed_json",
                        event.status().ToString());
    return 0;
  }
  // Only the published message verifies (a base64 signature may differ in its padding bits only
  // where the decoder accepts them, so the decoded signature is what must match).
  CREDITD_FUZZ_EXPECT(
      fields[0] == std::to_string(kVectorTime) && fields[1] == kVectorNonce &&
          fields[3] == kKeyId &&
          creditd::Base64Decode(fields[2]) == creditd::Base64Decode(kVectorSignature),
      Quote(text));
  CREDITD_FUZZ_EXPECT(event->type == "PAYSCORE.USER_OPEN_SERVICE" &&
                          event->kind == creditd::app::ProviderEventKind::kOther &&
                          event->decode_error.empty(),
                      Quote(text));
  return 0;
}
