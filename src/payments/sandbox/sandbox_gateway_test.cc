#include "payments/sandbox/sandbox_gateway.h"

#include <gtest/gtest.h>

namespace creditd::payments::sandbox {
namespace {

TEST(SandboxGatewayTest, PointsTheCheckoutAtTheLocalPage) {
  SandboxPaymentGateway gateway("http://127.0.0.1:8080");
  domain::Order order;
  order.order_no = "R20260122001";
  EXPECT_EQ(gateway.StartCheckout(order, {})->pay_url,
            "http://127.0.0.1:8080/sandbox/checkout/R20260122001");
  gateway.set_base_url("https://pay.example.com");
  EXPECT_EQ(gateway.StartCheckout(order, {})->pay_url,
            "https://pay.example.com/sandbox/checkout/R20260122001");
}

}  // namespace
}  // namespace creditd::payments::sandbox
