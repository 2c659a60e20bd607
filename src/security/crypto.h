// Cryptographic primitives on OpenSSL 3 and libsodium: SHA-256, HMAC-SHA256, constant-time
// comparison and CSPRNG bytes (base64url from common/strings.h). Every function is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/strings.h"

namespace creditd::security {

// Returns the raw 32-byte SHA-256 digest of `data`.
std::string Sha256(std::string_view data);

// Returns the raw 32-byte HMAC-SHA256 of `message` under `key`.
std::string HmacSha256(std::string_view key, std::string_view message);

// Compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Returns `count` bytes from the operating system's CSPRNG.
std::string RandomBytes(size_t count);

// Base64url (JWTs, opaque tokens) is common/strings.h's, named here for security's callers.
using ::creditd::Base64UrlDecode;
using ::creditd::Base64UrlEncode;

}  // namespace creditd::security
