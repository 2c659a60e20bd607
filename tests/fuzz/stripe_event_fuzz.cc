// Fuzzes the decoding of Stripe webhook events and API objects
// (payments/stripe/stripe_objects.h):
//   - ParseEvent refuses with "malformed_json" anything that is not a JSON object;
//   - a decoded event has an id and a type, and carries exactly one object, of the kind its type
//     names, or else a decode_error; a type creditd does not handle carries neither;
//   - the object an event carries is what the object's own parser makes of data.object;
//   - each object parser refuses with "provider_error" what it cannot decode, and what it
//     decodes has an id and an upper-case currency.
//
// Input: a webhook body (a Stripe event), or any JSON value.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_support.h"
#include "payments/stripe/stripe_objects.h"

namespace {

namespace stripe = creditd::payments::stripe;
using creditd::fuzz::Quote;
using nlohmann::json;

bool HasLowerAscii(std::string_view text) {
  return text.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string_view::npos;
}

// Checks one parser's answer for `object`: refused with provider_error, or decoded with an id.
template <typename T>
void CheckDecoded(const creditd::Result<T>& decoded, const char* kind, const json& object) {
  if (!decoded.ok()) {
    CREDITD_FUZZ_EXPECT(decoded.status().reason() == "provider_error",
                        std::string(kind) + ": " + decoded.status().ToString());
    return;
  }
  CREDITD_FUZZ_EXPECT(object.is_object() && !decoded->id.empty(),
                      std::string(kind) + " decoded from " + object.dump());
  if constexpr (requires { decoded->currency; }) {
    CREDITD_FUZZ_EXPECT(!HasLowerAscii(decoded->currency),
                        std::string(kind) + " currency " + Quote(decoded->currency));
  }
}

// What each object parser makes of one JSON value.
struct EveryKind {
  creditd::Result<creditd::app::ProviderSubscription> subscription;
  creditd::Result<creditd::app::ProviderInvoice> invoice;
  creditd::Result<creditd::app::ProviderCheckout> checkout;
  creditd::Result<creditd::app::ProviderCharge> charge;
  creditd::Result<creditd::app::ProviderDispute> dispute;
  creditd::Result<creditd::app::ProviderRefund> refund;
};

// Runs every object parser on `object`, checks each answer, and returns them.
EveryKind ParseEveryKind(const json& object) {
  EveryKind kinds{stripe::ParseSubscription(object),    stripe::ParseInvoice(object),
                  stripe::ParseCheckoutSession(object), stripe::ParseCharge(object),
                  stripe::ParseDispute(object),         stripe::ParseRefund(object)};
  CheckDecoded(kinds.subscription, "subscription", object);
  CheckDecoded(kinds.invoice, "invoice", object);
  CheckDecoded(kinds.checkout, "checkout.session", object);
  CheckDecoded(kinds.charge, "charge", object);
  CheckDecoded(kinds.dispute, "dispute", object);
  CheckDecoded(kinds.refund, "refund", object);
  return kinds;
}

// The event's object slot must hold what the kind's parser makes of data.object, or be empty
// with a decode_error when that parser refuses.
template <typename T>
void CheckSlot(const std::optional<T>& slot, const creditd::Result<T>& direct,
               const creditd::app::ProviderEvent& event) {
  CREDITD_FUZZ_EXPECT(slot.has_value() == direct.ok(), event.type + ": " + event.decode_error);
  CREDITD_FUZZ_EXPECT(slot.has_value() == event.decode_error.empty(),
                      event.type + ": " + event.decode_error);
  if (slot) {
    CREDITD_FUZZ_EXPECT(slot->id == direct->id, event.type + ": " + slot->id);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view payload = creditd::fuzz::AsText(data, size);
  const json parsed = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_discarded()) {
    ParseEveryKind(parsed);
  }

  const auto event = stripe::ParseEvent(payload);
  if (!event.ok()) {
    CREDITD_FUZZ_EXPECT(event.status().reason() == "malformed_json", event.status().ToString());
    return 0;
  }
  CREDITD_FUZZ_EXPECT(parsed.is_object() && parsed.contains("data") && parsed["data"].is_object() &&
                          parsed["data"].contains("object") && parsed["data"]["object"].is_object(),
                      Quote(payload) + " decoded as an event");
  CREDITD_FUZZ_EXPECT(!event->id.empty() && !event->type.empty(), Quote(payload));
  const json& object = parsed["data"]["object"];
  const EveryKind direct = ParseEveryKind(object);

  const std::string& type = event->type;
  const int carried = static_cast<int>(event->checkout.has_value()) +
                      static_cast<int>(event->subscription.has_value()) +
                      static_cast<int>(event->invoice.has_value()) +
                      static_cast<int>(event->charge.has_value()) +
                      static_cast<int>(event->dispute.has_value());
  CREDITD_FUZZ_EXPECT(carried <= 1, type);
  if (type.starts_with("checkout.session.")) {
    CheckSlot(event->checkout, direct.checkout, *event);
  } else if (type.starts_with("customer.subscription.")) {
    CheckSlot(event->subscription, direct.subscription, *event);
  } else if (type.starts_with("invoice.")) {
    CheckSlot(event->invoice, direct.invoice, *event);
  } else if (type == "charge.refunded") {
    CheckSlot(event->charge, direct.charge, *event);
  } else if (type.starts_with("charge.dispute.")) {
    CheckSlot(event->dispute, direct.dispute, *event);
  } else {
    CREDITD_FUZZ_EXPECT(carried == 0 && event->decode_error.empty(), type);
  }
  return 0;
}
