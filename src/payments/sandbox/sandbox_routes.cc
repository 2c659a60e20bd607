#include "payments/sandbox/sandbox_routes.h"

#include <string>

#include "common/status_macros.h"
#include "http/error_response.h"
#include "http/handlers/handler_support.h"

namespace creditd::payments::sandbox {

using http::EscapeHtml;
using http::HtmlError;
using http::HtmlPage;
using http::Method;
using http::Request;
using http::Response;
using nlohmann::json;

namespace {

// The paths of the sandbox: (method, pattern).
constexpr std::pair<Method, const char*> kPaths[] = {
    {Method::kGet, "/sandbox/checkout/{order_no}"},
    {Method::kPost, "/sandbox/checkout/{order_no}/pay"},
    {Method::kPost, "/sandbox/checkout/{order_no}/cancel"},
    {Method::kGet, "/sandbox/subscription/{id}"},
    {Method::kPost, "/sandbox/subscription/{id}/pay"},
};
constexpr const char* kCallback = "/api/v1/credit/payment/callback";

// "9.90 CNY".
std::string PriceLabel(const Money& price) {
  return price.ToDecimalString() + " " + std::string(price.currency().code());
}

std::string OrderDetailsHtml(const domain::Order& order) {
  const std::string item =
      order.kind == domain::OrderKind::kRecharge
          ? std::to_string(order.amount) + " credits" +
                (order.bonus > 0 ? " + " + std::to_string(order.bonus) + " bonus" : "")
          : order.membership_type + " membership (" + std::to_string(order.duration_days) +
                " days)";
  return "<dl><dt>Order</dt><dd>" + EscapeHtml(order.order_no) + "</dd><dt>Item</dt><dd>" +
         EscapeHtml(item) + "</dd><dt>Price</dt><dd>" + EscapeHtml(PriceLabel(order.price)) +
         "</dd><dt>Status</dt><dd>" +
         EscapeHtml(std::string(domain::OrderStatusName(order.status))) + "</dd></dl>";
}

// The sandbox's subscription checkout page: what is bought and a Subscribe button.
std::string SubscriptionDetailsHtml(const domain::Subscription& s) {
  std::string html =
      "<dl><dt>Subscription</dt><dd>" + EscapeHtml(s.provider_subscription_id) +
      "</dd><dt>Plan</dt><dd>" + EscapeHtml(s.plan_key) + " (" +
      EscapeHtml(s.interval == domain::BillingInterval::kYear ? "yearly" : "monthly") +
      ")</dd><dt>Status</dt><dd>" +
      EscapeHtml(std::string(domain::SubscriptionStatusName(s.status))) + "</dd>";
  if (s.status != domain::SubscriptionStatus::kIncomplete) {
    html += "<dt>Period</dt><dd>" + EscapeHtml(FormatRfc3339(s.current_period_start)) + " to " +
            EscapeHtml(FormatRfc3339(s.current_period_end)) + "</dd>";
  }
  if (s.cancel_at_period_end) {
    html += "<dt>Ends</dt><dd>at the end of this period</dd>";
  }
  if (!s.pending_plan_key.empty()) {
    html += "<dt>Next period</dt><dd>" + EscapeHtml(s.pending_plan_key) + "</dd>";
  }
  return html + "</dl>";
}

void RegisterOrderPages(http::Router& router, app::OrderService& orders,
                        SandboxPaymentGateway& gateway) {
  router.Add(Method::kGet, kPaths[0].second, [&orders, &gateway](Request& request) {
    const std::string& order_no = request.path_params["order_no"];
    const auto view = orders.GetForGateway(gateway, order_no);
    if (!view.ok()) {
      return HtmlError(view.status());
    }
    std::string body =
        "<p>Sandbox checkout: no real money moves.</p>" + OrderDetailsHtml(view->order);
    if (view->order.status == domain::OrderStatus::kPending) {
      const std::string action = "/sandbox/checkout/" + EscapeHtml(order_no);
      body += R"(<form method="post" action=")" + action +
              R"(/pay" style="display:inline"><button class="pay" type="submit">Pay )" +
              EscapeHtml(PriceLabel(view->order.price)) +
              R"(</button></form><form method="post" action=")" + action +
              R"(/cancel" style="display:inline"><button type="submit">Cancel</button></form>)";
    }
    return HtmlPage(200, "Pay order " + order_no, body);
  });
  router.Add(Method::kPost, kPaths[1].second, [&orders, &gateway](Request& request) {
    const std::string& order_no = request.path_params["order_no"];
    const auto view = orders.GetForGateway(gateway, order_no);
    if (!view.ok()) {
      return HtmlError(view.status());
    }
    // The same path as the provider-style callback.
    const auto confirmed = orders.ConfirmForGateway(gateway, view->order.kind, order_no);
    if (!confirmed.ok()) {
      return HtmlError(confirmed.status());
    }
    return HtmlPage(
        200, confirmed->already_paid ? "Already paid" : "Payment received",
        OrderDetailsHtml(confirmed->view.order) + "<p class=\"note\">You can close this page.</p>");
  });
  router.Add(Method::kPost, kPaths[2].second, [&orders, &gateway](Request& request) {
    const auto cancelled = orders.CancelForGateway(gateway, request.path_params["order_no"]);
    if (!cancelled.ok()) {
      return HtmlError(cancelled.status(), "Order not cancelled");
    }
    return HtmlPage(200, "Order cancelled", OrderDetailsHtml(cancelled->order));
  });
  // Seed 002's simulated provider callback: {"order_type", "order_no"} pays the order.
  router.Add(Method::kPost, kCallback, [&orders, &gateway](Request& request) {
    return http::Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(auto body, http::ReadJsonBody(request));
      const std::string order_type = body.RequiredString("order_type", 32);
      const std::string order_no = body.RequiredString("order_no", 64);
      CREDITD_RETURN_IF_ERROR(body.Finish());
      const auto kind = domain::ParseOrderKind(order_type);
      if (!kind) {
        return Status(reason::kInvalidField, "order_type must be recharge or membership")
            .WithField("order_type");
      }
      CREDITD_ASSIGN_OR_RETURN(const auto outcome,
                               orders.ConfirmForGateway(gateway, *kind, order_no));
      json data = http::OrderJson(outcome.view);
      data["already_paid"] = outcome.already_paid;
      return http::Success(data);
    });
  });
}

