// The payment-provider port (DESIGN.md section 7). An adapter turns a pending order into a
// checkout the payer can complete (a page URL, later a QR code); the provider's notification
// then comes back through the payment inbox and OrderService::ConfirmPayment.
//
// Implementations are thread-safe. StartCheckout may perform network I/O, so callers never hold
// a database transaction open across it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "domain/order.h"

namespace creditd::app {

struct Checkout {
  std::string pay_url;    // Where the payer completes the payment.
  std::string reference;  // The provider's id of the checkout (Stripe: cs_...), "" if none.
  // The PaymentProvider whose notifications, queries and refunds settle the order ("stripe",
  // "epay"), or "" when the order is paid in process (the sandbox page).
  std::string provider;
  domain::PayKind kind = domain::PayKind::kRedirect;  // pay_url opened, or shown as a QR code.
};

// Where the payer is, as far as the checkout cares: a provider with a page for desktops and
// another for phones (Alipay) picks by `device`.
enum class PayerDevice { kDesktop, kMobile };
struct CheckoutContext {
  PayerDevice device = PayerDevice::kDesktop;
  // The payer's address as the server saw it (WeChat Pay's H5 pay checks that the payer's
  // browser is where the payment was started from).
  std::string client_ip;
};

// What a gateway that spreads orders over several accounts of its provider reads (EPay's
// merchants with a daily limit each): the money already taken, or being paid, through one account.
// Implemented over the stored orders (OrderService's StoredCheckoutVolume); thread-safe.
class CheckoutVolume {
 public:
  virtual ~CheckoutVolume() = default;
  // The money (minor units) of `provider`'s orders through account `reference` (their
  // Checkout::reference) created at or after `since`, pending or paid. Errors: storage errors.
  virtual Result<int64_t> CheckoutSum(std::string_view provider, std::string_view reference,
                                      Timestamp since) = 0;
};

class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;

  // "sandbox", "stripe", ...: for messages and logs; nothing branches on it.
  virtual std::string_view name() const = 0;

  // Starts the checkout of a pending order. Safe to call again for the same order (returns an
  // equivalent checkout). Errors: "provider_unavailable" when the provider cannot be reached,
  // "provider_error" when it refuses.
  virtual Result<Checkout> StartCheckout(const domain::Order& order,
                                         const CheckoutContext& context) = 0;
};

}  // namespace creditd::app
