#include "security/crypto.h"

#include <sodium.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/check.h"

namespace creditd::security {

namespace {
constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The value of `c` in a base64 alphabet whose last two characters are `c62` and `c63`; -1 if
// it is not one of its characters.
int Base64Value(char c, char c62, char c63) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == c62) {
    return 62;
  }
  if (c == c63) {
    return 63;
  }
  return -1;
}

std::string EncodeBase64(std::string_view alphabet, std::string_view data, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t n = (static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16U) |
                       (static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8U) |
                       static_cast<unsigned char>(data[i + 2]);
    out += alphabet[(n >> 18U) & 63U];
    out += alphabet[(n >> 12U) & 63U];
    out += alphabet[(n >> 6U) & 63U];
    out += alphabet[n & 63U];
  }
  const size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16U;
    if (rest == 2) {
      n |= static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8U;
    }
    out += alphabet[(n >> 18U) & 63U];
    out += alphabet[(n >> 12U) & 63U];
    if (rest == 2) {
      out += alphabet[(n >> 6U) & 63U];
    }
    if (pad) {
      out.append(3 - rest, '=');
    }
  }
  return out;
}

// Decodes unpadded base64 in the alphabet ending in `c62`, `c63`.
std::optional<std::string> DecodeBase64(std::string_view text, char c62, char c63) {
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = Base64Value(c, c62, c63);
    if (value < 0) {
      return std::nullopt;
    }
    buffer = (buffer << 6U) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> static_cast<uint32_t>(bits)) & 0xFFU);
    }
  }
  // Leftover bits must be zero, so every byte string has exactly one encoding.
  if ((buffer & ((1U << static_cast<uint32_t>(bits)) - 1U)) != 0) {
    return std::nullopt;
  }
  return out;
}
}  // namespace

std::string Sha256(std::string_view data) {
  std::string digest(32, '\0');
  unsigned int length = 0;
  CREDITD_CHECK(EVP_Digest(data.data(), data.size(),
                           reinterpret_cast<unsigned char*>(digest.data()), &length, EVP_sha256(),
                           nullptr) == 1);
  CREDITD_CHECK(length == 32);
  return digest;
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

std::string HmacSha256(std::string_view key, std::string_view message) {
  std::string mac(32, '\0');
  unsigned int length = 0;
  CREDITD_CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     reinterpret_cast<unsigned char*>(mac.data()), &length) != nullptr);
  CREDITD_CHECK(length == 32);
  return mac;
}

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
  const auto bytes = [](std::string_view view) {
    return reinterpret_cast<const unsigned char*>(view.data());
  };
  bool opened =
      EVP_DecryptInit_ex(context, cipher, nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) == 1 &&
      EVP_DecryptInit_ex(context, nullptr, nullptr, bytes(key), bytes(nonce)) == 1 &&
      EVP_DecryptUpdate(context, nullptr, &length, bytes(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(context, reinterpret_cast<unsigned char*>(plain.data()), &length,
                        bytes(sealed), static_cast<int>(body)) == 1;
  // The tag is only compared by the final step; OpenSSL takes it as non-const.
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

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomBytes(size_t count) {
  std::string bytes(count, '\0');
  randombytes_buf(bytes.data(), count);
  return bytes;
}

std::string Base64UrlEncode(std::string_view data) {
  return EncodeBase64(kBase64Url, data, /*pad=*/false);
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  return DecodeBase64(text, '-', '_');
}

std::string Base64Encode(std::string_view data) {
  return EncodeBase64(kBase64, data, /*pad=*/true);
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  // Any other `=` (a third one, or one inside) is outside the alphabet and refused below.
  return DecodeBase64(text.substr(0, text.size() - padding), '+', '/');
}

}  // namespace creditd::security
