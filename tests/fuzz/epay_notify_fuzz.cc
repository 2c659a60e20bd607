// Fuzzes EPay's notification (payments/epay/epay_provider.h) and the provider form decoder
// (payments/common/form.h) on the raw query string EPay sends:
//   - ParseForm either refuses or gives parameters that EncodeForm writes back and ParseForm
//     reads again unchanged;
//   - ParseEvent accepts exactly the forms ParseForm reads and VerifyV1 accepts: a notification
//     is verified before anything is read from it;
//   - the same parameters signed with the merchant's key are accepted, and then a completed
//     checkout comes out exactly when the merchant is ours, the status is TRADE_SUCCESS, the
//     order and trade numbers are present and the money is an exact amount, carrying that
//     amount; with one character of the sign changed, they are refused.
//
// Input: the query string, e.g. "pid=1001&trade_no=T&...&sign=...&sign_type=MD5".
#include <string>
#include <string_view>

#include "common/money.h"
#include "fuzz/fuzz_support.h"
#include "payments/common/form.h"
#include "payments/epay/epay_provider.h"
#include "payments/epay/epay_signature.h"

namespace {

using creditd::Currency;
using creditd::FromUnixSeconds;
using creditd::Money;
using creditd::fuzz::Quote;
using creditd::payments::EncodeForm;
using creditd::payments::ParseForm;
using creditd::payments::ProviderParams;
using creditd::payments::epay::EpayOptions;
using creditd::payments::epay::EpayProvider;
using creditd::payments::epay::SignV1;
using creditd::payments::epay::VerifyV1;

constexpr std::string_view kKey = "89unJUB8HZ54Hj7x4nUj56HN4nUzUJ8i";
constexpr std::string_view kPid = "1001";

EpayProvider& Provider() {
  static EpayProvider provider = [] {
    EpayOptions options;
    options.api_base = "https://pay.example.com";
    options.merchants = {{std::string(kPid), std::string(kKey), std::nullopt}};
    return EpayProvider(std::move(options), "https://credits.example.com");
  }();
  return provider;
}

creditd::Result<creditd::app::ProviderEvent> Parse(std::string query) {
  creditd::app::ProviderNotification notification;
  notification.method = "GET";
  notification.query = std::move(query);
  return Provider().ParseEvent(notification, FromUnixSeconds(1'800'000'000));
}

std::string Get(const ProviderParams& params, std::string_view name) {
  const auto found = params.find(name);
  return found == params.end() ? std::string() : found->second;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = creditd::fuzz::AsText(data, size);
  const auto params = ParseForm(text);
  if (params) {
    CREDITD_FUZZ_EXPECT(ParseForm(EncodeForm(*params)) == params, Quote(text));
  }
  const auto event = Parse(std::string(text));
  const bool verifiable = params && !text.empty() && VerifyV1(*params, kKey).ok();
  CREDITD_FUZZ_EXPECT(event.ok() == verifiable, Quote(text) + " " + event.status().ToString());
  if (!event.ok()) {
    CREDITD_FUZZ_EXPECT(event.status().reason() == "invalid_signature", event.status().ToString());
  }
  if (!params) {
    return 0;
  }

  ProviderParams resigned = *params;
  resigned.erase("sign_type");
  resigned["sign"] = SignV1(resigned, kKey);
  resigned["sign_type"] = "MD5";
  const auto genuine = Parse(EncodeForm(resigned));
  CREDITD_FUZZ_EXPECT(genuine.ok(), Quote(text) + " " + genuine.status().ToString());
  const auto money = Money::Parse(Get(resigned, "money"), Currency::Cny());
  const bool pays =
      Get(resigned, "pid") == kPid && Get(resigned, "trade_status") == "TRADE_SUCCESS" &&
      !Get(resigned, "trade_no").empty() && !Get(resigned, "out_trade_no").empty() && money.ok();
  CREDITD_FUZZ_EXPECT(genuine->checkout.has_value() == pays, Quote(text));
  if (pays) {
    CREDITD_FUZZ_EXPECT(genuine->checkout->amount_total == money->amount_minor(), Quote(text));
    CREDITD_FUZZ_EXPECT(genuine->checkout->client_reference_id == Get(resigned, "out_trade_no"),
                        Quote(text));
    CREDITD_FUZZ_EXPECT(genuine->decode_error.empty(), genuine->decode_error);
  }
  std::string& sign = resigned["sign"];
  sign[0] = sign[0] == '0' ? '1' : '0';
  CREDITD_FUZZ_EXPECT(Parse(EncodeForm(resigned)).status().reason() == "invalid_signature",
                      Quote(text));
  return 0;
}
