#include "payments/common/order_text.h"

namespace creditd::payments {

std::string ItemName(const domain::Order& order) {
  if (order.kind == domain::OrderKind::kRecharge) {
    return std::to_string(order.total_amount()) + " credits";
  }
  return "Membership " + order.membership_type + " (" + std::to_string(order.duration_days) +
         " days)";
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
