#include "payments/common/provider_crypto.h"

#include <algorithm>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "common/check.h"
#include "common/status_macros.h"

namespace creditd::payments {

namespace {

constexpr int kMinimumBits = 2048;

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

// The DER body of a key given as bare base64, whitespace (line breaks of a pasted key) ignored.
std::optional<std::string> DerOfBase64(std::string_view text) {
  std::string compact;
  compact.reserve(text.size());
  for (const char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      compact += c;
    }
  }
  return Base64Decode(compact);
}

Status Unusable(std::string_view what) {
  ERR_clear_error();  // Leave nothing of this failure for an unrelated later caller.
  return Status(reason::kConfigInvalid, std::string(what));
}

Result<std::shared_ptr<EVP_PKEY>> RequireRsa(std::shared_ptr<EVP_PKEY> key, std::string_view kind) {
  if (EVP_PKEY_is_a(key.get(), "RSA") != 1) {
    return Unusable(std::string(kind) + " is not an RSA key");
  }
  if (EVP_PKEY_get_bits(key.get()) < kMinimumBits) {
    return Unusable(std::string(kind) + " is shorter than 2048 bits");
  }
  return key;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

std::unique_ptr<BIO, BioDeleter> MemoryBio(std::string_view text) {
  BIO* bio = BIO_new_mem_buf(text.data(), static_cast<int>(text.size()));
  CREDITD_CHECK(bio != nullptr);
  return std::unique_ptr<BIO, BioDeleter>(bio);
}

}  // namespace

Result<RsaPublicKey> RsaPublicKey::Parse(std::string_view text) {
  EVP_PKEY* key = nullptr;
  if (text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    // A platform certificate (WeChat Pay) or a public-key certificate (Alipay's certificate
    // mode): its subject's key.
    auto bio = MemoryBio(text);
    X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (certificate != nullptr) {
      key = X509_get_pubkey(certificate);
      X509_free(certificate);
    }
  } else if (text.find("-----BEGIN") != std::string_view::npos) {
    auto bio = MemoryBio(text);
    key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  } else if (const std::optional<std::string> der = DerOfBase64(text)) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(der->data());
    key = d2i_PUBKEY(nullptr, &bytes, static_cast<int64_t>(der->size()));
  }
  if (key == nullptr) {
    return Unusable("the public key is neither PEM nor the base64 of a DER public key");
  }
  CREDITD_ASSIGN_OR_RETURN(std::shared_ptr<EVP_PKEY> owned, RequireRsa(Own(key), "the public key"));
  return RsaPublicKey(std::move(owned));
}

bool RsaPublicKey::VerifySha256(std::string_view message, std::string_view signature) const {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  CREDITD_CHECK(context != nullptr);
  const bool valid =
      EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
      EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature.data()),
                       signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                       message.size()) == 1;
  EVP_MD_CTX_free(context);
  if (!valid) {
    ERR_clear_error();  // A bad signature is an answer, not an error to leave queued.
  }
  return valid;
}

Result<RsaPrivateKey> RsaPrivateKey::Parse(std::string_view text) {
  EVP_PKEY* key = nullptr;
  if (text.find("-----BEGIN") != std::string_view::npos) {
    auto bio = MemoryBio(text);
    key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  } else if (const std::optional<std::string> der = DerOfBase64(text)) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(der->data());
    key = d2i_AutoPrivateKey(nullptr, &bytes, static_cast<int64_t>(der->size()));
  }
  if (key == nullptr) {
    return Unusable("the private key is neither PEM nor the base64 of a DER private key");
  }
  CREDITD_ASSIGN_OR_RETURN(std::shared_ptr<EVP_PKEY> owned,
                           RequireRsa(Own(key), "the private key"));
  return RsaPrivateKey(std::move(owned));
}

std::string RsaPrivateKey::SignSha256(std::string_view message) const {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  CREDITD_CHECK(context != nullptr);
  CREDITD_CHECK(EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key_.get()) == 1);
  size_t length = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(message.data());
  CREDITD_CHECK(EVP_DigestSign(context, nullptr, &length, bytes, message.size()) == 1);
  std::string signature(length, '\0');
  CREDITD_CHECK(EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                               bytes, message.size()) == 1);
  EVP_MD_CTX_free(context);
  signature.resize(length);
  return signature;
}

RsaPublicKey RsaPrivateKey::PublicKey() const {
  // The private key object holds the public components too; verification only reads those.
  return RsaPublicKey(key_);
}

namespace {

const unsigned char* Bytes(std::string_view view) {
  return reinterpret_cast<const unsigned char*>(view.data());
}

}  // namespace

Result<std::string> AesGcmOpen(std::string_view key, std::string_view nonce, std::string_view aad,
                               std::string_view sealed) {
  constexpr size_t kTagBytes = 16;
  const EVP_CIPHER* cipher = key.size() == 16   ? EVP_aes_128_gcm()
                             : key.size() == 24 ? EVP_aes_192_gcm()
                             : key.size() == 32 ? EVP_aes_256_gcm()
                                                : nullptr;
  if (cipher == nullptr) {
    return Status(reason::kConfigInvalid, "an AES-GCM key is 16, 24 or 32 bytes");
  }
  const Status refused(
      reason::kInvalidSignature,
      "the encrypted resource does not open with this key (wrong key, or altered)");
  if (sealed.size() < kTagBytes || nonce.empty()) {
    return refused;
  }
  const size_t body = sealed.size() - kTagBytes;
  EVP_CIPHER_CTX* context = EVP_CIPHER_CTX_new();
  CREDITD_CHECK(context != nullptr);
  std::string plain(body, '\0');
  int length = 0;
  int tail = 0;
  bool opened =
      EVP_DecryptInit_ex(context, cipher, nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) == 1 &&
      EVP_DecryptInit_ex(context, nullptr, nullptr, Bytes(key), Bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(context, nullptr, &length, Bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(context, reinterpret_cast<unsigned char*>(plain.data()), &length,
                        Bytes(sealed), static_cast<int>(body)) == 1;
  // The tag is compared by the final step; OpenSSL takes it as non-const.
  std::string tag(sealed.substr(body));
  opened = opened &&
           EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                               tag.data()) == 1 &&
           EVP_DecryptFinal_ex(context, reinterpret_cast<unsigned char*>(plain.data()) + length,
                               &tail) == 1;
  EVP_CIPHER_CTX_free(context);
  if (!opened) {
    ERR_clear_error();
    return refused;
  }
  plain.resize(static_cast<size_t>(length) + static_cast<size_t>(tail));
  return plain;
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  std::string mac(32, '\0');
  unsigned int length = 0;
  CREDITD_CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), Bytes(message),
                     message.size(), reinterpret_cast<unsigned char*>(mac.data()),
                     &length) != nullptr);
  CREDITD_CHECK(length == 32);
  return mac;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Md5(std::string_view data) {
  std::string digest(16, '\0');
  unsigned int length = 0;
  CREDITD_CHECK(EVP_Digest(data.data(), data.size(),
                           reinterpret_cast<unsigned char*>(digest.data()), &length, EVP_md5(),
                           nullptr) == 1);
  CREDITD_CHECK(length == 16);
  return digest;
}

}  // namespace creditd::payments
