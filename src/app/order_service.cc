#include "app/order_service.h"

#include <algorithm>

#include "app/credit_ledger.h"
#include "app/idempotency.h"
#include "app/ports/account_repository.h"
#include "app/ports/catalog_repository.h"
#include "app/ports/meta_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/user_repository.h"
#include "app/result_codecs.h"
#include "app/transaction.h"
#include "common/money.h"
#include "common/order_number.h"
#include "common/status_macros.h"

namespace creditd::app {

using domain::Order;
using domain::OrderKind;
using domain::OrderStatus;

namespace {

// A conditional UPDATE of an order found it no longer pending: another transaction paid or
// closed it between our read and our write. InTransaction runs the work again on what is now.
Status OrderChanged() {
  return Status(reason::kDatabaseConflict, "the order changed concurrently; retry")
      .WithRetryAfter(1);
}

// Fills the priced part of a new order from the stored prices of its kind, or
// "price_not_found". Reads only the one price list the order needs.
Status PriceOrder(UnitOfWork& uow, Order& order) {
  if (order.kind == OrderKind::kRecharge) {
    CREDITD_ASSIGN_OR_RETURN(const auto packs, uow.catalog().ListCreditPacks());
    for (const auto& pack : packs) {
      if (pack.id == order.price_id && pack.is_active) {
        order.amount = pack.amount;
        order.bonus = pack.bonus;
        order.price = pack.price;
        return Status::Ok();
      }
    }
  } else {
    CREDITD_ASSIGN_OR_RETURN(const auto memberships, uow.catalog().ListMembershipPrices());
    for (const auto& membership : memberships) {
      if (membership.id == order.price_id && membership.is_active) {
        order.membership_type = membership.membership_type;
        order.duration_days = membership.duration_days;
        order.price = membership.price;
        return Status::Ok();
      }
    }
  }
  return Status(reason::kPriceNotFound,
                "price_id " + std::to_string(order.price_id) + " is not an active " +
                    (order.kind == OrderKind::kRecharge ? "credit pack" : "membership price"))
      .WithField("price_id");
}

std::string Describe(const Order& order) {
  if (order.kind == OrderKind::kRecharge) {
    std::string text = "Recharge " + std::to_string(order.amount) + " credits";
    if (order.bonus > 0) {
      text += " + " + std::to_string(order.bonus) + " bonus";
    }
    return text + " (" + order.order_no + ")";
  }
  return "Membership " + order.membership_type + " (" + order.order_no + ")";
}

// Applies a paid order's effect and marks it paid, inside the caller's unit of work.
// `payment_ref` is the provider's payment ("" for the sandbox); `accept_closed` pays an order
// that expired or failed meanwhile (a provider took the money).
Status ApplyPayment(UnitOfWork& uow, Order& order, Timestamp now,
                    const std::string& payment_ref = "", bool accept_closed = false) {
  OrderPayment payment;
  payment.paid_at = now;
  payment.payment_ref = payment_ref;
  payment.accept_closed = accept_closed;
  if (order.kind == OrderKind::kRecharge) {
    CreditCommand credit;
    credit.account_id = order.account_id;
    credit.amount = order.amount;
    credit.bonus = order.bonus;
    credit.type = domain::EntryType::kRecharge;
    credit.source = domain::GrantSource::kPurchase;
    credit.order_id = order.id;
    credit.reference = order.order_no;
    credit.description = Describe(order);
    CREDITD_ASSIGN_OR_RETURN(const domain::LedgerEntry entry,
                             CreditLedger::AddCredits(uow, credit, now));
    payment.credit_entry_id = entry.id;
  } else {
    CREDITD_ASSIGN_OR_RETURN(const domain::Account account,
                             uow.accounts().GetForUpdate(order.account_id));
    const Timestamp end =
        domain::ExtendMembership(account.member_expired_at, now, order.duration_days);
    payment.end_date = end;
    payment.start_date = end - order.duration_days * std::chrono::hours(24);
    CREDITD_RETURN_IF_ERROR(uow.accounts().SetMemberExpiry(order.account_id, end, now));
  }
  CREDITD_ASSIGN_OR_RETURN(const bool marked, uow.orders().MarkPaid(order.id, payment));
  if (!marked) {
    // Another transaction changed the order between our read and this write: roll back ours.
    return OrderChanged();
  }
  order.status = OrderStatus::kPaid;
  order.paid_at = now;
  order.start_date = payment.start_date;
  order.end_date = payment.end_date;
  order.credit_entry_id = payment.credit_entry_id;
  order.payment_ref = payment_ref;
  return Status::Ok();
}

}  // namespace

bool OrderService::ServedBy(const Order& order, const PaymentGateway& gateway) const {
  const auto served = config_.gateways.find(order.payment_method);
  return served != config_.gateways.end() && served->second == &gateway;
}

Result<OrderView> OrderService::View(UnitOfWork& uow, const Order& order) {
  CREDITD_ASSIGN_OR_RETURN(std::string pay_url, uow.orders().PayUrl(order.id));
  return OrderView{order, std::move(pay_url)};
}

Result<CreateOrderOutcome> OrderService::Create(const CreateOrderCommand& command) {
  const auto method = domain::ParsePaymentMethod(command.payment_method);
  if (!method) {
    return Status(reason::kInvalidPaymentMethod,
                  "payment_method must be one of " + domain::PaymentMethodNames())
        .WithField("payment_method");
  }
  const auto gateway = config_.gateways.find(*method);
  if (gateway == config_.gateways.end() || gateway->second == nullptr) {
    return Status(reason::kPaymentMethodUnavailable,
                  "payment method " + command.payment_method + " is not available on this server")
        .WithField("payment_method");
  }
  CheckoutContext context;
  context.client_ip = command.client_ip;
  if (command.device == "mobile") {
    context.device = PayerDevice::kMobile;
  } else if (!command.device.empty() && command.device != "desktop") {
    return Status(reason::kInvalidField, "device must be desktop or mobile").WithField("device");
  }
  const Timestamp now = clock_.Now();

  CREDITD_ASSIGN_OR_RETURN(
      CreateOrderOutcome outcome,
      InTransaction(
          database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<CreateOrderOutcome> {
            CREDITD_ASSIGN_OR_RETURN(const std::optional<Order> earlier,
                                     FindIdempotent<Order>(uow, command.idempotency));
            if (earlier) {
              CREDITD_ASSIGN_OR_RETURN(OrderView view, View(uow, *earlier));
              return CreateOrderOutcome{std::move(view), true};
            }
            CREDITD_ASSIGN_OR_RETURN(const domain::User user,
                                     uow.users().FindById(command.user_id));
            Order order;
            order.kind = command.kind;
            order.user_id = user.id;
            order.account_id = user.account_id;
            order.price_id = command.price_id;
            order.payment_method = *method;
            order.status = OrderStatus::kPending;
            order.created_at = now;
            order.expires_at = now + config_.payment_timeout;
            CREDITD_RETURN_IF_ERROR(PriceOrder(uow, order));
            const char prefix = domain::OrderNumberPrefix(order.kind);
            CREDITD_ASSIGN_OR_RETURN(const int64_t sequence,
                                     uow.meta().NextOrderSequence(prefix, FormatCompactDate(now)));
            order.order_no = FormatOrderNumber(prefix, now, sequence);
            CREDITD_ASSIGN_OR_RETURN(order.id, uow.orders().Insert(order));
            CREDITD_RETURN_IF_ERROR(StoreIdempotent(uow, command.idempotency, order, now));
            return CreateOrderOutcome{OrderView{order, ""}, false};
          }));
  if (outcome.replayed && !outcome.view.pay_url.empty()) {
    return outcome;
  }
  // The checkout may call a provider over the network, so it runs after the commit; an order
  // whose checkout could not start stays pending and expires.
  CREDITD_ASSIGN_OR_RETURN(const Checkout checkout,
                           gateway->second->StartCheckout(outcome.view.order, context));
  CREDITD_RETURN_IF_ERROR(InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
    return uow.orders().SetCheckout(outcome.view.order.id, checkout);
  }));
  outcome.view.pay_url = checkout.pay_url;
  outcome.view.order.provider = checkout.provider;
  outcome.view.order.pay_kind = checkout.kind;
  return outcome;
}

