#include "domain/order.h"

#include "domain/enum_names.h"

namespace creditd::domain {

namespace {

constexpr std::string_view kKindNames[] = {"recharge", "membership"};
constexpr std::string_view kStatusNames[] = {"pending", "paid", "failed", "expired"};
constexpr std::string_view kMethodNames[] = {"alipay", "wechat", "sandbox"};
constexpr auto kDay = std::chrono::hours(24);
}  // namespace

std::string_view OrderKindName(OrderKind kind) {
  return kKindNames[static_cast<size_t>(kind)];
}
std::optional<OrderKind> ParseOrderKind(std::string_view name) {
  return ParseEnumName<OrderKind>(kKindNames, name);
}
std::string_view OrderStatusName(OrderStatus status) {
  return kStatusNames[static_cast<size_t>(status)];
}
std::optional<OrderStatus> ParseOrderStatus(std::string_view name) {
  return ParseEnumName<OrderStatus>(kStatusNames, name);
}
std::string_view PaymentMethodName(PaymentMethod method) {
  return kMethodNames[static_cast<size_t>(method)];
}
std::optional<PaymentMethod> ParsePaymentMethod(std::string_view name) {
  return ParseEnumName<PaymentMethod>(kMethodNames, name);
}

char OrderNumberPrefix(OrderKind kind) {
  return kind == OrderKind::kRecharge ? 'R' : 'M';
}

bool IsOverdue(const Order& order, Timestamp now) {
  return order.status == OrderStatus::kPending && now >= order.expires_at;
}

PaymentDecision DecidePayment(const Order& order, Timestamp now) {
  switch (order.status) {
    case OrderStatus::kPaid:
      return PaymentDecision::kAlreadyPaid;
    case OrderStatus::kFailed:
    case OrderStatus::kExpired:
      return PaymentDecision::kRefuse;
    case OrderStatus::kPending:
      return IsOverdue(order, now) ? PaymentDecision::kExpire : PaymentDecision::kApply;
  }
  return PaymentDecision::kRefuse;
}

Timestamp ExtendMembership(std::optional<Timestamp> current_expiry, Timestamp now,
                           int duration_days) {
  const Timestamp start = current_expiry && *current_expiry > now ? *current_expiry : now;
  return start + duration_days * kDay;
}

bool IsMember(std::optional<Timestamp> expiry, Timestamp now) {
  return expiry && *expiry > now;
}

int64_t MembershipDaysLeft(std::optional<Timestamp> expiry, Timestamp now) {
  if (!IsMember(expiry, now)) {
    return 0;
  }
  const auto left = *expiry - now;
  return (left + kDay - std::chrono::seconds(1)) / kDay;
}

}  // namespace creditd::domain
