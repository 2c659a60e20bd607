// The sandbox provider's HTTP side (DESIGN.md section 7): its server-rendered checkout pages for
// orders (/sandbox/checkout/{order_no}, Pay and Cancel) and subscriptions
// (/sandbox/subscription/{id}, Subscribe), and seed 002's simulated
// POST /api/v1/credit/payment/callback. Registered by src/main/ only when creditd runs with
// --payments-sandbox; otherwise RegisterDisabledSandboxRoutes answers the same paths with 403
// sandbox_disabled and changes nothing.
//
// The objects passed must outlive the router. Thread-safe as the services are.
#pragma once

#include "app/order_service.h"
#include "http/router.h"
#include "payments/sandbox/sandbox_billing_provider.h"
#include "payments/sandbox/sandbox_gateway.h"

namespace creditd::payments::sandbox {

// `billing` is the sandbox billing provider when it plays subscriptions (no other provider is
// configured), else nullptr: its pages then find no subscription.
void RegisterSandboxRoutes(http::Router& router, app::OrderService& orders,
                           SandboxPaymentGateway& gateway, SandboxBillingProvider* billing);

void RegisterDisabledSandboxRoutes(http::Router& router);

}  // namespace creditd::payments::sandbox
