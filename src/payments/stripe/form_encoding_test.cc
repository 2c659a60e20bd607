#include "payments/stripe/form_encoding.h"

#include <gtest/gtest.h>

namespace creditd::payments::stripe {
namespace {

using nlohmann::ordered_json;

TEST(StripeFormTest, EncodesACheckoutSessionLikeStripeNode) {
  ordered_json parameters = {
      {"mode", "subscription"},
      {"customer", "cus_123"},
      {"line_items", ordered_json::array({{{"price", "price_pro_monthly"}, {"quantity", 1}}})},
      {"success_url", "https://example.com/ok?session={CHECKOUT_SESSION_ID}"},
      {"metadata", {{"account_id", "42"}, {"plan", "pro"}}},
      {"subscription_data", {{"trial_period_days", 7}}},
      {"allow_promotion_codes", false}};
  EXPECT_EQ(EncodeForm(parameters),
            "mode=subscription&customer=cus_123&line_items[0][price]=price_pro_monthly&"
            "line_items[0][quantity]=1&success_url=https%3A%2F%2Fexample.com%2Fok%3Fsession%3D%"
            "7BCHECKOUT_SESSION_ID%7D&metadata[account_id]=42&metadata[plan]=pro&"
            "subscription_data[trial_period_days]=7&allow_promotion_codes=false");
}

TEST(StripeFormTest, ArraysOfScalarsNullsAndEmptyContainers) {
  const ordered_json parameters = {{"expand", ordered_json::array({"latest_invoice", "customer"})},
                                   {"description", nullptr},
                                   {"metadata", ordered_json::object()},
                                   {"items", ordered_json::array()}};
  EXPECT_EQ(EncodeForm(parameters), "expand[0]=latest_invoice&expand[1]=customer&description=");
}

TEST(StripeFormTest, KeysAndValuesArePercentEncodedButTheBrackets) {
  const ordered_json nested = {{"metadata", {{"note key", "x&y"}}}};
  EXPECT_EQ(EncodeForm(nested), "metadata[note%20key]=x%26y");
}

}  // namespace
}  // namespace creditd::payments::stripe
