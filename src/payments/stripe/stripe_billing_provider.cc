#include "payments/stripe/stripe_billing_provider.h"

#include "common/status_macros.h"
#include "common/strings.h"
#include "payments/stripe/form_encoding.h"
#include "payments/stripe/stripe_objects.h"
#include "payments/stripe/webhook_signature.h"

namespace creditd::payments::stripe {

using nlohmann::ordered_json;

namespace {

Result<std::string> UrlOf(const nlohmann::json& object, const char* kind) {
  if (!object.contains("url") || !object["url"].is_string() ||
      object["url"].get<std::string>().empty()) {
    return Status(reason::kProviderError,
                  std::string("Stripe returned a ") + kind + " without a URL");
  }
  return object["url"].get<std::string>();
}

std::string Path(std::string_view prefix, std::string_view id) {
  return std::string(prefix) + PercentEncode(id);
}

}  // namespace

Result<std::string> StripeBillingProvider::CreateCustomer(int64_t account_id,
                                                          std::string_view email,
                                                          std::string_view idempotency_key) {
  ordered_json parameters = {{"email", email},
                             {"metadata", {{"account_id", std::to_string(account_id)}}}};
  CREDITD_ASSIGN_OR_RETURN(const nlohmann::json customer,
                           client_.Post("/v1/customers", parameters, idempotency_key));
  if (!customer.contains("id") || !customer["id"].is_string()) {
    return Status(reason::kProviderError, "Stripe returned a customer without an id");
  }
  return customer["id"].get<std::string>();
}

Result<std::string> StripeBillingProvider::CreateSubscriptionCheckout(
    const app::SubscriptionCheckoutRequest& request) {
  const std::string account = std::to_string(request.account_id);
  ordered_json subscription_data = {{"metadata", {{"account_id", account}}}};
  if (request.trial_days > 0) {
    subscription_data["trial_period_days"] = request.trial_days;
  }
  ordered_json parameters = {
      {"mode", "subscription"},
      {"customer", request.customer_id},
      {"client_reference_id", account},
      {"line_items", ordered_json::array({{{"price", request.price_id}, {"quantity", 1}}})},
      {"subscription_data", subscription_data},
      {"metadata", {{"account_id", account}}},
      {"success_url", request.success_url},
      {"cancel_url", request.cancel_url}};
  CREDITD_ASSIGN_OR_RETURN(
      const nlohmann::json session,
      client_.Post("/v1/checkout/sessions", parameters, request.idempotency_key));
  return UrlOf(session, "checkout session");
}

Result<std::string> StripeBillingProvider::CreatePortalSession(std::string_view customer_id,
                                                               std::string_view return_url) {
  ordered_json parameters = {{"customer", customer_id}, {"return_url", return_url}};
  // A portal session is a short-lived link with no lasting effect: a fresh key each time.
  CREDITD_ASSIGN_OR_RETURN(const nlohmann::json session,
                           client_.Post("/v1/billing_portal/sessions", parameters, ""));
  return UrlOf(session, "portal session");
}

Result<app::ProviderSubscription> StripeBillingProvider::RetrieveSubscription(
    std::string_view subscription_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const nlohmann::json subscription,
      client_.Get(Path("/v1/subscriptions/", subscription_id), ordered_json::object()));
  return ParseSubscription(subscription);
}

Result<app::ProviderSubscription> StripeBillingProvider::ChangePrice(
    std::string_view subscription_id, std::string_view item_id, std::string_view price_id,
    bool prorate, std::string_view idempotency_key) {
  ordered_json parameters = {
      {"items", ordered_json::array({{{"id", item_id}, {"price", price_id}}})},
      {"proration_behavior", prorate ? "always_invoice" : "none"}};
  CREDITD_ASSIGN_OR_RETURN(
      const nlohmann::json subscription,
      client_.Post(Path("/v1/subscriptions/", subscription_id), parameters, idempotency_key));
  return ParseSubscription(subscription);
}

Result<app::ProviderSubscription> StripeBillingProvider::Cancel(std::string_view subscription_id,
                                                                bool at_period_end,
                                                                std::string_view idempotency_key) {
  if (!at_period_end) {
    CREDITD_ASSIGN_OR_RETURN(const nlohmann::json subscription,
                             client_.Delete(Path("/v1/subscriptions/", subscription_id)));
    return ParseSubscription(subscription);
  }
  ordered_json parameters = {{"cancel_at_period_end", true}};
  CREDITD_ASSIGN_OR_RETURN(
      const nlohmann::json subscription,
      client_.Post(Path("/v1/subscriptions/", subscription_id), parameters, idempotency_key));
  return ParseSubscription(subscription);
}

