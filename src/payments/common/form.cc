#include "payments/common/form.h"

#include "common/strings.h"

namespace creditd::payments {

std::string EncodeForm(const ProviderParams& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) {
      out += '&';
    }
    out += PercentEncode(name);
    out += '=';
    out += PercentEncode(value);
  }
  return out;
}

std::optional<ProviderParams> ParseForm(std::string_view text) {
  ProviderParams params;
  while (!text.empty()) {
    const size_t end = text.find('&');
    const std::string_view pair = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (pair.empty()) {
      continue;
    }
    const size_t equals = pair.find('=');
    auto name = PercentDecode(pair.substr(0, equals), /*plus_is_space=*/true);
    auto value = PercentDecode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1),
        /*plus_is_space=*/true);
    if (!name || !value || name->empty()) {
      return std::nullopt;
    }
    if (!params.emplace(std::move(*name), std::move(*value)).second) {
      return std::nullopt;
    }
  }
  return params;
}

}  // namespace creditd::payments
