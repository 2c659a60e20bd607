// SandboxPaymentGateway: the local simulated checkout (DESIGN.md section 7). Its checkout URL
// opens creditd's own page /sandbox/checkout/{order_no}, whose Pay button confirms the payment the
// way a provider's notification would. For development and tests; refused in production mode.
//
// Thread-safe once configured: set_base_url() is called before the server starts serving.
#pragma once

#include <string>

#include "app/ports/payment_gateway.h"

namespace creditd::payments::sandbox {

class SandboxPaymentGateway final : public app::PaymentGateway {
 public:
  // `base_url` is the public address of this server, like "http://127.0.0.1:8080".
  explicit SandboxPaymentGateway(std::string base_url) : base_url_(std::move(base_url)) {}

  void set_base_url(std::string base_url) { base_url_ = std::move(base_url); }

  std::string_view name() const override { return "sandbox"; }

  // Returns <base_url>/sandbox/checkout/<order_no>. Never fails.
  Result<app::Checkout> StartCheckout(const domain::Order& order,
                                      const app::CheckoutContext& context) override;

 private:
  std::string base_url_;
};

}  // namespace creditd::payments::sandbox
