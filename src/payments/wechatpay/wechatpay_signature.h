// WeChat Pay API v3 signatures and encrypted resources (../shared/PROTOCOLS.md 5.2,
// PROTOCOLS-2.md 4.1): the first pieces of the WeChat Pay provider (issue 16 point 2).
//   - Requests are signed by the merchant: SHA256withRSA over "METHOD\nURL\ntimestamp\nnonce\n
//     body\n" (URL = path and query, no host; body empty for a GET), sent as
//     `Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",timestamp="…",
//     serial_no="…",signature="…"`.
//   - Answers and notifications are signed by WeChat Pay over "timestamp\nnonce\nbody\n" with the
//     key named by `Wechatpay-Serial`: only the configured key id is accepted (never a key the
//     message names), probes signed `WECHATPAY/SIGNTEST/…` fail, and a timestamp 300 s or more
//     away from now (either way) is refused.
//   - A notification's resource is AEAD_AES_256_GCM-encrypted with the merchant's APIv3 key.
// Pure (the caller passes now, the nonce and the timestamp); thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "payments/common/provider_crypto.h"

namespace creditd::payments::wechatpay {

// The text a merchant request signs; `url` is the path with its query ("/v3/pay/transactions/
// native"), `body` the exact bytes sent ("" for a GET).
std::string RequestMessage(std::string_view method, std::string_view url, int64_t timestamp,
                           std::string_view nonce, std::string_view body);

// The Authorization header's value for a request signed with `key` (the merchant API key whose
// certificate has serial `serial_no`).
std::string Authorization(const RsaPrivateKey& key, std::string_view mchid,
                          std::string_view serial_no, std::string_view method, std::string_view url,
                          int64_t timestamp, std::string_view nonce, std::string_view body);

// The Wechatpay-* headers of an answer or a notification.
struct SignedHeaders {
  std::string_view timestamp;  // Wechatpay-Timestamp, Unix seconds.
  std::string_view nonce;      // Wechatpay-Nonce.
  std::string_view signature;  // Wechatpay-Signature, base64.
  std::string_view serial;     // Wechatpay-Serial: the key id (PUB_KEY_ID_… or a serial).
};

// OK when `body` carries WeChat Pay's signature under `key` (id `key_id`) and a timestamp less
// than 300 s from `now`. Otherwise "invalid_signature", with field naming the header at fault.
Status VerifySigned(const RsaPublicKey& key, std::string_view key_id, const SignedHeaders& headers,
                    std::string_view body, Timestamp now);

// Opens a notification resource: `ciphertext` (base64, the GCM tag last), `nonce` and
// `associated_data` as sent, under the APIv3 key. Errors: "invalid_signature" (not base64, or the
// tag does not match: a wrong key or an altered resource), "config_invalid" (a key of a length
// AES does not take).
Result<std::string> OpenResource(std::string_view api_v3_key, std::string_view ciphertext,
                                 std::string_view nonce, std::string_view associated_data);

}  // namespace creditd::payments::wechatpay
