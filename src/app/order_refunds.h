// OrderRefunds: an operator refunds a paid order through the provider that collected it. The
// order's credits (or membership time) are taken back when the provider's refund notification
// arrives (EventInbox), like a refund made in the provider's own dashboard.
//
// Thread-safe. The provider call never runs inside a database transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/ports/billing_provider.h"
#include "app/ports/unit_of_work.h"
#include "common/result.h"
#include "domain/order.h"

namespace creditd::app {

class OrderRefunds {
 public:
  // `provider` may be nullptr (no billing provider). Not owned.
  OrderRefunds(Database& database, BillingProvider* provider)
      : database_(database), provider_(provider) {}

  struct Refunded {
    ProviderRefund refund;
    domain::Order order;
  };

  // Refunds `amount` (a decimal in the order's currency, "4.95"; nullopt for everything not
  // refunded yet) of a paid order of the provider's hosted checkouts. `idempotency_key`
  // (optional) makes a retry return the first refund; without one, the same amount asked twice
  // before the notification is refunded once. Errors: "payment_method_unavailable",
  // "order_not_found", "order_not_refundable" (not a paid order of this provider, or refunded in
  // full), "invalid_amount" / "invalid_field" (field amount: not more than what is left),
  // provider errors.
  Result<Refunded> Refund(std::string_view order_no, std::optional<std::string> amount,
                          std::string_view idempotency_key);

 private:
  Database& database_;
  BillingProvider* const provider_;
};

}  // namespace creditd::app
