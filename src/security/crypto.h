// Cryptographic primitives on OpenSSL 3 and libsodium: SHA-256, MD5, HMAC-SHA256, AES-GCM
// decryption, constant-time comparison, CSPRNG bytes, base64 and base64url. Every function is
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace creditd::security {

// Returns the raw 32-byte SHA-256 digest of `data`.
std::string Sha256(std::string_view data);

// Returns the raw 16-byte MD5 digest of `data`. Only for protocols that still sign with it
// (EPay V1's `sign`, Alipay's certificate serial numbers); never for anything of ours.
std::string Md5(std::string_view data);

// Returns the raw 32-byte HMAC-SHA256 of `message` under `key`.
std::string HmacSha256(std::string_view key, std::string_view message);

// Opens an AES-GCM box: `key` of 16, 24 or 32 bytes (AES-128/192/256), `nonce` (WeChat Pay
// sends 12 bytes), `aad` the associated data, `sealed` the ciphertext followed by its 16-byte
// tag (as WeChat Pay API v3 sends a notification's resource). Returns the plaintext, or
// "invalid_signature" when the tag does not match (a wrong key, or the box was altered) and
// "config_invalid" for a key of another length.
Result<std::string> AesGcmOpen(std::string_view key, std::string_view nonce, std::string_view aad,
                               std::string_view sealed);

// Compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Returns `count` bytes from the operating system's CSPRNG.
std::string RandomBytes(size_t count);

// Base64url without padding (RFC 4648 section 5), as JWTs use it.
std::string Base64UrlEncode(std::string_view data);
// Decodes base64url without padding; nullopt on any character outside the alphabet, on
// padding, or on an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Base64 with padding (RFC 4648 section 4), as provider signatures and keys are sent.
std::string Base64Encode(std::string_view data);
// Decodes padded base64; nullopt on any character outside the alphabet, a missing or misplaced
// `=`, or a non-canonical last character.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace creditd::security
