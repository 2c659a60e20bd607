// Small ASCII string helpers shared by every layer. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace creditd {

// Returns `text` without leading and trailing ASCII whitespace.
std::string_view TrimAscii(std::string_view text);

// Returns a copy with ASCII letters lower-cased; other bytes (UTF-8 included) are unchanged.
std::string ToLowerAscii(std::string_view text);
// Returns a copy with ASCII letters upper-cased; other bytes are unchanged.
std::string ToUpperAscii(std::string_view text);

// Counts Unicode code points in UTF-8 text; returns -1 if `text` is not valid UTF-8.
long CountUtf8CodePoints(std::string_view text);  // NOLINT(google-runtime-int)

// Standard base64 with padding (RFC 4648 section 4), e.g. for data: URLs and the signatures
// and keys payment providers send.
std::string Base64Encode(std::string_view data);
// Decodes padded base64; nullopt on any character outside the alphabet, a missing or misplaced
// `=`, or a non-canonical last character (one encoding per byte string).
std::optional<std::string> Base64Decode(std::string_view text);

// Base64url without padding (RFC 4648 section 5), as JWTs use it.
std::string Base64UrlEncode(std::string_view data);
// Decodes base64url without padding; nullopt on any character outside the alphabet, on
// padding, or on an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

// Lower-case hex of every byte ("0a1b...").
std::string HexEncode(std::string_view data);

// Decodes %XX escapes (and '+' as space when `plus_is_space`, as forms and PHP's $_GET do);
// nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space);
// Percent-encodes everything but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~).
std::string PercentEncode(std::string_view text);

}  // namespace creditd
