#include "payments/common/sign_content.h"

#include <algorithm>

namespace creditd::payments {

std::string SignContent(const ProviderParams& params,
                        std::initializer_list<std::string_view> excluded, bool skip_empty) {
  std::string content;
  // std::map orders names by std::string's comparison, which is byte order (as PHP's ksort
  // and Java's TreeMap put ASCII names).
  for (const auto& [name, value] : params) {
    if (std::find(excluded.begin(), excluded.end(), name) != excluded.end() ||
        (skip_empty && value.empty())) {
      continue;
    }
    if (!content.empty()) {
      content += '&';
    }
    content += name;
    content += '=';
    content += value;
  }
  return content;
}

std::string ParamOf(const ProviderParams& params, std::string_view name) {
  const auto found = params.find(name);
  return found == params.end() ? std::string() : found->second;
}

}  // namespace creditd::payments
