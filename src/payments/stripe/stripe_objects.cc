#include "payments/stripe/stripe_objects.h"

#include <charconv>
#include <map>

#include "common/status_macros.h"
#include "common/strings.h"

namespace creditd::payments::stripe {

using nlohmann::json;

namespace {

// A string field, or the id of an expanded object; "" when null or absent.
std::string Id(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) {
    return "";
  }
  const json& value = object[key];
  if (value.is_string()) {
    return value.get<std::string>();
  }
  if (value.is_object() && value.contains("id") && value["id"].is_string()) {
    return value["id"].get<std::string>();
  }
  return "";
}

int64_t Int(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number_integer()) {
    return 0;
  }
  return object[key].get<int64_t>();
}

const json& Child(const json& object, const char* key) {
  static const json kNull;
  return object.is_object() && object.contains(key) ? object[key] : kNull;
}

std::string Currency(const json& object) {
  return ToUpperAscii(Id(object, "currency"));
}

Status NotA(const char* kind) {
  return Status(reason::kProviderError,
                std::string("Stripe answered with something other than a ") + kind);
}

Status Expect(const json& object, const char* kind) {
  if (!object.is_object() || Id(object, "object") != kind || Id(object, "id").empty()) {
    return NotA(kind);
  }
  return Status::Ok();
}

}  // namespace

Result<app::ProviderSubscription> ParseSubscription(const json& object) {
  CREDITD_RETURN_IF_ERROR(Expect(object, "subscription"));
  app::ProviderSubscription subscription;
  subscription.id = Id(object, "id");
  subscription.customer_id = Id(object, "customer");
  const auto status = domain::ParseSubscriptionStatus(Id(object, "status"));
  if (!status) {
    return Status(reason::kProviderError, "Stripe reported an unknown subscription status")
        .WithInternalDetail("status=" + Id(object, "status"));
  }
  subscription.status = *status;
  subscription.cancel_at_period_end = Child(object, "cancel_at_period_end").is_boolean() &&
                                      object["cancel_at_period_end"].get<bool>();
  // Since 2025-03-31.basil the period lives on each item; creditd subscriptions have one item.
  const json& items = Child(Child(object, "items"), "data");
  if (items.is_array() && !items.empty()) {
    const json& item = items[0];
    subscription.item_id = Id(item, "id");
    subscription.price_id = Id(item, "price");
    subscription.current_period_start = FromUnixSeconds(Int(item, "current_period_start"));
    subscription.current_period_end = FromUnixSeconds(Int(item, "current_period_end"));
  }
  const std::string account = Id(Child(object, "metadata"), "account_id");
  int64_t account_id = 0;
  const auto [end, error] =
      std::from_chars(account.data(), account.data() + account.size(), account_id);
  if (!account.empty() && error == std::errc() && end == account.data() + account.size() &&
      account_id > 0) {
    subscription.account_id = account_id;
  }
  return subscription;
}

Result<app::ProviderInvoice> ParseInvoice(const json& object) {
  CREDITD_RETURN_IF_ERROR(Expect(object, "invoice"));
  app::ProviderInvoice invoice;
  invoice.id = Id(object, "id");
  invoice.customer_id = Id(object, "customer");
  invoice.subscription_id =
      Id(Child(Child(object, "parent"), "subscription_details"), "subscription");
  if (invoice.subscription_id.empty()) {
    invoice.subscription_id = Id(object, "subscription");  // Before basil.
  }
  invoice.billing_reason = Id(object, "billing_reason");
  invoice.amount_paid = Int(object, "amount_paid");
  invoice.currency = Currency(object);
  // The period bought is the subscription line's (the invoice's own period_start/end is the
  // period that just ended). Proration lines are skipped: they cover part of a period.
  const json& lines = Child(Child(object, "lines"), "data");
  bool have_period = false;
  if (lines.is_array()) {
    for (const json& line : lines) {
      const json& details = Child(Child(line, "parent"), "subscription_item_details");
      const bool proration =
          Child(details, "proration").is_boolean() && details["proration"].get<bool>();
      std::string price = Id(Child(Child(line, "pricing"), "price_details"), "price");
      if (price.empty()) {
        price = Id(line, "price");  // Before basil.
      }
      const Timestamp start = FromUnixSeconds(Int(Child(line, "period"), "start"));
      const Timestamp end = FromUnixSeconds(Int(Child(line, "period"), "end"));
      if (proration) {
        invoice.prorations.push_back({price, Int(line, "amount"), start, end});
      } else if (!have_period) {
        have_period = true;
        invoice.period_start = start;
        invoice.period_end = end;
        invoice.price_id = price;
      }
    }
  }
  return invoice;
}

