#include "payments/creem/creem_provider.h"

#include <gtest/gtest.h>

#include "payments/creem/creem_signature.h"

namespace creditd::payments::creem {
namespace {

using nlohmann::json;

constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const Timestamp kNow = FromUnixSeconds(1796300000);

CreemProvider Provider() {
  CreemOptions options;
  options.api_base = "https://api.creem.test";
  options.api_key = "creem_test_key";
  options.webhook_secret = std::string(kSecret);
  options.product_id = "prod_1";
  return CreemProvider(std::move(options), "https://credits.example");
}

// A notification signed as Creem signs it (Standard Webhooks), at `signed_at`.
app::ProviderNotification Signed(const json& event, Timestamp signed_at = kNow) {
  app::ProviderNotification notification;
  notification.method = "POST";
  notification.body = event.dump();
  const std::string id = "msg_" + (event.is_object() ? event.value("id", std::string()) : "");
  const int64_t timestamp = ToUnixSeconds(signed_at);
  notification.headers = {
      {"webhook-id", id},
      {"webhook-timestamp", std::to_string(timestamp)},
      {"webhook-signature", StandardSignature(kSecret, id, timestamp, notification.body)}};
  return notification;
}

// The same body signed only with the legacy creem-signature header.
app::ProviderNotification LegacySigned(const json& event) {
  app::ProviderNotification notification;
  notification.method = "POST";
  notification.body = event.dump();
  notification.headers = {{"creem-signature", LegacySignature(kSecret, notification.body)}};
  return notification;
}

json PaidCheckout() {
  return {{"id", "evt_1"},
          {"eventType", "checkout.completed"},
          {"created_at", ToUnixSeconds(kNow) * 1000},
          {"object",
           {{"id", "ch_1"},
            {"object", "checkout"},
            {"request_id", "R20261203000001"},
            {"status", "completed"},
            {"order",
             {{"id", "ord_1"},
              {"transaction", "tran_1"},
              {"amount", 1090},
              {"sub_total", 1000},
              {"tax_amount", 90},
              {"discount_amount", 0},
              {"currency", "usd"},
              {"status", "paid"},
              {"type", "onetime"}}}}}};
}

TEST(CreemProviderTest, APaidOneTimeCheckoutPaysItsOrderAtThePriceBeforeTax) {
  CreemProvider provider = Provider();
  const auto event = provider.ParseEvent(Signed(PaidCheckout()), kNow);
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  EXPECT_EQ(event->id, "evt_1");
  EXPECT_EQ(event->type, "checkout.completed");
  EXPECT_EQ(event->created, kNow);  // created_at in milliseconds.
  ASSERT_EQ(event->kind, app::ProviderEventKind::kCheckoutCompleted);
  ASSERT_TRUE(event->checkout.has_value());
  EXPECT_TRUE(event->checkout->paid);
  EXPECT_EQ(event->checkout->kind, app::CheckoutKind::kPayment);
  EXPECT_EQ(event->checkout->client_reference_id, "R20261203000001");
  EXPECT_EQ(event->checkout->payment_intent_id, "tran_1");
  EXPECT_EQ(event->checkout->amount_total, 1000);
  EXPECT_EQ(event->checkout->currency, "USD");
  EXPECT_EQ(event->payload, PaidCheckout().dump());
}

TEST(CreemProviderTest, ADiscountLowersThePaidPriceBelowTheOrders) {
  json event = PaidCheckout();
  event["object"]["order"]["discount_amount"] = 200;
  CreemProvider provider = Provider();
  const auto parsed = provider.ParseEvent(Signed(event), kNow);
  ASSERT_TRUE(parsed.ok());
  // 800 is not the order's price of 1000: OrderService keeps such a payment aside.
  EXPECT_EQ(parsed->checkout->amount_total, 800);
}

TEST(CreemProviderTest, SubscriptionsAndUndecodableCheckoutsAreNotPayments) {
  CreemProvider provider = Provider();
  json recurring = PaidCheckout();
  recurring["object"]["order"]["type"] = "recurring";
  const auto subscription = provider.ParseEvent(Signed(recurring), kNow);
  ASSERT_TRUE(subscription.ok());
  EXPECT_EQ(subscription->kind, app::ProviderEventKind::kOther);
  EXPECT_EQ(subscription->decode_error, "");  // Recorded, not kept aside.

  json foreign = PaidCheckout();  // A sale creditd did not start (a payment link).
  foreign["object"].erase("request_id");
  const auto other_sale = provider.ParseEvent(Signed(foreign), kNow);
  ASSERT_TRUE(other_sale.ok());
  EXPECT_EQ(other_sale->kind, app::ProviderEventKind::kOther);
  EXPECT_EQ(other_sale->decode_error, "");

  json open = PaidCheckout();
  open["object"]["status"] = "pending";
  const auto not_completed = provider.ParseEvent(Signed(open), kNow);
  ASSERT_TRUE(not_completed.ok());
  EXPECT_NE(not_completed->decode_error, "");

  json broken = PaidCheckout();
  broken["object"]["order"].erase("transaction");
  const auto undecodable = provider.ParseEvent(Signed(broken), kNow);
  ASSERT_TRUE(undecodable.ok());
  EXPECT_EQ(undecodable->kind, app::ProviderEventKind::kOther);
  EXPECT_NE(undecodable->decode_error, "");
}

json Refund(int64_t paid, int64_t sub_total, int64_t refund) {
  return {{"id", "evt_2"},
          {"eventType", "refund.created"},
          {"created_at", ToUnixSeconds(kNow)},
          {"object",
           {{"id", "ref_1"},
            {"status", "succeeded"},
            {"refund_amount", refund},
            {"refund_currency", "USD"},
            {"transaction", {{"id", "tran_1"}, {"amount", paid}, {"refunded_amount", refund}}},
            {"order", {{"id", "ord_1"}, {"amount", paid}, {"sub_total", sub_total}}},
            {"checkout", {{"id", "ch_1"}, {"request_id", "R20261203000001"}}}}}};
}

TEST(CreemProviderTest, ARefundIsOneRefundAsItsShareOfThePriceBeforeTax) {
  CreemProvider provider = Provider();
  // Tax added on top of the price of 1000: half of the 1090 paid is half of the price.
  const auto event = provider.ParseEvent(Signed(Refund(1090, 1000, 545)), kNow);
  ASSERT_TRUE(event.ok()) << event.status().ToString();
  ASSERT_EQ(event->kind, app::ProviderEventKind::kPaymentRefunded);
  EXPECT_EQ(event->charge->payment_intent_id, "tran_1");
  EXPECT_EQ(event->charge->order_no, "R20261203000001");
  EXPECT_EQ(event->charge->refund_id, "ref_1");
  EXPECT_EQ(event->charge->refund_amount, 500);
  // Tax included in the price: the whole payment is the whole price.
  const auto inclusive = provider.ParseEvent(Signed(Refund(1000, 1000, 1000)), kNow);
  ASSERT_TRUE(inclusive.ok());
  EXPECT_EQ(inclusive->charge->refund_amount, 1000);

  json failed = Refund(1090, 1000, 545);
  failed["object"]["status"] = "failed";
  const auto nothing = provider.ParseEvent(Signed(failed), kNow);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing->kind, app::ProviderEventKind::kOther);
  // Amounts that are not cents of a sale do not decode.
  json huge = Refund(1090, 1000, 545);
  huge["object"]["refund_amount"] = 18446744073709551615ULL;
  const auto undecodable = provider.ParseEvent(Signed(huge), kNow);
  ASSERT_TRUE(undecodable.ok());
  EXPECT_EQ(undecodable->kind, app::ProviderEventKind::kOther);
  EXPECT_NE(undecodable->decode_error, "");
}

TEST(CreemProviderTest, ADisputeNamesItsTransaction) {
  const json dispute = {{"id", "evt_3"},
                        {"eventType", "dispute.created"},
                        {"created_at", ToUnixSeconds(kNow)},
                        {"object",
                         {{"id", "disp_1"},
                          {"amount", 1090},
                          {"currency", "USD"},
                          {"transaction", {{"id", "tran_1"}, {"status", "chargeback"}}}}}};
  CreemProvider provider = Provider();
  const auto event = provider.ParseEvent(Signed(dispute), kNow);
  ASSERT_TRUE(event.ok());
  ASSERT_EQ(event->kind, app::ProviderEventKind::kDisputeOpened);
  EXPECT_EQ(event->dispute->payment_intent_id, "tran_1");
}

TEST(CreemProviderTest, LegacySignaturesAreBoundedByTheSignedCreatedAt) {
  CreemProvider provider = Provider();
  EXPECT_TRUE(
      provider.ParseEvent(LegacySigned(PaidCheckout()), kNow + std::chrono::hours(71)).ok());
  for (const Timestamp now : {kNow + std::chrono::hours(73), kNow - std::chrono::seconds(301)}) {
    const auto stale = provider.ParseEvent(LegacySigned(PaidCheckout()), now);
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.status().reason(), "invalid_signature");
  }
  json undated = PaidCheckout();
  undated.erase("created_at");
  EXPECT_FALSE(provider.ParseEvent(LegacySigned(undated), kNow).ok());
  // A Standard Webhooks signature carries its own timestamp: created_at is not needed.
  EXPECT_TRUE(provider.ParseEvent(Signed(undated), kNow).ok());
}

