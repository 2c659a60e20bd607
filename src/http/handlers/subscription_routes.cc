// Seed 003's subscription routes under /api/subscription (the seed's camelCase field names in
// `data`). This part serves what needs no payment provider: the current subscription with its
// plan and usage, and usage per month against the plan's quotas.
#include "common/status_macros.h"
#include "http/error_response.h"
#include "http/handlers/handler_support.h"
#include "http/handlers/routes.h"

namespace creditd::http {

using nlohmann::json;

namespace {

json SubscriptionJson(const std::optional<domain::Subscription>& subscription) {
  if (!subscription) {
    return nullptr;
  }
  const domain::Subscription& s = *subscription;
  return {{"id", s.id},
          {"plan", s.plan_key},
          {"status", domain::SubscriptionStatusName(s.status)},
          {"provider", s.provider},
          {"stripeCustomerId", s.provider_customer_id},
          {"stripeSubscriptionId", s.provider_subscription_id},
          {"stripePriceId", s.price_id},
          {"interval", s.interval},
          {"currentPeriodStart", FormatRfc3339(s.current_period_start)},
          {"currentPeriodEnd", FormatRfc3339(s.current_period_end)},
          {"cancelAtPeriodEnd", s.cancel_at_period_end},
          {"createdAt", FormatRfc3339(s.created_at)},
          {"updatedAt", FormatRfc3339(s.updated_at)}};
}

json PlanJson(const domain::Plan& plan) {
  return {{"key", plan.key},
          {"name", plan.name},
          {"monthlyPrice", PriceText(plan.monthly_price_minor, plan.currency)},
          {"yearlyPrice", PriceText(plan.yearly_price_minor, plan.currency)},
          {"currency", plan.currency},
          {"monthlyCredits", plan.monthly_credits},
          {"features", plan.features},
          {"quotas", plan.quotas},
          {"trialDays", plan.trial_days}};
}

json UsageJson(const app::SubscriptionOverview& overview) {
  json resources = json::object();
  for (const auto& [type, usage] : overview.usage) {
    resources[type] = {{"used", usage.used},
                       {"limit", usage.limit ? json(*usage.limit) : json(nullptr)},
                       {"percent", usage.percent},
                       {"overLimit", usage.limit.has_value() && usage.used > *usage.limit}};
  }
  return {{"period", overview.period}, {"resources", resources}};
}

}  // namespace

void RegisterSubscriptionRoutes(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  app::SubscriptionService& subscriptions = services.subscriptions;

  router.Add(Method::kGet, "/api/subscription", [&auth, &subscriptions](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const app::SubscriptionOverview overview,
                               subscriptions.Get(principal.user_id, std::nullopt));
      return Success({{"subscription", SubscriptionJson(overview.subscription)},
                      {"plan", PlanJson(overview.plan)},
                      {"usage", UsageJson(overview)}});
    });
  });

  router.Add(Method::kGet, "/api/subscription/usage", [&auth, &subscriptions](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      std::optional<std::string> period;
      if (const auto value = request.Query("period")) {
        period = std::string(*value);
      }
      CREDITD_ASSIGN_OR_RETURN(const app::SubscriptionOverview overview,
                               subscriptions.Get(principal.user_id, period));
      json data = UsageJson(overview);
      data["plan"] = overview.plan.key;
      return Success(std::move(data));
    });
  });
}

}  // namespace creditd::http
