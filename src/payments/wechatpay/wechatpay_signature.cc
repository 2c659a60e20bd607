#include "payments/wechatpay/wechatpay_signature.h"

#include <charconv>
#include <cstdlib>

#include "common/strings.h"

namespace creditd::payments::wechatpay {

namespace {

// WeChat Pay's own window: a message 5 minutes or more from now is refused.
constexpr int64_t kToleranceSeconds = 300;

Status Invalid(const char* header, const std::string& why) {
  return Status(reason::kInvalidSignature, "WeChat Pay signature refused: " + why)
      .WithField(header);
}

}  // namespace

std::string RequestMessage(std::string_view method, std::string_view url, int64_t timestamp,
                           std::string_view nonce, std::string_view body) {
  std::string message;
  message.reserve(method.size() + url.size() + nonce.size() + body.size() + 32);
  message.append(method).append("\n").append(url).append("\n");
  message.append(std::to_string(timestamp)).append("\n");
  message.append(nonce).append("\n").append(body).append("\n");
  return message;
}

std::string Authorization(const RsaPrivateKey& key, std::string_view mchid,
                          std::string_view serial_no, std::string_view method, std::string_view url,
                          int64_t timestamp, std::string_view nonce, std::string_view body) {
  const std::string signature =
      Base64Encode(key.SignSha256(RequestMessage(method, url, timestamp, nonce, body)));
  std::string header = "WECHATPAY2-SHA256-RSA2048 mchid=\"";
  header.append(mchid).append("\",nonce_str=\"").append(nonce);
  header.append("\",timestamp=\"").append(std::to_string(timestamp));
  header.append("\",serial_no=\"").append(serial_no);
  header.append("\",signature=\"").append(signature).append("\"");
  return header;
}

Status VerifySigned(const RsaPublicKey& key, std::string_view key_id, const SignedHeaders& headers,
                    std::string_view body, Timestamp now) {
  if (headers.serial.empty() || headers.serial != key_id) {
    return Invalid("Wechatpay-Serial", "the key id is not the configured WeChat Pay key's");
  }
  if (headers.signature.starts_with("WECHATPAY/SIGNTEST/")) {
    return Invalid("Wechatpay-Signature", "a signature probe, which must not verify");
  }
  int64_t timestamp = 0;
  const auto [end, error] = std::from_chars(
      headers.timestamp.data(), headers.timestamp.data() + headers.timestamp.size(), timestamp);
  if (headers.timestamp.empty() || error != std::errc() ||
      end != headers.timestamp.data() + headers.timestamp.size()) {
    return Invalid("Wechatpay-Timestamp", "the timestamp is not Unix seconds");
  }
  const int64_t age = ToUnixSeconds(now) - timestamp;
  if (age >= kToleranceSeconds || age <= -kToleranceSeconds) {
    return Invalid("Wechatpay-Timestamp", "the timestamp is 300 seconds or more from now");
  }
  const std::optional<std::string> signature = Base64Decode(headers.signature);
  if (!signature || headers.nonce.empty() ||
      !key.VerifySha256(std::string(headers.timestamp) + "\n" + std::string(headers.nonce) + "\n" +
                            std::string(body) + "\n",
                        *signature)) {
    return Invalid("Wechatpay-Signature", "the signature does not match the message");
  }
  return Status::Ok();
}

Result<std::string> OpenResource(std::string_view api_v3_key, std::string_view ciphertext,
                                 std::string_view nonce, std::string_view associated_data) {
  const std::optional<std::string> sealed = Base64Decode(ciphertext);
  if (!sealed) {
    return Status(reason::kInvalidSignature, "the WeChat Pay notification's resource is not base64")
        .WithField("resource.ciphertext");
  }
  return AesGcmOpen(api_v3_key, nonce, associated_data, *sealed);
}

}  // namespace creditd::payments::wechatpay
