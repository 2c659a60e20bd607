// RSA keys and SHA256withRSA (RSASSA-PKCS1-v1_5 over SHA-256) signatures, on OpenSSL 3: what
// Alipay's RSA2 and WeChat Pay API v3 use to sign requests and notifications
// (../shared/PROTOCOLS.md section 5, PROTOCOLS-2.md sections 1.6 and 4).
//
// Keys are read from what providers hand out: PEM ("PUBLIC KEY", "CERTIFICATE", "PRIVATE KEY",
// "RSA PRIVATE KEY") or the bare base64 of the DER body, as Alipay's console shows it. Only RSA
// keys of at least 2048 bits are accepted. Immutable after parsing; thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

typedef struct evp_pkey_st EVP_PKEY;  // NOLINT: OpenSSL's own forward declaration.

namespace creditd::security {

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

}  // namespace creditd::security
