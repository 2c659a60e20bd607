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

// The request number a provider is given for creditd's idempotency key `key` (a refund's
// out_request_no or out_refund_no): the key itself when it is at most `max_length` characters of
// [0-9A-Za-z_-], which every provider takes, else the hex MD5 of it (32 characters), the same
// each time, so a retry is the same request.
std::string RequestNumber(std::string_view key, size_t max_length);

// The payer's address as a provider wants it (WeChat Pay's H5 payer_client_ip, EPay's clientip):
// an IPv4 address reached over IPv6 ("::ffff:1.2.3.4") as IPv4; nullopt when it is unknown.
std::optional<std::string> PayerAddress(std::string_view address);

// A text/plain answer of one word: `accepted` with 200, else `refused` with 400 (a notification
// that will never verify) or 500 (failed here; the provider delivers it again). EPay and Alipay
// answer this way.
app::NotificationReply WordReply(app::NotificationOutcome outcome, std::string_view accepted,
                                 std::string_view refused);

}  // namespace creditd::payments
