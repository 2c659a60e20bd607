#include "domain/user.h"

#include "common/strings.h"

namespace creditd::domain {

std::string_view RoleName(Role role) {
  return role == Role::kAdmin ? "admin" : "user";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "user") {
    return Role::kUser;
  }
  if (name == "admin") {
    return Role::kAdmin;
  }
  return std::nullopt;
}

namespace {
bool HasControlCharacter(std::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20U || byte == 0x7FU) {
      return true;
    }
  }
  return false;
}
}  // namespace

Result<std::string> NormalizeEmail(std::string_view email) {
  const std::string normalized = ToLowerAscii(TrimAscii(email));
  const auto invalid = [] {
    return Status(reason::kInvalidEmail, "email must be an address like name@example.com")
        .WithField("email");
  };
  if (normalized.empty() || normalized.size() > static_cast<size_t>(kEmailLengthMax) ||
      CountUtf8CodePoints(normalized) < 0 || HasControlCharacter(normalized) ||
      normalized.find(' ') != std::string::npos) {
    return invalid();
  }
  const auto at = normalized.find('@');
  if (at == std::string::npos || at == 0 || normalized.find('@', at + 1) != std::string::npos) {
    return invalid();
  }
  const std::string_view domain = std::string_view{normalized}.substr(at + 1);
  const auto dot = domain.find('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return invalid();
  }
  return normalized;
}

Status ValidatePassword(std::string_view password) {
  const auto length = CountUtf8CodePoints(password);
  if (length < 0) {
    return Status(reason::kInvalidPassword, "password must be valid UTF-8 text")
        .WithField("password");
  }
  if (length < kPasswordLengthMin || length > kPasswordLengthMax) {
    return Status(reason::kInvalidPassword, "password must be " +
                                                std::to_string(kPasswordLengthMin) + " to " +
                                                std::to_string(kPasswordLengthMax) + " characters")
        .WithField("password");
  }
  return Status::Ok();
}

Result<std::string> NormalizeDisplayName(std::string_view display_name,
                                         std::string_view normalized_email) {
  const std::string_view trimmed = TrimAscii(display_name);
  if (trimmed.empty()) {
    return std::string(normalized_email.substr(0, normalized_email.find('@')))
        .substr(0, static_cast<size_t>(kDisplayNameLengthMax));
  }
  const auto length = CountUtf8CodePoints(trimmed);
  if (length < 0 || length > kDisplayNameLengthMax || HasControlCharacter(trimmed)) {
    return Status(reason::kInvalidField, "display_name must be at most " +
                                             std::to_string(kDisplayNameLengthMax) +
                                             " characters of text without control characters")
        .WithField("display_name");
  }
  return std::string(trimmed);
}

}  // namespace creditd::domain