TEST(CreemProviderTest, RefusesForgedStaleAndMalformedNotifications) {
  CreemProvider provider = Provider();
  app::ProviderNotification forged = Signed(PaidCheckout());
  forged.body.replace(forged.body.find("1000"), 4, "9999");
  EXPECT_EQ(provider.ParseEvent(forged, kNow).status().reason(), "invalid_signature");
  const auto stale =
      provider.ParseEvent(Signed(PaidCheckout(), kNow - std::chrono::seconds(301)), kNow);
  EXPECT_EQ(stale.status().reason(), "invalid_signature");
  const auto unsigned_body =
      provider.ParseEvent(app::ProviderNotification{"POST", "", "{}", {}}, kNow);
  EXPECT_EQ(unsigned_body.status().reason(), "invalid_signature");
  EXPECT_EQ(provider.ParseEvent(Signed(json::array({1, 2})), kNow).status().reason(),
            "malformed_json");
  EXPECT_EQ(provider.ParseEvent(Signed(json{{"id", "evt_4"}, {"eventType", "x"}}), kNow)
                .status()
                .reason(),
            "malformed_json");
}

TEST(CreemProviderTest, RefusesWhatCreemCannotTakeBeforeCallingIt) {
  CreemProvider provider = Provider();
  domain::Order order;
  order.order_no = "R20261203000001";
  order.payment_method = domain::PaymentMethod::kCreem;
  order.price = Money(99, *Currency::FromCode("USD"));
  EXPECT_EQ(provider.StartCheckout(order, {}).status().reason(), "provider_error");
  order.payment_method = domain::PaymentMethod::kStripe;
  order.price = Money(1000, *Currency::FromCode("USD"));
  EXPECT_EQ(provider.StartCheckout(order, {}).status().reason(), "provider_error");
  // Creem refunds whole payments only.
  order.payment_method = domain::PaymentMethod::kCreem;
  order.payment_ref = "tran_1";
  EXPECT_EQ(provider.Refund(order, 500, "key").status().reason(), "provider_error");
  order.refunded = Money(100, order.price.currency());
  EXPECT_EQ(provider.Refund(order, std::nullopt, "key").status().reason(), "provider_error");
}

}  // namespace
}  // namespace creditd::payments::creem
