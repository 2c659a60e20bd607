// RegisterRoutes: the composition of every route the server answers, in one place (the OpenAPI
// document lists the same set; tests/api/openapi.test.mjs checks they agree).
#pragma once

#include <functional>
#include <string>

#include "app/account_service.h"
#include "app/api_key_service.h"
#include "app/auth_service.h"
#include "app/billing_reconciler.h"
#include "app/catalog_service.h"
#include "app/charge_service.h"
#include "app/credit_service.h"
#include "app/event_inbox.h"
#include "app/order_refunds.h"
#include "app/order_service.h"
#include "app/ports/unit_of_work.h"
#include "app/subscription_commands.h"
#include "app/subscription_service.h"
#include "app/team_service.h"
#include "app/tool_run_service.h"
#include "http/router.h"

namespace creditd::http {

struct ApiServices {
  app::AuthService& auth;
  app::AccountService& accounts;
  app::CatalogService& catalog;
  app::CreditService& credits;
  app::OrderService& orders;
  app::ApiKeyService& api_keys;
  app::ChargeService& charges;
  app::ToolRunService& runs;
  app::SubscriptionService& subscriptions;
  app::SubscriptionCommands& billing;
  app::EventInbox& inbox;
  app::BillingReconciler& reconciler;
  app::OrderRefunds& refunds;
  app::TeamService& teams;
  app::Database& database;
  std::function<bool()> draining;  // True once graceful shutdown began.
  std::string openapi_json;        // Served at /api/v1/openapi.json.
  std::string version;
  // GET /metrics: the Prometheus exposition (blocking: it reads ledger totals), and whether a
  // request's Bearer token ("" without one) may read it (always, when no token is configured).
  std::function<std::string()> render_metrics;
  std::function<bool(std::string_view)> metrics_authorized;
};

// Adds every route to `router`. `services` must outlive the router.
void RegisterRoutes(Router& router, ApiServices& services);

// Seed 002's /api/v1/credit/ routes (credit_routes.cc); its simulated payment/callback and the
// sandbox pages are the sandbox provider's (src/payments/sandbox/sandbox_routes.h).
void RegisterCreditRoutes(Router& router, ApiServices& services);

// The charging API for tool backends (/api/v1/charges, /api/v1/entitlements) and end-user tool
// runs (/api/v1/tools/{tool}/runs) (charge_routes.cc).
void RegisterChargeRoutes(Router& router, ApiServices& services);

// Seed 003's /api/subscription routes and the Stripe webhook (subscription_routes.cc).
void RegisterSubscriptionRoutes(Router& router, ApiServices& services);

// Teams under /api/v1/teams (team_routes.cc).
void RegisterTeamRoutes(Router& router, ApiServices& services);

}  // namespace creditd::http
