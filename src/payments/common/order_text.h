// What providers show payers and how providers that want a word are answered, decided once for
// every provider folder. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/ports/payment_provider.h"
#include "domain/order.h"

namespace creditd::payments {

// The item's name on the provider's payment page: "110 credits" (bought and bonus together) or
// "Membership monthly (30 days)".
std::string ItemName(const domain::Order& order);

// A text/plain answer of one word: `accepted` with 200, else `refused` with 400 (a notification
// that will never verify) or 500 (failed here; the provider delivers it again). EPay and Alipay
// answer this way.
app::NotificationReply WordReply(app::NotificationOutcome outcome, std::string_view accepted,
                                 std::string_view refused);

}  // namespace creditd::payments
