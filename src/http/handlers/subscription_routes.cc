// Seed 003's subscription routes under /api/subscription (the seed's camelCase field names in
// `data`): the current subscription with its plan, usage and the prices on offer; checkout,
// portal, cancel and plan changes through the billing provider; GET|POST /webhooks/{provider},
// every payment provider's notifications (answered {"received": true} or in the provider's own
// words; 400 for a bad signature, 500 when applying failed so the provider delivers it again);
// and the operators' billing routes (outbox, notifications received, reconcile, unfreeze).
#include <functional>

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
          {"interval", domain::BillingIntervalName(s.interval)},
          {"currentPeriodStart", FormatRfc3339(s.current_period_start)},
          {"currentPeriodEnd", FormatRfc3339(s.current_period_end)},
          {"cancelAtPeriodEnd", s.cancel_at_period_end},
          {"pendingPlan", s.pending_plan_key.empty() ? json(nullptr) : json(s.pending_plan_key)},
          {"createdAt", FormatRfc3339(s.created_at)},
          {"updatedAt", FormatRfc3339(s.updated_at)}};
}

json PlanJson(const domain::Plan& plan) {
  return {{"key", plan.key},
          {"name", plan.name},
          {"monthlyPrice", plan.monthly_price.ToDecimalString()},
          {"yearlyPrice", plan.yearly_price.ToDecimalString()},
          {"currency", plan.currency().code()},
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

Result<json> PricesJson(app::SubscriptionCommands& billing) {
  CREDITD_ASSIGN_OR_RETURN(const auto options, billing.Prices());
  json prices = json::array();
  for (const app::PriceOption& option : options) {
    prices.push_back({{"priceId", option.price_id},
                      {"plan", option.plan.plan_key},
                      {"interval", domain::BillingIntervalName(option.plan.interval)}});
  }
  return prices;
}

// The price id of a checkout or plan change: {"priceId": "price_..."}.
Result<std::string> ReadPriceId(const Request& request) {
  CREDITD_ASSIGN_OR_RETURN(JsonObjectReader reader, ReadJsonBody(request));
  std::string price_id = reader.RequiredString("priceId", 255);
  CREDITD_RETURN_IF_ERROR(reader.Finish());
  return price_id;
}

// A provider's notification, GET or POST /webhooks/{provider}. Answered in the provider's own
// format when it has one (EPay and Alipay want the word "success"), else outside the /api
// envelope's status mapping: a bad request is 400, any failure to apply is 500 (providers retry
// every non-2xx answer, Stripe for up to three days).
Response WebhookResponse(Request& request, app::EventInbox& inbox) {
  const std::string& provider = request.path_params["provider"];
  app::ProviderNotification notification;
  notification.method = std::string(MethodName(request.method));
  notification.query = request.raw_query;
  notification.body = request.body;
  notification.headers = request.headers;
  const auto receipt = inbox.ReceiveEvent(provider, notification);
  const std::string_view why = receipt.status().reason();
  const bool unknown = why == reason::kPaymentMethodUnavailable.name;
  const bool refused = why == reason::kInvalidSignature.name || why == reason::kMalformedJson.name;
  const app::NotificationOutcome outcome = receipt.ok() ? app::NotificationOutcome::kAccepted
                                           : refused    ? app::NotificationOutcome::kRejected
                                                        : app::NotificationOutcome::kFailed;
  if (!unknown) {
    if (auto reply = inbox.Reply(provider, outcome)) {
      Response response;
      response.status = reply->status;
      response.content_type = std::move(reply->content_type);
      response.body = std::move(reply->body);
      if (!receipt.ok()) {
        response.error_reason = std::string(why);
      }
      return response;
    }
  }
  if (receipt.ok()) {
    return Success({{"received", true},
                    {"eventId", receipt->event_id},
                    {"outcome", app::EventOutcomeName(receipt->outcome)},
                    {"duplicate", receipt->duplicate}});
  }
  Response response = ErrorResponse(receipt.status(), request.request_id);
  if (outcome == app::NotificationOutcome::kFailed && !unknown) {
    response.status = 500;
  }
  return response;
}

// The providers' notifications and what operators do about billing: the mail outbox (dunning
// notices), the notifications received, reconciliation and lifting a dispute freeze.
void RegisterProviderRoutes(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  app::EventInbox& inbox = services.inbox;
  // Stripe, Creem and WeChat Pay POST their notifications; EPay sends them by GET.
  for (const Method method : {Method::kGet, Method::kPost}) {
    router.Add(method, "/webhooks/{provider}",
               [&inbox](Request& request) { return WebhookResponse(request, inbox); });
  }

  // Operators: the mail outbox (dunning notices) and lifting a dispute freeze.
  router.Add(Method::kGet, "/api/v1/admin/outbox", [&auth, &inbox](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const Page page, ParsePage(request));
      const std::string recipient(request.Query("recipient").value_or(""));
      CREDITD_ASSIGN_OR_RETURN(const auto messages,
                               inbox.Outbox(recipient, static_cast<int>(page.limit)));
      json items = json::array();
      for (const app::OutboxMessage& message : messages) {
        items.push_back({{"id", message.id},
                         {"kind", message.kind},
                         {"recipient", message.recipient},
                         {"subject", message.subject},
                         {"body", message.body},
                         {"created_at", FormatRfc3339(message.created_at)},
                         {"sent_at", OptionalTimeJson(message.sent_at)}});
      }
      return Success({{"items", items}});
    });
  });

  // Operators: the notifications received, e.g. ?outcome=poison for payments kept aside.
  router.Add(Method::kGet, "/api/v1/admin/billing/events", [&auth, &inbox](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const Page page, ParsePage(request));
      std::optional<app::EventOutcome> outcome;
      if (const auto name = request.Query("outcome")) {
        outcome = app::ParseEventOutcome(*name);
        if (!outcome) {
          return Status(reason::kInvalidQuery,
                        "outcome must be processed, ignored, failed or poison")
              .WithField("outcome");
        }
      }
      CREDITD_ASSIGN_OR_RETURN(const auto events,
                               inbox.Events(outcome, static_cast<int>(page.limit)));
      json items = json::array();
      for (const app::ProviderEventRecord& event : events) {
        items.push_back({{"provider", event.provider},
                         {"event_id", event.event_id},
                         {"type", event.type},
                         {"outcome", app::EventOutcomeName(event.outcome)},
                         {"attempts", event.attempts},
                         {"last_error", event.last_error},
                         {"created_at", FormatRfc3339(event.created)},
                         {"received_at", FormatRfc3339(event.received_at)},
                         {"payload", event.payload}});
      }
      return Success({{"items", items}});
    });
  });

  app::BillingReconciler& reconciler = services.reconciler;
  router.Add(Method::kPost, "/api/v1/admin/billing/reconcile",
             [&auth, &reconciler](Request& request) {
               return Respond(request, [&]() -> Result<Response> {
                 CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
                 CREDITD_RETURN_IF_ERROR(ExpectNoBody(request));
                 CREDITD_ASSIGN_OR_RETURN(const int64_t fetched, reconciler.ReconcileNow());
                 return Success({{"fetched", fetched}});
               });
             });

  router.Add(Method::kPost, "/api/v1/admin/accounts/{id}/unfreeze",
             [&auth, &services](Request& request) {
               return Respond(request, [&]() -> Result<Response> {
                 CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
                 CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
                 CREDITD_RETURN_IF_ERROR(ExpectNoBody(request));
                 CREDITD_RETURN_IF_ERROR(services.accounts.LiftFreeze(id));
                 CREDITD_ASSIGN_OR_RETURN(const auto account, services.accounts.GetAccount(id));
                 return Success(AccountJson(account));
               });
             });
}

}  // namespace

