// Stripe's objects (API version kApiVersion) decoded into the billing port's structs. Only the
// fields creditd acts on are read; a field that is null or absent reads as empty/0, and
// expanded references (an object where an id is usual) read as their id.
//
// Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "app/ports/billing_provider.h"
#include "common/result.h"

namespace creditd::payments::stripe {

// Errors of each: kProviderError/"provider_error" when the object is not of the expected kind
// or lacks its id (or, for a subscription, has an unknown status).
Result<app::ProviderSubscription> ParseSubscription(const nlohmann::json& object);
Result<app::ProviderInvoice> ParseInvoice(const nlohmann::json& object);
Result<app::ProviderCheckout> ParseCheckoutSession(const nlohmann::json& object);
Result<app::ProviderCharge> ParseCharge(const nlohmann::json& object);
Result<app::ProviderDispute> ParseDispute(const nlohmann::json& object);
Result<app::ProviderRefund> ParseRefund(const nlohmann::json& object);

// An event: id, type, created, and its data.object decoded for the types creditd handles
// (checkout.session.*, customer.subscription.*, invoice.*, charge.refunded, charge.dispute.*).
// Errors: "malformed_json" when the body is not a JSON event. An object that does not decode
// leaves the event with decode_error set and no object.
Result<app::ProviderEvent> ParseEvent(std::string_view payload);

}  // namespace creditd::payments::stripe
