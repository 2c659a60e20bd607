#include "payments/sandbox/sandbox_gateway.h"

namespace creditd::payments::sandbox {

Result<app::Checkout> SandboxPaymentGateway::StartCheckout(
    const domain::Order& order, const app::CheckoutContext& /*context*/) {
  // Order numbers are letters and digits only, so they need no escaping in a URL.
  return app::Checkout{base_url_ + "/sandbox/checkout/" + order.order_no, "", "",
                       domain::PayKind::kRedirect};
}

}  // namespace creditd::payments::sandbox
