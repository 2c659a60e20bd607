// Orders: what a user buys with money (seed 002's RechargeOrder and MembershipOrder), and the
// membership rules. An order is created pending, becomes paid exactly once (its effects then
// happen in the same transaction), or ends failed (cancelled, declined) or expired (not paid
// within kPendingOrderLifetime).
//
// Pure: no I/O, no clock reads. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/money.h"
#include "common/result.h"

namespace creditd::domain {

enum class OrderKind { kRecharge, kMembership };
enum class OrderStatus { kPending, kPaid, kFailed, kExpired };
enum class PaymentMethod { kAlipay, kWechat, kSandbox, kStripe, kCreem };
// How the payer completes a checkout: open its URL (a page, or a deep link), or scan it as a QR
// code (Alipay 当面付, WeChat Pay Native).
enum class PayKind { kRedirect, kQr };

// Wire and storage spellings: "recharge"/"membership", "pending"/"paid"/"failed"/"expired",
// "alipay"/"wechat"/"sandbox"/"stripe"/"creem".
std::string_view OrderKindName(OrderKind kind);
std::optional<OrderKind> ParseOrderKind(std::string_view name);
std::string_view OrderStatusName(OrderStatus status);
std::optional<OrderStatus> ParseOrderStatus(std::string_view name);
// "redirect"/"qr".
std::string_view PayKindName(PayKind kind);
std::optional<PayKind> ParsePayKind(std::string_view name);
std::string_view PaymentMethodName(PaymentMethod method);
std::optional<PaymentMethod> ParsePaymentMethod(std::string_view name);
// Every method's wire name in enum order, comma-separated ("alipay, wechat, sandbox, stripe,
// creem"): what an error about a bad payment_method lists.
std::string PaymentMethodNames();

// The order-number prefix of a kind: 'R' for recharge, 'M' for membership.
char OrderNumberPrefix(OrderKind kind);

// How long a pending order may be paid (issue: 30 minutes, then the expiry job ends it).
inline constexpr std::chrono::seconds kPendingOrderLifetime{30 * 60};

struct Order {
  int64_t id = 0;
  std::string order_no;
  OrderKind kind = OrderKind::kRecharge;
  int64_t user_id = 0;
  int64_t account_id = 0;
  int64_t price_id = 0;  // The credit pack or membership price bought.
  // Recharge: credits bought and bonus credits; total = amount + bonus.
  int64_t amount = 0;
  int64_t bonus = 0;
  // Membership: type ("monthly") and length.
  std::string membership_type;
  int duration_days = 0;
  Money price{0, Currency::Cny()};
  PaymentMethod payment_method = PaymentMethod::kSandbox;
  OrderStatus status = OrderStatus::kPending;
  Timestamp created_at{};
  Timestamp expires_at{};  // Deadline for payment while pending.
  std::optional<Timestamp> paid_at;
  std::optional<Timestamp> start_date;  // Membership period bought, set when paid.
  std::optional<Timestamp> end_date;
  // The payment provider that settles the order ("stripe", "epay"; "" when it is paid in process,
  // on the sandbox page), its checkout (Stripe: cs_...) and, once paid, its payment (pi_...).
  std::string provider;
  PayKind pay_kind = PayKind::kRedirect;  // How the checkout's pay URL is used.
  std::string checkout_ref;
  std::string payment_ref;
  // The RECHARGE entry a paid recharge order made (what a refund takes credits back from).
  std::optional<int64_t> credit_entry_id;
  // Money refunded by the provider so far (cumulative, at most price, in its currency).
  Money refunded{0, Currency::Cny()};

  int64_t total_amount() const { return amount + bonus; }
  Currency currency() const { return price.currency(); }
};

// What confirming a payment for `order` at `now` must do.
enum class PaymentDecision {
  kApply,        // Pending and in time: mark paid and apply the effects.
  kAlreadyPaid,  // Paid before: acknowledge, change nothing.
  kExpire,       // Pending but past its deadline: mark expired; refuse the payment.
  kRefuse,       // Failed or expired: refuse.
};

// Decides how a payment notification for `order` is handled at `now`.
PaymentDecision DecidePayment(const Order& order, Timestamp now);

// What the payer's "cancel" of `order` at `now` must do.
enum class CancelDecision {
  kCancel,            // Pending and in time: mark it failed.
  kAlreadyCancelled,  // Cancelled (failed) before: answer it as it is, change nothing.
  kExpire,            // Pending but past its deadline: mark expired; refuse the cancel.
  kRefuse,            // Paid or expired: nothing to cancel; change nothing.
};

// Decides how a payer's cancel of `order` is handled at `now`, so a cancel never closes what a
// payment or the deadline closed first.
CancelDecision DecideCancel(const Order& order, Timestamp now);

// Returns true if `order` is pending and past its deadline at `now`.
bool IsOverdue(const Order& order, Timestamp now);

// Returns the new membership expiry when `duration_days` are bought at `now`: buying again
// extends from the current expiry if it is still in the future, else from now.
Timestamp ExtendMembership(std::optional<Timestamp> current_expiry, Timestamp now,
                           int duration_days);

// What a refund of a paid order takes back when the refunded money grows from `refunded_before`
// to `refunded_now` (cumulative minor units, clamped to the price): the same share of the
// order's credits (recharge: amount + bonus) and of its membership time (seconds), rounded down
// so repeated partial refunds never take more than the whole.
struct RefundShare {
  int64_t credits = 0;
  std::chrono::seconds membership{0};
};
RefundShare RefundTakesBack(const Order& order, int64_t refunded_before, int64_t refunded_now);

// The membership expiry after `taken` is taken back at `now`: shortened, but never into the past
// (a membership that already ended stays as it is).
std::optional<Timestamp> ShortenMembership(std::optional<Timestamp> expiry, Timestamp now,
                                           std::chrono::seconds taken);

// Returns true while `expiry` is in the future.
bool IsMember(std::optional<Timestamp> expiry, Timestamp now);

// Returns the whole days of membership left at `now`, rounded up (0 when not a member).
int64_t MembershipDaysLeft(std::optional<Timestamp> expiry, Timestamp now);

}  // namespace creditd::domain