std::vector<std::string> OrderService::EnabledMethods() const {
  std::vector<std::string> methods;
  for (const auto& [method, gateway] : config_.gateways) {
    if (gateway != nullptr) {
      methods.emplace_back(domain::PaymentMethodName(method));
    }
  }
  return methods;
}

Result<OrderViewPage> OrderService::List(int64_t user_id, OrderKind kind, int64_t skip,
                                         int64_t limit) {
  return InTransaction(
      database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<OrderViewPage> {
        CREDITD_ASSIGN_OR_RETURN(const OrderPage page,
                                 uow.orders().ListForUser(user_id, kind, skip, limit));
        OrderViewPage views;
        views.total = page.total;
        for (const Order& order : page.items) {
          CREDITD_ASSIGN_OR_RETURN(OrderView view, View(uow, order));
          views.items.push_back(std::move(view));
        }
        return views;
      });
}

Result<OrderView> OrderService::Get(int64_t user_id, std::string_view order_no) {
  return InTransaction(
      database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<OrderView> {
        CREDITD_ASSIGN_OR_RETURN(const Order order, uow.orders().FindByNo(order_no));
        if (order.user_id != user_id) {
          // The same answer as for a number that does not exist: order numbers do not leak.
          return Status(reason::kOrderNotFound, "order not found");
        }
        return View(uow, order);
      });
}