Result<app::ProviderCheckout> ParseCheckoutSession(const json& object) {
  CREDITD_RETURN_IF_ERROR(Expect(object, "checkout.session"));
  app::ProviderCheckout checkout;
  checkout.id = Id(object, "id");
  const std::string mode = Id(object, "mode");
  checkout.kind = mode == "subscription" ? app::CheckoutKind::kSubscription
                  : mode == "payment"    ? app::CheckoutKind::kPayment
                                         : app::CheckoutKind::kOther;
  const std::string status = Id(object, "status");
  checkout.state = status == "complete"  ? app::CheckoutState::kComplete
                   : status == "expired" ? app::CheckoutState::kExpired
                                         : app::CheckoutState::kOpen;
  // "no_payment_required" (a free trial's checkout) collects nothing: not a paid order.
  checkout.paid = Id(object, "payment_status") == "paid";
  checkout.customer_id = Id(object, "customer");
  checkout.subscription_id = Id(object, "subscription");
  checkout.payment_intent_id = Id(object, "payment_intent");
  checkout.client_reference_id = Id(object, "client_reference_id");
  checkout.amount_total = Int(object, "amount_total");
  checkout.currency = Currency(object);
  return checkout;
}

Result<app::ProviderRefund> ParseRefund(const json& object) {
  CREDITD_RETURN_IF_ERROR(Expect(object, "refund"));
  app::ProviderRefund refund;
  refund.id = Id(object, "id");
  refund.amount = Int(object, "amount");
  refund.currency = Currency(object);
  refund.status = Id(object, "status");
  return refund;
}

Result<app::ProviderCharge> ParseCharge(const json& object) {
  CREDITD_RETURN_IF_ERROR(Expect(object, "charge"));
  app::ProviderCharge charge;
  charge.id = Id(object, "id");
  charge.payment_intent_id = Id(object, "payment_intent");
  charge.customer_id = Id(object, "customer");
  charge.amount = Int(object, "amount");
  charge.amount_refunded = Int(object, "amount_refunded");
  charge.currency = Currency(object);
  return charge;
}

Result<app::ProviderDispute> ParseDispute(const json& object) {
  CREDITD_RETURN_IF_ERROR(Expect(object, "dispute"));
  app::ProviderDispute dispute;
  dispute.id = Id(object, "id");
  dispute.charge_id = Id(object, "charge");
  dispute.payment_intent_id = Id(object, "payment_intent");
  dispute.amount = Int(object, "amount");
  dispute.currency = Currency(object);
  dispute.status = Id(object, "status");
  return dispute;
}

Result<app::ProviderEvent> ParseEvent(std::string_view payload) {
  const json event = json::parse(payload, nullptr, false);
  if (event.is_discarded() || !event.is_object() || Id(event, "object") != "event" ||
      Id(event, "id").empty() || Id(event, "type").empty() ||
      !Child(Child(event, "data"), "object").is_object()) {
    return Status(reason::kMalformedJson, "the body is not a Stripe event");
  }
  app::ProviderEvent decoded;
  decoded.id = Id(event, "id");
  decoded.type = Id(event, "type");
  decoded.created = FromUnixSeconds(Int(event, "created"));
  const json& object = event["data"]["object"];
  const std::string& type = decoded.type;
  const auto keep = [&decoded](auto parsed, auto& slot) {
    if (parsed.ok()) {
      slot = *std::move(parsed);
    } else {
      decoded.decode_error =
          parsed.status().message() + " (" + parsed.status().internal_detail() + ")";
    }
  };
  using Kind = app::ProviderEventKind;
  // Stripe's event names, mapped once: app/ acts on the kind.
  static const std::map<std::string_view, Kind, std::less<>> kKinds = {
      {"checkout.session.completed", Kind::kCheckoutCompleted},
      {"checkout.session.async_payment_succeeded", Kind::kCheckoutPaid},
      {"checkout.session.async_payment_failed", Kind::kCheckoutPaymentFailed},
      {"checkout.session.expired", Kind::kCheckoutExpired},
      {"customer.subscription.created", Kind::kSubscriptionChanged},
      {"customer.subscription.updated", Kind::kSubscriptionChanged},
      {"customer.subscription.deleted", Kind::kSubscriptionChanged},
      {"customer.subscription.paused", Kind::kSubscriptionChanged},
      {"customer.subscription.resumed", Kind::kSubscriptionChanged},
      {"customer.subscription.trial_will_end", Kind::kSubscriptionChanged},
      {"customer.subscription.pending_update_applied", Kind::kSubscriptionChanged},
      {"customer.subscription.pending_update_expired", Kind::kSubscriptionChanged},
      {"invoice.paid", Kind::kInvoicePaid},
      {"invoice.payment_failed", Kind::kInvoicePaymentFailed},
      {"charge.refunded", Kind::kPaymentRefunded},
      {"charge.dispute.created", Kind::kDisputeOpened},
      {"charge.dispute.closed", Kind::kDisputeClosed},
  };
  const auto known = kKinds.find(type);
  decoded.kind = known == kKinds.end() ? Kind::kOther : known->second;
  // The object of every event of a family is decoded (an unknown invoice.* event is recorded
  // with its object), but only the kinds above are acted on.
  if (type.starts_with("checkout.session.")) {
    keep(ParseCheckoutSession(object), decoded.checkout);
  } else if (type.starts_with("customer.subscription.")) {
    keep(ParseSubscription(object), decoded.subscription);
  } else if (type.starts_with("invoice.")) {
    keep(ParseInvoice(object), decoded.invoice);
  } else if (type == "charge.refunded") {
    keep(ParseCharge(object), decoded.charge);
  } else if (type.starts_with("charge.dispute.")) {
    keep(ParseDispute(object), decoded.dispute);
  }
  return decoded;
}

}  // namespace creditd::payments::stripe