void RegisterSubscriptionPages(http::Router& router, SandboxBillingProvider* billing) {
  const auto find = [billing](std::string_view id) -> Result<domain::Subscription> {
    if (billing == nullptr) {
      return Status(reason::kSubscriptionNotFound,
                    "no sandbox subscription " + std::string(id) +
                        " (another billing provider plays subscriptions on this server)");
    }
    return billing->Find(id);
  };
  router.Add(Method::kGet, kPaths[3].second, [find](Request& request) {
    const auto subscription = find(request.path_params["id"]);
    if (!subscription.ok()) {
      return HtmlError(subscription.status());
    }
    std::string body = "<p>Sandbox subscription: no real money moves.</p>" +
                       SubscriptionDetailsHtml(*subscription);
    if (subscription->status == domain::SubscriptionStatus::kIncomplete) {
      body += R"(<form method="post" action="/sandbox/subscription/)" +
              EscapeHtml(subscription->provider_subscription_id) +
              R"(/pay"><button class="pay" type="submit">Subscribe</button></form>)";
    }
    body += "<p><a href=\"/subscription\">Back to your subscription</a></p>";
    return HtmlPage(200, "Subscribe to " + subscription->plan_key, body);
  });
  router.Add(Method::kPost, kPaths[4].second, [find, billing](Request& request) {
    const std::string& id = request.path_params["id"];
    Result<domain::Subscription> paid = find(id);
    if (paid.ok()) {
      paid = billing->Pay(id);
    }
    if (!paid.ok()) {
      return HtmlError(paid.status());
    }
    return HtmlPage(200, "Subscribed",
                    SubscriptionDetailsHtml(*paid) +
                        "<p><a href=\"/subscription\">Back to your subscription</a></p>");
  });
}

}  // namespace

void RegisterSandboxRoutes(http::Router& router, app::OrderService& orders,
                           SandboxPaymentGateway& gateway, SandboxBillingProvider* billing) {
  RegisterOrderPages(router, orders, gateway);
  RegisterSubscriptionPages(router, billing);
}

void RegisterDisabledSandboxRoutes(http::Router& router) {
  for (const auto& [method, path] : kPaths) {
    router.Add(method, path, [](Request&) { return HtmlError(SandboxDisabled()); });
  }
  router.Add(Method::kPost, kCallback, [](Request& request) {
    return http::ErrorResponse(SandboxDisabled(), request.request_id);
  });
}

}  // namespace creditd::payments::sandbox