Result<OrderView> OrderService::GetForGateway(const PaymentGateway& gateway,
                                              std::string_view order_no) {
  return InTransaction(
      database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<OrderView> {
        CREDITD_ASSIGN_OR_RETURN(const Order order, uow.orders().FindByNo(order_no));
        if (!ServedBy(order, gateway)) {
          return Status(
              reason::kOrderNotFound,
              "order " + order.order_no + " is not paid through " + std::string(gateway.name()));
        }
        return View(uow, order);
      });
}

Result<ConfirmOutcome> OrderService::ConfirmForGateway(const PaymentGateway& gateway,
                                                       OrderKind kind, std::string_view order_no) {
  const Timestamp now = clock_.Now();
  // An overdue order is marked expired and that change is committed; only then is the payment
  // refused, so the refusal and the stored state agree.
  bool expired = false;
  auto outcome = InTransaction(
      database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<ConfirmOutcome> {
        expired = false;
        CREDITD_ASSIGN_OR_RETURN(Order order, uow.orders().FindByNo(order_no));
        if (order.kind != kind) {
          return Status(reason::kOrderNotFound, "no " + std::string(domain::OrderKindName(kind)) +
                                                    " order " + std::string(order_no));
        }
        if (!ServedBy(order, gateway)) {
          // Only the provider's own notification may confirm a payment the provider collects.
          return Status(
              reason::kOrderNotPayable,
              "order " + order.order_no + " is not paid through " + std::string(gateway.name()));
        }
        ConfirmOutcome result;
        switch (domain::DecidePayment(order, now)) {
          case domain::PaymentDecision::kAlreadyPaid:
            result.already_paid = true;
            break;
          case domain::PaymentDecision::kApply:
            CREDITD_RETURN_IF_ERROR(ApplyPayment(uow, order, now));
            break;
          case domain::PaymentDecision::kExpire: {
            CREDITD_ASSIGN_OR_RETURN(const bool marked,
                                     uow.orders().MarkClosed(order.id, OrderStatus::kExpired, now));
            if (!marked) {  // Paid or closed since our read: decide again on what is.
              return OrderChanged();
            }
            order.status = OrderStatus::kExpired;
            expired = true;
            break;
          }
          case domain::PaymentDecision::kRefuse:
            if (order.status == OrderStatus::kExpired) {
              return Status(reason::kOrderExpired,
                            "order " + order.order_no + " expired unpaid; create a new order");
            }
            return Status(reason::kOrderNotPayable,
                          "order " + order.order_no + " is " +
                              std::string(domain::OrderStatusName(order.status)) +
                              " and can no longer be paid");
        }
        CREDITD_ASSIGN_OR_RETURN(result.view, View(uow, order));
        return result;
      });
  if (outcome.ok() && expired) {
    return Status(reason::kOrderExpired,
                  "order " + std::string(order_no) + " expired unpaid; create a new order");
  }
  return outcome;
}

