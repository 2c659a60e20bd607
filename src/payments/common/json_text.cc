#include "payments/common/json_text.h"

#include <cstddef>

namespace creditd::payments {

namespace {

// Reads JSON text from `text` at `at`; each Skip* returns false on malformed input.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  size_t at() const { return at_; }
  bool done() const { return at_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[at_]; }

  void SkipSpace() {
    while (!done() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      ++at_;
    }
  }

  bool Consume(char c) {
    if (peek() != c) {
      return false;
    }
    ++at_;
    return true;
  }

  // A string, from its opening quote; `content` gets what is between the quotes, as written.
  bool SkipString(std::string_view* content) {
    if (!Consume('"')) {
      return false;
    }
    const size_t start = at_;
    while (!done()) {
      const char c = text_[at_];
      if (c == '"') {
        if (content != nullptr) {
          *content = text_.substr(start, at_ - start);
        }
        ++at_;
        return true;
      }
      at_ += c == '\\' ? 2 : 1;
    }
    return false;
  }

  // Any value; objects and arrays to their matching close, strings with their escapes.
  bool SkipValue() {
    SkipSpace();
    if (peek() == '"') {
      return SkipString(nullptr);
    }
    if (peek() == '{' || peek() == '[') {
      int depth = 0;
      while (!done()) {
        const char c = peek();
        if (c == '"') {
          if (!SkipString(nullptr)) {
            return false;
          }
          continue;
        }
        if (c == '{' || c == '[') {
          ++depth;
        } else if (c == '}' || c == ']') {
          --depth;
        }
        ++at_;
        if (depth == 0) {
          return true;
        }
      }
      return false;
    }
    // A number, true, false or null: up to the next delimiter.
    const size_t start = at_;
    while (!done() && peek() != ',' && peek() != '}' && peek() != ']' && peek() != ' ' &&
           peek() != '\n' && peek() != '\r' && peek() != '\t') {
      ++at_;
    }
    return at_ > start;
  }

 private:
  std::string_view text_;
  size_t at_ = 0;
};

}  // namespace

std::optional<std::string_view> RawJsonMember(std::string_view json, std::string_view name) {
  Scanner scanner(json);
  scanner.SkipSpace();
  if (!scanner.Consume('{')) {
    return std::nullopt;
  }
  scanner.SkipSpace();
  if (scanner.Consume('}')) {
    return std::nullopt;
  }
  while (true) {
    scanner.SkipSpace();
    std::string_view key;
    if (!scanner.SkipString(&key)) {
      return std::nullopt;
    }
    scanner.SkipSpace();
    if (!scanner.Consume(':')) {
      return std::nullopt;
    }
    scanner.SkipSpace();
    const size_t start = scanner.at();
    if (!scanner.SkipValue()) {
      return std::nullopt;
    }
    if (key == name) {
      return json.substr(start, scanner.at() - start);
    }
    scanner.SkipSpace();
    if (!scanner.Consume(',')) {
      return std::nullopt;  // The end of the object ('}') without the member, or junk.
    }
  }
}

}  // namespace creditd::payments
