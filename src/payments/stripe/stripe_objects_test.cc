// Decoding of Stripe's own example objects (tests/fixtures/stripe/objects.json), so the parser
// follows the shapes Stripe really returns for the pinned API version.
#include "payments/stripe/stripe_objects.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace creditd::payments::stripe {
namespace {

using nlohmann::json;

json Fixture(const std::string& name) {
  std::ifstream in(CREDITD_STRIPE_FIXTURES);
  std::stringstream text;
  text << in.rdbuf();
  const json all = json::parse(text.str());
  return all.at(name);
}

TEST(StripeObjectsTest, DecodesASubscriptionWithItsPeriodOnTheItem) {
  json object = Fixture("subscription");
  object["metadata"] = {{"account_id", "42"}};
  const auto subscription = ParseSubscription(object);
  ASSERT_TRUE(subscription.ok()) << subscription.status().ToString();
  EXPECT_EQ(subscription->id, "sub_1Pgc6rB7WZ01zgkWNy0Cn5nw");
  EXPECT_EQ(subscription->customer_id, "cus_QXg1o8vcGmoR32");
  EXPECT_EQ(subscription->item_id, "si_QXhVnC2h0Jczwc");
  EXPECT_EQ(subscription->price_id, "price_1PgafmB7WZ01zgkW6dKueIc5");
  EXPECT_EQ(subscription->status, domain::SubscriptionStatus::kActive);
  EXPECT_TRUE(subscription->cancel_at_period_end);
  EXPECT_EQ(ToUnixSeconds(subscription->current_period_start), 1896570518);
  EXPECT_EQ(ToUnixSeconds(subscription->current_period_end), 976287773);
  EXPECT_EQ(subscription->account_id, 42);
}

TEST(StripeObjectsTest, ASubscriptionWithoutCreditdMetadataHasNoAccount) {
  json object = Fixture("subscription");
  EXPECT_FALSE(ParseSubscription(object)->account_id.has_value());
  object["metadata"] = {{"account_id", "12x"}};
  EXPECT_FALSE(ParseSubscription(object)->account_id.has_value());
}

TEST(StripeObjectsTest, RefusesUnknownStatusesAndOtherObjects) {
  json object = Fixture("subscription");
  object["status"] = "frozen";
  EXPECT_EQ(ParseSubscription(object).status().reason(), "provider_error");
  EXPECT_EQ(ParseSubscription(Fixture("invoice")).status().reason(), "provider_error");
  EXPECT_EQ(ParseInvoice(Fixture("subscription")).status().reason(), "provider_error");
}

TEST(StripeObjectsTest, DecodesAnInvoiceAndSkipsProrationLines) {
  json object = Fixture("invoice");
  // The fixture's only line is a proration; add the subscription line a renewal carries.
  json line = object["lines"]["data"][0];
  line["parent"]["subscription_item_details"]["proration"] = false;
  line["period"] = {{"start", 1764547200}, {"end", 1767225600}};
  line["pricing"] = {{"type", "price_details"},
                     {"price_details", {{"price", "price_pro_monthly"}, {"product", "prod_1"}}}};
  object["lines"]["data"].push_back(line);
  object["billing_reason"] = "subscription_cycle";
  object["amount_paid"] = 1900;
  const auto invoice = ParseInvoice(object);
  ASSERT_TRUE(invoice.ok()) << invoice.status().ToString();
  EXPECT_EQ(invoice->id, "in_1Pgc6tB7WZ01zgkWu9fdqL6I");
  EXPECT_EQ(invoice->customer_id, "cus_QXg1o8vcGmoR32");
  EXPECT_EQ(invoice->subscription_id, "subscription");  // parent.subscription_details.
  EXPECT_EQ(invoice->billing_reason, "subscription_cycle");
  EXPECT_EQ(invoice->amount_paid, 1900);
  EXPECT_EQ(invoice->currency, "USD");
  EXPECT_EQ(ToUnixSeconds(invoice->period_start), 1764547200);
  EXPECT_EQ(ToUnixSeconds(invoice->period_end), 1767225600);
  EXPECT_EQ(invoice->price_id, "price_pro_monthly");
  ASSERT_EQ(invoice->prorations.size(), 1U);  // The fixture's own line.
  EXPECT_EQ(invoice->prorations[0].amount, 1000);
  EXPECT_EQ(ToUnixSeconds(invoice->prorations[0].period_end), 1721954054);
}

TEST(StripeObjectsTest, DecodesCheckoutSessionsChargesAndDisputes) {
  const auto checkout = ParseCheckoutSession(Fixture("checkout.session"));
  ASSERT_TRUE(checkout.ok());
  EXPECT_EQ(checkout->kind, app::CheckoutKind::kPayment);
  EXPECT_FALSE(checkout->paid);
  EXPECT_EQ(checkout->payment_intent_id, "pi_1PgafyB7WZ01zgkWSjxsAJo3");
  EXPECT_EQ(checkout->subscription_id, "");
  EXPECT_EQ(checkout->state, app::CheckoutState::kOpen);

  const auto charge = ParseCharge(Fixture("charge"));
  ASSERT_TRUE(charge.ok());
  EXPECT_EQ(charge->id, "ch_1PgafuB7WZ01zgkWXYmPNZs8");
  EXPECT_EQ(charge->amount, 100);
  EXPECT_EQ(charge->currency, "USD");

  const auto dispute = ParseDispute(Fixture("dispute"));
  ASSERT_TRUE(dispute.ok());
  EXPECT_EQ(dispute->charge_id, "ch_1PgafuB7WZ01zgkWXYmPNZs8");
  EXPECT_EQ(dispute->amount, 1000);

  const auto refund = ParseRefund(Fixture("refund"));
  ASSERT_TRUE(refund.ok());
  EXPECT_EQ(refund->id, "re_1Pgc72B7WZ01zgkWqPvrRrPE");
  EXPECT_EQ(refund->amount, 100);
  EXPECT_EQ(refund->currency, "USD");
  EXPECT_EQ(refund->status, "succeeded");
  EXPECT_FALSE(ParseRefund(Fixture("charge")).ok());
}

TEST(StripeObjectsTest, DecodesEventsByType) {
  json event = Fixture("event");
  event["type"] = "customer.subscription.updated";
  event["data"]["object"] = Fixture("subscription");
  auto decoded = ParseEvent(event.dump());
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->id, "evt_1Pgc76B7WZ01zgkWwyRHS12y");
  EXPECT_EQ(ToUnixSeconds(decoded->created), 1234567890);
  EXPECT_EQ(decoded->kind, app::ProviderEventKind::kSubscriptionChanged);
  ASSERT_TRUE(decoded->subscription.has_value());
  EXPECT_FALSE(decoded->invoice.has_value());

