#include "payments/stripe/form_encoding.h"

#include "common/strings.h"

namespace creditd::payments::stripe {

namespace {

using nlohmann::ordered_json;

// Encodes a key and keeps Stripe's literal brackets.
std::string EncodeKey(std::string_view key) {
  std::string out;
  for (const char c : key) {
    out += (c == '[' || c == ']') ? std::string(1, c) : PercentEncode(std::string_view(&c, 1));
  }
  return out;
}

std::string Scalar(const ordered_json& value) {
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? "true" : "false";
  }
  if (value.is_null()) {
    return "";
  }
  return value.dump();  // Integers (amounts are integer minor units; no floats are sent).
}

void Append(std::string& out, const std::string& key, const ordered_json& value) {
  if (value.is_object()) {
    for (const auto& [child, child_value] : value.items()) {
      Append(out, std::string(key).append("[").append(child).append("]"), child_value);
    }
    return;
  }
  if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) {
      Append(out, key + "[" + std::to_string(i) + "]", value[i]);
    }
    return;
  }
  if (!out.empty()) {
    out += '&';
  }
  out += EncodeKey(key);
  out += '=';
  out += PercentEncode(Scalar(value));
}

}  // namespace

std::string EncodeForm(const nlohmann::ordered_json& parameters) {
  std::string out;
  for (const auto& [key, value] : parameters.items()) {
    Append(out, key, value);
  }
  return out;
}

}  // namespace creditd::payments::stripe
