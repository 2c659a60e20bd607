#include "domain/order.h"

#include <algorithm>

#include "domain/enum_names.h"
#include "domain/subscription.h"

namespace creditd::domain {

namespace {

constexpr std::string_view kKindNames[] = {"recharge", "membership"};
constexpr std::string_view kStatusNames[] = {"pending", "paid", "failed", "expired"};
constexpr std::string_view kMethodNames[] = {"alipay", "wechat", "sandbox", "stripe", "creem"};
constexpr std::string_view kPayKindNames[] = {"redirect", "qr"};
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
std::string_view PayKindName(PayKind kind) {
  return kPayKindNames[static_cast<size_t>(kind)];
}
std::optional<PayKind> ParsePayKind(std::string_view name) {
  return ParseEnumName<PayKind>(kPayKindNames, name);
}
std::string_view PaymentMethodName(PaymentMethod method) {
  return kMethodNames[static_cast<size_t>(method)];
}
std::optional<PaymentMethod> ParsePaymentMethod(std::string_view name) {
  return ParseEnumName<PaymentMethod>(kMethodNames, name);
}
std::string PaymentMethodNames() {
  std::string names;
  for (const std::string_view name : kMethodNames) {
    names += (names.empty() ? "" : ", ") + std::string(name);
  }
  return names;
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

CancelDecision DecideCancel(const Order& order, Timestamp now) {
  switch (order.status) {
    case OrderStatus::kPending:
      return IsOverdue(order, now) ? CancelDecision::kExpire : CancelDecision::kCancel;
    case OrderStatus::kFailed:
      return CancelDecision::kAlreadyCancelled;
    case OrderStatus::kPaid:
    case OrderStatus::kExpired:
      return CancelDecision::kRefuse;
  }
  return CancelDecision::kRefuse;
}

Timestamp ExtendMembership(std::optional<Timestamp> current_expiry, Timestamp now,
                           int duration_days) {
  const Timestamp start = current_expiry && *current_expiry > now ? *current_expiry : now;
  return start + duration_days * kDay;
}

RefundShare RefundTakesBack(const Order& order, int64_t refunded_before, int64_t refunded_now) {
  RefundShare share;
  const int64_t price = order.price.amount_minor();
  if (price <= 0) {
    return share;
  }
  const int64_t before = std::clamp<int64_t>(refunded_before, 0, price);
  const int64_t after = std::clamp<int64_t>(refunded_now, 0, price);
  if (after <= before) {
    return share;
  }
  // Shares of the cumulative amounts, so the parts of several partial refunds add up to the
  // share of their sum and a full refund takes exactly everything.
  const auto of = [&](int64_t total) {
    return ProportionalShare(total, after, price) - ProportionalShare(total, before, price);
  };
  share.credits = of(order.total_amount());
  const int64_t seconds =
      std::chrono::duration_cast<std::chrono::seconds>(order.duration_days * kDay).count();
  share.membership = std::chrono::seconds(of(seconds));
  return share;
}

std::optional<Timestamp> ShortenMembership(std::optional<Timestamp> expiry, Timestamp now,
                                           std::chrono::seconds taken) {
  if (!IsMember(expiry, now)) {
    return expiry;
  }
  return std::max(now, *expiry - taken);
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
