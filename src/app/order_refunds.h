// OrderRefunds: an operator refunds a paid order through the provider that collected it. The
// order's credits (or membership time) are taken back when the provider's refund notification
// arrives (EventInbox), like a refund made in the provider's own dashboard, or at once when the
// provider settles the refund in its answer and sends no notification (EPay, Alipay).
//
// Thread-safe. The provider call never runs inside a database transaction.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/idempotency.h"
#include "app/payment_providers.h"
#include "app/ports/payment_provider.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/order.h"

namespace creditd::app {

class OrderRefunds {
 public:
  // `providers` are the configured payment providers. Not owned.
  OrderRefunds(Database& database, const PaymentProviders& providers, const Clock& clock)
      : database_(database), providers_(providers), clock_(clock) {}

  struct Refunded {
    ProviderRefund refund;
    domain::Order order;
  };

  // Refunds `amount` (a decimal in the order's currency, "4.95"; nullopt for everything not
  // refunded yet) of a paid order settled by a configured provider. `idempotency_key` makes a
  // retry the same refund at the provider; it is required with an `amount`. Without one, a
  // refund of the rest asked twice before it is applied is refunded once. A refund settled in
  // the provider's answer is applied before this returns (the order returned shows it). One
  // refund of an order runs at a time in this process (providers without idempotency keys, like
  // EPay, would refund twice). Errors: "order_not_found", "invalid_idempotency_key" (an amount
  // without a key), "idempotency_key_in_flight" (a refund of the order is in progress),
  // "order_not_refundable" (not a paid order of a configured provider, or refunded in full),
  // "invalid_amount" / "invalid_field" (field amount: not more than what is left), provider
  // errors.
  Result<Refunded> Refund(std::string_view order_no, std::optional<std::string> amount,
                          std::string_view idempotency_key);

 private:
  Database& database_;
  const PaymentProviders& providers_;
  const Clock& clock_;
  InFlightKeys refunding_;  // Order numbers being refunded.
};

}  // namespace creditd::app
