// Users, roles and the sign-up rules for e-mail addresses, passwords and display names.
//
// Pure: no I/O. Validation functions return kInvalidArgument statuses that name the field, so
// the HTTP layer can pass them to the client unchanged. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::domain {

enum class Role { kUser, kAdmin };

// Returns "user" or "admin"; the spelling used on the wire and in storage.
std::string_view RoleName(Role role);
// Parses "user" / "admin"; nullopt otherwise.
std::optional<Role> ParseRole(std::string_view name);

struct User {
  int64_t id = 0;
  std::string email;  // Normalised: trimmed, lower-case.
  std::string display_name;
  Role role = Role::kUser;
  std::string password_hash;  // Argon2id PHC string; never leaves the server.
  int64_t account_id = 0;     // The user's personal account.
  Timestamp created_at{};
};

// Limits of sign-up input (characters are Unicode code points).
inline constexpr int kPasswordLengthMin = 8;
inline constexpr int kPasswordLengthMax = 128;
inline constexpr int kEmailLengthMax = 254;  // RFC 5321 path limit.
inline constexpr int kDisplayNameLengthMax = 64;

// Trims and lower-cases an e-mail address and checks its shape (one '@', a non-empty local part
// and a dotted domain, no spaces or control characters, at most kEmailLengthMax).
// Returns kInvalidArgument/"invalid_email" with field "email" otherwise.
Result<std::string> NormalizeEmail(std::string_view email);

// Checks a password is valid UTF-8 of kPasswordLengthMin..kPasswordLengthMax code points.
// Longer passwords are refused, never truncated. Returns "invalid_password", field "password".
Status ValidatePassword(std::string_view password);

// Trims a display name and checks it is valid UTF-8 of at most kDisplayNameLengthMax code
// points without control characters. An empty or absent name becomes the e-mail's local part.
// Returns "invalid_field" with field "display_name".
Result<std::string> NormalizeDisplayName(std::string_view display_name,
                                         std::string_view normalized_email);

}  // namespace creditd::domain