  // Each event name creditd acts on maps to its kind; the rest are kOther.
  const std::pair<std::string, app::ProviderEventKind> kinds[] = {
      {"checkout.session.completed", app::ProviderEventKind::kCheckoutCompleted},
      {"checkout.session.async_payment_succeeded", app::ProviderEventKind::kCheckoutPaid},
      {"checkout.session.async_payment_failed", app::ProviderEventKind::kCheckoutPaymentFailed},
      {"checkout.session.expired", app::ProviderEventKind::kCheckoutExpired},
      {"customer.subscription.deleted", app::ProviderEventKind::kSubscriptionChanged},
      {"invoice.paid", app::ProviderEventKind::kInvoicePaid},
      {"invoice.payment_failed", app::ProviderEventKind::kInvoicePaymentFailed},
      {"invoice.finalized", app::ProviderEventKind::kOther},
      {"charge.refunded", app::ProviderEventKind::kPaymentRefunded},
      {"charge.dispute.created", app::ProviderEventKind::kDisputeOpened},
      {"charge.dispute.closed", app::ProviderEventKind::kDisputeClosed},
  };
  for (const auto& [type, kind] : kinds) {
    json named = Fixture("event");
    named["type"] = type;
    const auto parsed = ParseEvent(named.dump());
    ASSERT_TRUE(parsed.ok()) << type;
    EXPECT_EQ(parsed->kind, kind) << type;
  }

  // A type creditd does not handle decodes with no object: acknowledged, not acted on.
  decoded = ParseEvent(Fixture("event").dump());
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->type, "plan.created");
  EXPECT_EQ(decoded->kind, app::ProviderEventKind::kOther);
  EXPECT_FALSE(decoded->subscription || decoded->invoice || decoded->checkout || decoded->charge ||
               decoded->dispute);

  EXPECT_EQ(ParseEvent("{\"id\":\"evt_1\"}").status().reason(), "malformed_json");
  EXPECT_EQ(ParseEvent("not json").status().reason(), "malformed_json");
  event["data"]["object"] = Fixture("invoice");  // A subscription event carrying an invoice.
  decoded = ParseEvent(event.dump());
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->subscription.has_value());
  EXPECT_NE(decoded->decode_error, "");
}

}  // namespace
}  // namespace creditd::payments::stripe