void RegisterSubscriptionRoutes(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  app::SubscriptionService& subscriptions = services.subscriptions;

  app::SubscriptionCommands& billing = services.billing;
  app::TeamService& teams = services.teams;

  // Every route acts for the caller's personal account or, with X-Account-Id, for a team: any
  // member reads, owners and admins change the subscription.
  router.Add(Method::kGet, "/api/subscription",
             [&auth, &subscriptions, &billing, &teams](Request& request) {
               return Respond(request, [&]() -> Result<Response> {
                 CREDITD_ASSIGN_OR_RETURN(const app::Principal principal,
                                          Authenticate(request, auth));
                 CREDITD_ASSIGN_OR_RETURN(const app::ActingAccount acting,
                                          ActingAccountOf(request, principal, teams));
                 CREDITD_ASSIGN_OR_RETURN(const app::SubscriptionOverview overview,
                                          subscriptions.Get(acting.account_id, std::nullopt));
                 CREDITD_ASSIGN_OR_RETURN(const json prices, PricesJson(billing));
                 return Success({{"subscription", SubscriptionJson(overview.subscription)},
                                 {"plan", PlanJson(overview.plan)},
                                 {"usage", UsageJson(overview)},
                                 {"prices", prices}});
               });
             });

  // The pricing cards: every plan of the catalog with the price ids on offer for it (public, so a
  // signed-out visitor sees the prices too).
  router.Add(Method::kGet, "/api/subscription/plans", [&services, &billing](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto catalog, services.catalog.Cached());
      CREDITD_ASSIGN_OR_RETURN(const std::vector<app::PriceOption> options, billing.Prices());
      json plans = json::array();
      for (const domain::Plan& plan : catalog->plans) {
        json entry = PlanJson(plan);
        json prices = {{"monthly", nullptr}, {"yearly", nullptr}};
        for (const app::PriceOption& option : options) {
          if (option.plan.plan_key == plan.key) {
            const bool yearly = option.plan.interval == domain::BillingInterval::kYear;
            prices[yearly ? "yearly" : "monthly"] = option.price_id;
          }
        }
        entry["priceIds"] = std::move(prices);
        plans.push_back(std::move(entry));
      }
      return Success({{"plans", plans}});
    });
  });

  // The four changes share their frame: a signed-in caller who manages the account it acts for.
  using Change =
      std::function<Result<Response>(Request&, const app::Principal&, const app::ActingAccount&)>;
  const auto managed = [&auth, &teams](Change change) {
    return [&auth, &teams, change = std::move(change)](Request& request) {
      return Respond(request, [&]() -> Result<Response> {
        CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
        CREDITD_ASSIGN_OR_RETURN(const app::ActingAccount acting,
                                 ManagedAccountOf(request, principal, teams));
        return change(request, principal, acting);
      });
    };
  };

  router.Add(Method::kPost, "/api/subscription/checkout",
             managed([&billing](Request& request, const app::Principal& principal,
                                const app::ActingAccount& acting) -> Result<Response> {
               CREDITD_ASSIGN_OR_RETURN(const std::string price_id, ReadPriceId(request));
               CREDITD_ASSIGN_OR_RETURN(
                   const std::string url,
                   billing.Checkout(principal.user_id, price_id, acting.account_id));
               return Success({{"checkoutUrl", url}});
             }));
  router.Add(Method::kPost, "/api/subscription/portal",
             managed([&billing](Request& request, const app::Principal& principal,
                                const app::ActingAccount& acting) -> Result<Response> {
               CREDITD_RETURN_IF_ERROR(ExpectNoBody(request));
               CREDITD_ASSIGN_OR_RETURN(const std::string url,
                                        billing.Portal(principal.user_id, acting.account_id));
               return Success({{"portalUrl", url}});
             }));
  router.Add(Method::kPost, "/api/subscription/cancel",
             managed([&billing](Request& request, const app::Principal& principal,
                                const app::ActingAccount& acting) -> Result<Response> {
               CREDITD_RETURN_IF_ERROR(ExpectNoBody(request));
               CREDITD_RETURN_IF_ERROR(billing.Cancel(principal.user_id, acting.account_id));
               return Success({{"success", true}});
             }));
  router.Add(
      Method::kPost, "/api/subscription/upgrade",
      managed([&billing](Request& request, const app::Principal& principal,
                         const app::ActingAccount& acting) -> Result<Response> {
        CREDITD_ASSIGN_OR_RETURN(const std::string price_id, ReadPriceId(request));
        CREDITD_RETURN_IF_ERROR(billing.ChangePlan(principal.user_id, price_id, acting.account_id));
        return Success({{"success", true}});
      }));

  RegisterProviderRoutes(router, services);

  router.Add(
      Method::kGet, "/api/subscription/usage", [&auth, &subscriptions, &teams](Request& request) {
        return Respond(request, [&]() -> Result<Response> {
          CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
          std::optional<std::string> period;
          if (const auto value = request.Query("period")) {
            period = std::string(*value);
          }
          CREDITD_ASSIGN_OR_RETURN(const app::ActingAccount acting,
                                   ActingAccountOf(request, principal, teams));
          CREDITD_ASSIGN_OR_RETURN(const app::SubscriptionOverview overview,
                                   subscriptions.Get(acting.account_id, period));
          json data = UsageJson(overview);
          data["plan"] = overview.plan.key;
          return Success(data);
        });
      });
}

}  // namespace creditd::http