namespace {

// The `data` of a Stripe list object, each decoded by `parse`.
template <typename T, typename Parse>
Result<std::vector<T>> DecodeList(const nlohmann::json& list, Parse parse) {
  std::vector<T> out;
  if (!list.contains("data") || !list["data"].is_array()) {
    return Status(reason::kProviderError, "Stripe answered with something other than a list");
  }
  for (const nlohmann::json& object : list["data"]) {
    CREDITD_ASSIGN_OR_RETURN(T item, parse(object));
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

Result<std::vector<app::ProviderSubscription>> StripeBillingProvider::ListSubscriptions(
    std::string_view customer_id, int limit) {
  ordered_json query = {{"customer", customer_id}, {"status", "all"}, {"limit", limit}};
  CREDITD_ASSIGN_OR_RETURN(const nlohmann::json list, client_.Get("/v1/subscriptions", query));
  return DecodeList<app::ProviderSubscription>(list, ParseSubscription);
}

Result<std::vector<app::ProviderInvoice>> StripeBillingProvider::ListPaidInvoices(
    std::string_view subscription_id, int limit) {
  ordered_json query = {{"subscription", subscription_id}, {"status", "paid"}, {"limit", limit}};
  CREDITD_ASSIGN_OR_RETURN(const nlohmann::json list, client_.Get("/v1/invoices", query));
  return DecodeList<app::ProviderInvoice>(list, ParseInvoice);
}

Result<std::optional<std::string>> StripeBillingProvider::FindInvoiceOfPayment(
    std::string_view payment_intent_id) {
  ordered_json query = {
      {"payment", {{"type", "payment_intent"}, {"payment_intent", payment_intent_id}}},
      {"limit", 1}};
  CREDITD_ASSIGN_OR_RETURN(const nlohmann::json list, client_.Get("/v1/invoice_payments", query));
  if (!list.contains("data") || !list["data"].is_array() || list["data"].empty()) {
    return std::optional<std::string>();
  }
  const nlohmann::json& payment = list["data"][0];
  if (payment.contains("invoice") && payment["invoice"].is_string()) {
    return std::optional<std::string>(payment["invoice"].get<std::string>());
  }
  return std::optional<std::string>();
}

Result<ProviderCheckoutLink> StripeBillingProvider::CreatePaymentCheckout(
    const PaymentCheckoutRequest& request) {
  const ordered_json metadata = {{"order_no", request.order_no},
                                 {"account_id", std::to_string(request.account_id)}};
  const ordered_json price_data = {{"currency", ToLowerAscii(request.currency)},
                                   {"unit_amount", request.amount_minor},
                                   {"product_data", {{"name", request.description}}}};
  ordered_json parameters = {
      {"mode", "payment"},
      {"client_reference_id", request.order_no},
      {"line_items", ordered_json::array({{{"price_data", price_data}, {"quantity", 1}}})},
      {"payment_intent_data", {{"metadata", metadata}}},
      {"metadata", metadata},
      {"expires_at", ToUnixSeconds(request.expires_at)},
      {"success_url", request.success_url},
      {"cancel_url", request.cancel_url}};
  CREDITD_ASSIGN_OR_RETURN(
      const nlohmann::json session,
      client_.Post("/v1/checkout/sessions", parameters, request.idempotency_key));
  CREDITD_ASSIGN_OR_RETURN(std::string url, UrlOf(session, "checkout session"));
  CREDITD_ASSIGN_OR_RETURN(const app::ProviderCheckout decoded, ParseCheckoutSession(session));
  return ProviderCheckoutLink{decoded.id, std::move(url)};
}

Result<app::ProviderCheckout> StripeBillingProvider::QueryCheckout(const domain::Order& order) {
  CREDITD_ASSIGN_OR_RETURN(
      const nlohmann::json session,
      client_.Get(Path("/v1/checkout/sessions/", order.checkout_ref), ordered_json::object()));
  return ParseCheckoutSession(session);
}

Result<app::ProviderRefund> StripeBillingProvider::Refund(const domain::Order& order,
                                                          std::optional<int64_t> amount,
                                                          std::string_view idempotency_key) {
  ordered_json parameters = {{"payment_intent", order.payment_ref}};
  if (amount) {
    parameters["amount"] = *amount;
  }
  CREDITD_ASSIGN_OR_RETURN(const nlohmann::json refund,
                           client_.Post("/v1/refunds", parameters, idempotency_key));
  return ParseRefund(refund);
}

Result<app::ProviderEvent> StripeBillingProvider::ParseEvent(
    const app::ProviderNotification& notification, Timestamp now) {
  CREDITD_RETURN_IF_ERROR(VerifySignature(notification.Header("stripe-signature").value_or(""),
                                          notification.body, webhook_secret_, now));
  CREDITD_ASSIGN_OR_RETURN(app::ProviderEvent event, stripe::ParseEvent(notification.body));
  event.payload = notification.body;
  return event;
}

}  // namespace creditd::payments::stripe