Result<OrderView> OrderService::CancelForGateway(const PaymentGateway& gateway,
                                                 std::string_view order_no) {
  const Timestamp now = clock_.Now();
  // As with payments, an overdue order is marked expired and that is committed before the
  // cancel is refused.
  bool expired = false;
  auto cancelled =
      InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<OrderView> {
        expired = false;
        CREDITD_ASSIGN_OR_RETURN(Order order, uow.orders().FindByNo(order_no));
        if (!ServedBy(order, gateway)) {
          return Status(
              reason::kOrderNotFound,
              "order " + order.order_no + " is not paid through " + std::string(gateway.name()));
        }
        const domain::CancelDecision decision = domain::DecideCancel(order, now);
        if (decision == domain::CancelDecision::kRefuse) {
          return Status(reason::kOrderNotCancellable,
                        "order " + order.order_no + " is " +
                            std::string(domain::OrderStatusName(order.status)) +
                            " and can no longer be cancelled");
        }
        if (decision != domain::CancelDecision::kAlreadyCancelled) {
          const OrderStatus closed = decision == domain::CancelDecision::kExpire
                                         ? OrderStatus::kExpired
                                         : OrderStatus::kFailed;
          CREDITD_ASSIGN_OR_RETURN(const bool marked,
                                   uow.orders().MarkClosed(order.id, closed, now));
          if (!marked) {
            // A payment (or the expiry job) closed it since our read: decide again on what is.
            return OrderChanged();
          }
          order.status = closed;
          expired = closed == OrderStatus::kExpired;
        }
        return View(uow, order);
      });
  if (cancelled.ok() && expired) {
    return Status(
        reason::kOrderNotCancellable,
        "order " + std::string(order_no) + " expired unpaid and can no longer be cancelled");
  }
  return cancelled;
}

Result<ProviderPaymentResult> OrderService::ApplyProviderPayment(
    UnitOfWork& uow, const ProviderPaymentNotice& notice, Timestamp now) {
  auto found = uow.orders().FindByNo(notice.order_no);
  if (!found.ok() && found.status().reason() == reason::kOrderNotFound.name) {
    return ProviderPaymentResult::kUnknownOrder;
  }
  CREDITD_RETURN_IF_ERROR(found.status());
  Order order = std::move(*found);
  if (order.provider != notice.provider) {
    return ProviderPaymentResult::kUnknownOrder;
  }
  CREDITD_RETURN_IF_ERROR(uow.accounts().GetForUpdate(order.account_id).status());
  // Read again under the account lock: a concurrent notice may have paid it.
  CREDITD_ASSIGN_OR_RETURN(order, uow.orders().FindById(order.id));
  if (order.status == OrderStatus::kPaid) {
    return !notice.payment_ref.empty() && !order.payment_ref.empty() &&
                   notice.payment_ref != order.payment_ref
               ? ProviderPaymentResult::kSecondPayment
               : ProviderPaymentResult::kAlreadyPaid;
  }
  if (notice.amount_minor != order.price.amount_minor() ||
      notice.currency != order.currency().code()) {
    return ProviderPaymentResult::kMismatch;
  }
  CREDITD_RETURN_IF_ERROR(ApplyPayment(uow, order, now, notice.payment_ref, true));
  return ProviderPaymentResult::kApplied;
}

