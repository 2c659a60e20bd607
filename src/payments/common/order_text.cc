#include "payments/common/order_text.h"

#include <algorithm>

#include "common/strings.h"
#include "payments/common/provider_crypto.h"

namespace creditd::payments {

std::string ItemName(const domain::Order& order) {
  if (order.kind == domain::OrderKind::kRecharge) {
    return std::to_string(order.total_amount()) + " credits";
  }
  return "Membership " + order.membership_type + " (" + std::to_string(order.duration_days) +
         " days)";
}

std::string RequestNumber(std::string_view key, size_t max_length) {
  const bool plain =
      !key.empty() && key.size() <= max_length && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               c == '_' || c == '-';
      });
  return plain ? std::string(key) : HexEncode(Md5(key));
}

std::optional<std::string> PayerAddress(std::string_view address) {
  if (address.starts_with("::ffff:") && address.find('.') != std::string_view::npos) {
    address.remove_prefix(7);
  }
  if (address.empty() || address == "unknown") {
    return std::nullopt;
  }
  return std::string(address);
}

app::NotificationReply WordReply(app::NotificationOutcome outcome, std::string_view accepted,
                                 std::string_view refused) {
  constexpr std::string_view kText = "text/plain; charset=utf-8";
  switch (outcome) {
    case app::NotificationOutcome::kAccepted:
      return {200, std::string(kText), std::string(accepted)};
    case app::NotificationOutcome::kRejected:
      return {400, std::string(kText), std::string(refused)};
    case app::NotificationOutcome::kFailed:
      break;
  }
  return {500, std::string(kText), std::string(refused)};
}

}  // namespace creditd::payments
