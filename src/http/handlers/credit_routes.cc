// Seed 002's credits and membership endpoints under /api/v1/credit/ (its simulated
// payment/callback is the sandbox provider's: src/payments/sandbox/sandbox_routes.cc). Field
// names follow the seed exactly; prices are decimal strings with their currency.
#include "common/money.h"
#include "common/status_macros.h"
#include "http/error_response.h"
#include "http/handlers/handler_support.h"
#include "http/handlers/routes.h"

namespace creditd::http {

using nlohmann::json;

namespace {

json OrderPageJson(const app::OrderViewPage& page, const Page& request_page) {
  json items = json::array();
  for (const auto& view : page.items) {
    items.push_back(OrderJson(view));
  }
  return {{"items", items},
          {"total", page.total},
          {"skip", request_page.skip},
          {"limit", request_page.limit}};
}

// Totals are reported as positive magnitudes per direction (seed 002's statistics).
int64_t Magnitude(const std::map<domain::EntryType, int64_t>& totals, domain::EntryType type) {
  const auto it = totals.find(type);
  const int64_t value = it == totals.end() ? 0 : it->second;
  return value < 0 ? -value : value;
}

int64_t Signed(const std::map<domain::EntryType, int64_t>& totals, domain::EntryType type) {
  const auto it = totals.find(type);
  return it == totals.end() ? 0 : it->second;
}

json TotalsJson(const std::map<domain::EntryType, int64_t>& totals, const char* prefix) {
  using domain::EntryType;
  const std::string p(prefix);
  return {{p + "recharged", Magnitude(totals, EntryType::kRecharge)},
          {p + "consumed", Magnitude(totals, EntryType::kConsume)},
          {p + "refunded", Magnitude(totals, EntryType::kRefund)},
          {p + "rewarded", Magnitude(totals, EntryType::kReward)},
          {p + "expired", Magnitude(totals, EntryType::kExpire)},
          {p + "granted", Magnitude(totals, EntryType::kGrant)},
          {p + "adjusted", Signed(totals, EntryType::kAdjust)}};
}

Result<std::optional<domain::EntryType>> TypeFilter(const Request& request) {
  const auto type = request.Query("type");
  if (!type) {
    return std::optional<domain::EntryType>();
  }
  const auto parsed = domain::ParseEntryType(*type);
  if (!parsed) {
    return Status(reason::kInvalidQuery,
                  "type must be one of RECHARGE, CONSUME, REFUND, REWARD, EXPIRE, ADJUST, GRANT")
        .WithField("type");
  }
  return std::optional<domain::EntryType>(*parsed);
}

Result<app::CreateOrderCommand> ReadOrderCommand(const Request& request, int64_t user_id,
                                                 domain::OrderKind kind) {
  CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
  app::CreateOrderCommand command;
  command.user_id = user_id;
  command.kind = kind;
  command.price_id = body.RequiredInt("price_id", 1, int64_t{1} << 53);
  command.payment_method = body.RequiredString("payment_method", 32);
  command.device = body.OptionalString("device", 16).value_or("");
  command.client_ip = request.remote_address;
  CREDITD_RETURN_IF_ERROR(body.Finish());
  CREDITD_ASSIGN_OR_RETURN(command.idempotency,
                           ReadIdempotency(request, "user:" + std::to_string(user_id)));
  return command;
}

Response OrderCreated(const app::CreateOrderOutcome& outcome) {
  // A replay answers like the first request: 201 and the order (as it stands now, so a replay
  // after the payment shows it paid).
  return IdempotentResponse(OrderJson(outcome.view), 201, outcome.replayed);
}

}  // namespace

void RegisterCreditRoutes(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  app::CreditService& credits = services.credits;
  app::OrderService& orders = services.orders;
  const std::string base = "/api/v1/credit";

  router.AddRead(Method::kGet, base + "/balance", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
      app::Balance balance;
      if (request.Header("x-account-id")) {  // Acting for a team (the common case reads less).
        CREDITD_ASSIGN_OR_RETURN(const auto acting,
                                 ActingAccountOf(request, principal, services.teams));
        CREDITD_ASSIGN_OR_RETURN(balance, credits.GetAccountBalance(acting.account_id));
      } else {
        CREDITD_ASSIGN_OR_RETURN(balance, credits.GetBalance(principal.user_id));
      }
      return Success({{"credits", balance.credits},
                      {"is_member", balance.is_member},
                      {"member_expired_at", OptionalTimeJson(balance.member_expired_at)}});
    });
  });
  router.Add(Method::kGet, base + "/transactions", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const Page page, ParsePage(request));
      CREDITD_ASSIGN_OR_RETURN(const auto type, TypeFilter(request));
      CREDITD_ASSIGN_OR_RETURN(const auto result, credits.ListTransactions(principal.user_id, type,
                                                                           page.skip, page.limit));
      json items = json::array();
      for (const auto& entry : result.items) {
        items.push_back(EntryJson(entry));
      }
      return Success(
          {{"items", items}, {"total", result.total}, {"skip", page.skip}, {"limit", page.limit}});
    });
  });
  router.Add(Method::kGet, base + "/statistics", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const auto statistics, credits.GetStatistics(principal.user_id));
      json data = TotalsJson(statistics.totals, "total_");
      data["balance"] = statistics.balance;
      data["credits"] = statistics.credits;
      json daily = json::array();
      for (const auto& day : statistics.daily) {
        json row = TotalsJson(day.totals, "");
        row["date"] = day.date;
        daily.push_back(std::move(row));
      }
      data["daily"] = std::move(daily);
      return Success(data);
    });
  });
  router.Add(Method::kGet, base + "/prices", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto packs, credits.ListCreditPacks());
      json items = json::array();
      for (const auto& pack : packs) {
        items.push_back({{"id", pack.id},
                         {"amount", pack.amount},
                         {"price", pack.price.ToDecimalString()},
                         {"currency", pack.currency().code()},
                         {"bonus", pack.bonus},
                         {"is_active", pack.is_active},
                         {"sort_order", pack.sort_order}});
      }
      return Success(items);
    });
  });
  router.Add(Method::kGet, base + "/payment-methods", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      return Success({{"methods", orders.EnabledMethods()}});
    });
  });
  router.Add(Method::kGet, base + "/membership/prices", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto prices, credits.ListMembershipPrices());
      json items = json::array();
      for (const auto& price : prices) {
        items.push_back({{"id", price.id},
                         {"membership_type", price.membership_type},
                         {"duration_days", price.duration_days},
                         {"price", price.price.ToDecimalString()},
                         {"original_price", price.original_price.ToDecimalString()},
                         // The page's "price per month", so the browser does no money arithmetic.
                         {"monthly_price", domain::PricePerThirtyDays(price).ToDecimalString()},
                         {"currency", price.currency().code()},
                         {"is_active", price.is_active},
                         {"sort_order", price.sort_order}});
      }
      return Success(items);
    });
  });
  for (const auto kind : {domain::OrderKind::kRecharge, domain::OrderKind::kMembership}) {
    const std::string path =
        base + (kind == domain::OrderKind::kRecharge ? "/recharge" : "/membership");
    router.Add(Method::kPost, path, [&, kind](Request& request) {
      return Respond(request, [&]() -> Result<Response> {
        CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
        CREDITD_ASSIGN_OR_RETURN(const auto command,
                                 ReadOrderCommand(request, principal.user_id, kind));
        CREDITD_ASSIGN_OR_RETURN(const auto outcome, orders.Create(command));
        return OrderCreated(outcome);
      });
    });
    router.Add(Method::kGet, path + "/orders", [&, kind](Request& request) {
      return Respond(request, [&]() -> Result<Response> {
        CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
        CREDITD_ASSIGN_OR_RETURN(const Page page, ParsePage(request));
        CREDITD_ASSIGN_OR_RETURN(const auto result,
                                 orders.List(principal.user_id, kind, page.skip, page.limit));
        return Success(OrderPageJson(result, page));
      });
    });
  }
  router.Add(Method::kGet, base + "/membership/statistics", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const auto statistics,
                               credits.GetMembershipStatistics(principal.user_id));
      return Success({{"total_spent", statistics.total_spent.ToDecimalString()},
                      {"currency", statistics.total_spent.currency().code()},
                      {"paid_orders", statistics.paid_orders},
                      {"is_member", statistics.is_member},
                      {"member_expired_at", OptionalTimeJson(statistics.member_expired_at)},
                      {"days_left", statistics.days_left}});
    });
  });
  router.Add(Method::kGet, base + "/orders/{order_no}", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const auto principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const auto view,
                               orders.Get(principal.user_id, request.path_params["order_no"]));
      return Success(OrderJson(view));
    });
  });

  router.Add(Method::kPost, "/api/v1/admin/orders/{order_no}/refund", [&](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_RETURN_IF_ERROR(AuthenticateAdmin(request, auth));
      std::optional<std::string> amount;
      if (!request.body.empty()) {
        CREDITD_ASSIGN_OR_RETURN(auto body, ReadJsonBody(request));
        amount = body.OptionalString("amount", 32);
        CREDITD_RETURN_IF_ERROR(body.Finish());
      }
      CREDITD_ASSIGN_OR_RETURN(const std::string key, IdempotencyKeyOf(request));
      CREDITD_ASSIGN_OR_RETURN(
          const auto refunded,
          services.refunds.Refund(request.path_params["order_no"], amount, key));
      return Success(
          {{"refund",
            {{"id", refunded.refund.id},
             {"amount", Money(refunded.refund.amount, refunded.order.currency()).ToDecimalString()},
             {"status", refunded.refund.status}}},
           {"order_no", refunded.order.order_no},
           {"refunded_amount", refunded.order.refunded.ToDecimalString()}});
    });
  });
}

}  // namespace creditd::http
