#include "common/strings.h"

#include <algorithm>
#include <cstdint>

namespace creditd {

std::string_view TrimAscii(std::string_view text) {
  const auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  };
  while (!text.empty() && is_space(text.front())) {
    text.remove_prefix(1);
  }
  while (!text.empty() && is_space(text.back())) {
    text.remove_suffix(1);
  }
  return text;
}

std::string ToLowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  return out;
}

std::string ToUpperAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
  }
  return out;
}

long CountUtf8CodePoints(std::string_view text) {  // NOLINT(google-runtime-int)
  long count = 0;                                  // NOLINT(google-runtime-int)
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    if (lead < 0x80U) {
      length = 1;
    } else if ((lead & 0xE0U) == 0xC0U && lead >= 0xC2U) {
      length = 2;
    } else if ((lead & 0xF0U) == 0xE0U) {
      length = 3;
    } else if ((lead & 0xF8U) == 0xF0U && lead <= 0xF4U) {
      length = 4;
    } else {
      return -1;
    }
    if (i + length > text.size()) {
      return -1;
    }
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) {
        return -1;
      }
    }
    i += length;
    ++count;
  }
  return count;
}

namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The value of `c` in the alphabet whose last two characters are `c62` and `c63`; -1 if it is
// not one of its characters.
int ValueOf(char c, char c62, char c63) {
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

std::string Encode(std::string_view alphabet, std::string_view data, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t i = 0; i < data.size(); i += 3) {
    const size_t rest = std::min<size_t>(3, data.size() - i);
    uint32_t n = static_cast<uint32_t>(static_cast<unsigned char>(data[i])) << 16U;
    if (rest > 1) {
      n |= static_cast<uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8U;
    }
    if (rest > 2) {
      n |= static_cast<unsigned char>(data[i + 2]);
    }
    out += alphabet[(n >> 18U) & 63U];
    out += alphabet[(n >> 12U) & 63U];
    if (rest > 1) {
      out += alphabet[(n >> 6U) & 63U];
    } else if (pad) {
      out += '=';
    }
    if (rest > 2) {
      out += alphabet[n & 63U];
    } else if (pad) {
      out += '=';
    }
  }
  return out;
}

// Decodes unpadded text in the alphabet ending in `c62`, `c63`.
std::optional<std::string> Decode(std::string_view text, char c62, char c63) {
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  std::string out;
  out.reserve(text.size() * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const int value = ValueOf(c, c62, c63);
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

std::string Base64Encode(std::string_view data) {
  return Encode(kBase64, data, /*pad=*/true);
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) {
    return std::nullopt;
  }
  size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  // Any other `=` (a third one, or one inside) is outside the alphabet.
  return Decode(text.substr(0, text.size() - padding), '+', '/');
}

std::string Base64UrlEncode(std::string_view data) {
  return Encode(kBase64Url, data, /*pad=*/false);
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  return Decode(text, '-', '_');
}

std::string HexEncode(std::string_view data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (const char c : data) {
    const auto byte = static_cast<unsigned char>(c);
    out += kDigits[byte >> 4U];
    out += kDigits[byte & 15U];
  }
  return out;
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      const int high = hex(text[i + 1]);
      const int low = hex(text[i + 2]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') ||
                            (byte >= '0' && byte <= '9') || byte == '-' || byte == '_' ||
                            byte == '.' || byte == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    }
  }
  return out;
}

}  // namespace creditd
