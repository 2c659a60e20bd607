#include "security/crypto.h"

#include <sodium.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "common/check.h"

namespace creditd::security {

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

}  // namespace creditd::security
