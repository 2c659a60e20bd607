#include "security/crypto.h"

#include <sodium.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/check.h"

namespace creditd::security {

namespace {
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Base64UrlValue(char c) {
  if (c >= 'A' && c <= 'Z') {
    return c - 'A';
  }
  if (c >= 'a' && c <= 'z') {
    return c - 'a' + 26;
  }
  if (c >= '0' && c <= '9') {
    return c - '0' + 52;
  }
  if (c == '-') {
    return 62;
  }
  if (c == '_') {
    return 63;
  }
  return -1;
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

std::string HmacSha256(std::string_view key, std::string_view message) {
  std::string mac(32, '\0');
  unsigned int length = 0;
  CREDITD_CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                     reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                     reinterpret_cast<unsigned char*>(mac.data()), &length) != nullptr);
  CREDITD_CHECK(length == 32);
  return mac;
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
  std::string out;
  out.reserve((data.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const uint32_t n = (static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16U) |
                       (static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8U) |
                       static_cast<unsigned char>(data[i + 2]);
    out += kBase64Url[(n >> 18U) & 63U];
    out += kBase64Url[(n >> 12U) & 63U];
    out += kBase64Url[(n >> 6U) & 63U];
    out += kBase64Url[n & 63U];
  }
  const size_t rest = data.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16U;
    if (rest == 2) {
      n |= static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8U;
    }
    out += kBase64Url[(n >> 18U) & 63U];
    out += kBase64Url[(n >> 12U) & 63U];
    if (rest == 2) {
      out += kBase64Url[(n >> 6U) & 63U];
    }
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int value = Base64UrlValue(c);
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

}  // namespace creditd::security
