// The cryptography payment providers ask for, on OpenSSL 3 (../shared/PROTOCOLS.md section 5,
// PROTOCOLS-2.md): SHA256withRSA keys and signatures (Alipay's RSA2, WeChat Pay API v3, EPay
// V2), AES-GCM (WeChat Pay's encrypted notification resources), HMAC-SHA256 (Creem), MD5
// (EPay V1's sign, Alipay's certificate serial numbers); the padded base64 they send
// signatures and keys in is common/strings.h. Shared by the provider folders under src/payments/,
// which may not use src/security/ (tools/check_layers.sh).
//
// Keys are read from what providers hand out: PEM ("PUBLIC KEY", "CERTIFICATE", "PRIVATE KEY",
// "RSA PRIVATE KEY") or the bare base64 of the DER body, as Alipay's console shows it. Only RSA
// keys of at least 2048 bits are accepted. Keys are immutable after parsing; everything here is
// thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/strings.h"  // Base64Decode: the base64 of signatures and keys.

typedef struct evp_pkey_st EVP_PKEY;  // NOLINT: OpenSSL's own forward declaration.

namespace creditd::payments {

class RsaPublicKey {
 public:
  // Parses a PEM public key or certificate, or the base64 of a DER SubjectPublicKeyInfo.
  // "config_invalid" when it is none of those, not RSA, or shorter than 2048 bits.
  static Result<RsaPublicKey> Parse(std::string_view text);

  // True when `signature` (raw bytes, not base64) is a valid SHA256withRSA signature of
  // `message` under this key.
  bool VerifySha256(std::string_view message, std::string_view signature) const;

 private:
  friend class RsaPrivateKey;
  explicit RsaPublicKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

class RsaPrivateKey {
 public:
  // Parses a PEM private key (PKCS#8 or PKCS#1), or the base64 of its DER body.
  // "config_invalid" when it is none of those, not RSA, or shorter than 2048 bits.
  static Result<RsaPrivateKey> Parse(std::string_view text);

  // The raw SHA256withRSA signature of `message` (deterministic: PKCS#1 v1.5).
  std::string SignSha256(std::string_view message) const;

  // The public half, for tests and for checking a configured key pair.
  RsaPublicKey PublicKey() const;

 private:
  explicit RsaPrivateKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {}
  std::shared_ptr<EVP_PKEY> key_;
};

// Opens an AES-GCM box: `key` of 16, 24 or 32 bytes (AES-128/192/256; a WeChat Pay APIv3 key is
// 32), `nonce` (WeChat Pay sends 12 bytes), `aad` the associated data, `sealed` the ciphertext
// followed by its 16-byte tag. Returns the plaintext, or "invalid_signature" when the tag does
// not match (a wrong key, or the box was altered), "config_invalid" for a key of another length.
Result<std::string> AesGcmOpen(std::string_view key, std::string_view nonce, std::string_view aad,
                               std::string_view sealed);

// The raw 32-byte HMAC-SHA256 of `message` under `key`.
std::string HmacSha256(std::string_view key, std::string_view message);

// Compares two byte strings (signatures) in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The raw 16-byte MD5 digest of `data`. Only where a provider's protocol still signs with it.
std::string Md5(std::string_view data);

}  // namespace creditd::payments
