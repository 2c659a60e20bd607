// Cryptographic primitives on OpenSSL 3 and libsodium: SHA-256, HMAC-SHA256, constant-time
// comparison, CSPRNG bytes, base64url and hex. Every function is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace creditd::security {

// Returns the raw 32-byte SHA-256 digest of `data`.
std::string Sha256(std::string_view data);

// Returns the raw 32-byte HMAC-SHA256 of `message` under `key`.
std::string HmacSha256(std::string_view key, std::string_view message);

// Compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Returns `count` bytes from the operating system's CSPRNG.
std::string RandomBytes(size_t count);

// Base64url without padding (RFC 4648 section 5), as JWTs use it.
std::string Base64UrlEncode(std::string_view data);
// Decodes base64url without padding; nullopt on any character outside the alphabet, on
// padding, or on an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace creditd::security