Result<bool> OrderService::ApplyProviderRefund(UnitOfWork& uow, int64_t order_id,
                                               const RefundReport& report,
                                               std::string_view reference, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(Order order, uow.orders().FindById(order_id));
  CREDITD_ASSIGN_OR_RETURN(const domain::Account account,
                           uow.accounts().GetForUpdate(order.account_id));
  CREDITD_ASSIGN_OR_RETURN(order, uow.orders().FindById(order_id));
  int64_t refunded_minor = report.refunded_total;
  if (!report.refund_id.empty()) {
    if (order.status != OrderStatus::kPaid || report.refund_amount <= 0) {
      return false;
    }
    // Kept under the account's lock: a concurrent refund of the same order counts in the sum.
    CREDITD_ASSIGN_OR_RETURN(refunded_minor,
                             uow.orders().KeepRefund(order.id, report.provider, report.refund_id,
                                                     report.refund_amount, now));
  }
  const int64_t refunded = std::min(refunded_minor, order.price.amount_minor());
  const int64_t refunded_before = order.refunded.amount_minor();
  if (order.status != OrderStatus::kPaid || refunded <= refunded_before) {
    return false;
  }
  const domain::RefundShare share = domain::RefundTakesBack(order, refunded_before, refunded);
  if (order.kind == OrderKind::kRecharge && share.credits > 0 && order.credit_entry_id) {
    ClawBackCommand command;
    command.account_id = order.account_id;
    command.entry_id = *order.credit_entry_id;
    command.amount = share.credits;
    command.reference = std::string(reference);
    command.description = "refund of order " + order.order_no + ": unspent credits taken back";
    CREDITD_RETURN_IF_ERROR(CreditLedger::ClawBack(uow, command, now).status());
  }
  if (order.kind == OrderKind::kMembership && share.membership.count() > 0) {
    const auto shortened =
        domain::ShortenMembership(account.member_expired_at, now, share.membership);
    if (shortened && shortened != account.member_expired_at) {
      CREDITD_RETURN_IF_ERROR(uow.accounts().SetMemberExpiry(order.account_id, *shortened, now));
    }
  }
  // What could not be taken (spent credits, time already used) counts as handled all the same.
  CREDITD_RETURN_IF_ERROR(uow.orders().SetRefunded(order.id, refunded, now));
  return true;
}

Result<int64_t> StoredCheckoutVolume::CheckoutSum(std::string_view provider,
                                                  std::string_view reference, Timestamp since) {
  return InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
    return uow.orders().SumCheckouts(provider, reference, since);
  });
}

Result<bool> OrderService::CloseUnpaid(UnitOfWork& uow, std::string_view order_no,
                                       std::string_view provider, OrderStatus status,
                                       Timestamp now) {
  auto found = uow.orders().FindByNo(order_no);
  if (!found.ok() && found.status().reason() == reason::kOrderNotFound.name) {
    return false;
  }
  CREDITD_RETURN_IF_ERROR(found.status());
  if (found->provider != provider) {
    return false;
  }
  return uow.orders().MarkClosed(found->id, status, now);
}

Result<int64_t> OrderService::ExpireOverdue(Timestamp now, int limit) {
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<int64_t> {
    CREDITD_ASSIGN_OR_RETURN(const auto ids, uow.orders().ListOverdue(now, limit));
    int64_t expired = 0;
    for (const int64_t id : ids) {
      CREDITD_ASSIGN_OR_RETURN(const bool closed,
                               uow.orders().MarkClosed(id, OrderStatus::kExpired, now));
      expired += closed ? 1 : 0;
    }
    return expired;
  });
}

}  // namespace creditd::app
