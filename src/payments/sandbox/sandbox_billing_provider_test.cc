// The sandbox billing provider driven as app/ drives any provider (SubscriptionCommands), its
// events applied by the real inbox on a real SQLite database: the lifecycle a developer relies on
// in `make run`, and the idempotence of its Pay button and billing cycle.
#include "payments/sandbox/sandbox_billing_provider.h"

#include <gtest/gtest.h>

#include "app/account_service.h"
#include "app/auth_service.h"
#include "app/event_inbox.h"
#include "app/subscription_commands.h"
#include "security/jwt.h"
#include "security/opaque_tokens.h"
#include "security/password_hasher.h"
#include "testing/test_database.h"

namespace creditd::payments::sandbox {
namespace {

constexpr std::chrono::seconds kPeriod(30 * 86400);

domain::Plan MakePlan(std::string key, int64_t monthly_price, int64_t credits) {
  domain::Plan plan;
  plan.key = key;
  plan.name = key;
  const Currency usd = *Currency::FromCode("USD");
  plan.monthly_price = Money(monthly_price, usd);
  plan.yearly_price = Money(0, usd);  // Sold monthly only; in the plan's one currency.
  plan.monthly_credits = credits;
  return plan;
}

class SandboxBillingProviderTest : public ::testing::Test {
 protected:
  SandboxBillingProviderTest()
      : database_(testing::OpenSqlite(dir_.path())),
        codec_(std::string(40, 'k')),
        auth_(*database_, hasher_, codec_, tokens_, ids_, clock_, app::AuthConfig()),
        catalog_(*database_, clock_),
        accounts_(*database_, clock_),
        provider_(*database_, catalog_, clock_, kPeriod),
        inbox_(*database_, catalog_, clock_, providers_, &provider_),
        commands_(*database_, catalog_, clock_, &provider_) {
    domain::Catalog catalog;
    catalog.plans = {MakePlan("free", 0, 50), MakePlan("pro", 1900, 1000),
                     MakePlan("premium", 4900, 3000)};
    EXPECT_TRUE(catalog_.SeedIfFirstStart(catalog).ok());
    providers_.Add(provider_);
    provider_.set_event_sink(&inbox_);
    provider_.set_base_url("http://sandbox.test");
    const auto session = auth_.Register("payer@example.com", "password123", std::nullopt, "t");
    user_ = session->user.id;
    account_ = session->user.account_id;
  }

  // Checks out `price` and returns the sandbox subscription id of its page.
  std::string CheckOut(const std::string& price) {
    const auto url = commands_.Checkout(user_, price);
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    const std::string prefix = "http://sandbox.test/sandbox/subscription/";
    EXPECT_EQ(url->rfind(prefix, 0), 0U) << *url;
    return url->substr(prefix.size());
  }

  int64_t Balance() { return accounts_.GetAccount(account_)->balance; }
  domain::Subscription Stored(const std::string& id) { return *provider_.Find(id); }

  ManualClock clock_{FromUnixSeconds(1'800'000'000)};
  ::creditd::testing::TempDir dir_;
  std::unique_ptr<storage::sqlite::SqliteDatabase> database_;
  security::Argon2idPasswordHasher hasher_;
  security::Hs256AccessTokenCodec codec_;
  security::RandomOpaqueTokens tokens_;
  SequenceIdGenerator ids_;
  app::AuthService auth_;
  app::CatalogService catalog_;
  app::AccountService accounts_;
  SandboxBillingProvider provider_;
  app::PaymentProviders providers_;
  app::EventInbox inbox_;
  app::SubscriptionCommands commands_;
  int64_t user_ = 0;
  int64_t account_ = 0;
};

TEST_F(SandboxBillingProviderTest, OffersEveryPaidPlanAndPaysAPeriodOnceHoweverOftenPaid) {
  const auto prices = commands_.Prices();
  ASSERT_TRUE(prices.ok());
  std::vector<std::string> ids;
  for (const app::PriceOption& option : *prices) {
    ids.push_back(option.price_id);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"sandbox_premium_monthly", "sandbox_pro_monthly"}));

  const std::string id = CheckOut("sandbox_premium_monthly");
  EXPECT_EQ(Stored(id).status, domain::SubscriptionStatus::kIncomplete);
  EXPECT_EQ(Balance(), 0);
  ASSERT_TRUE(provider_.Pay(id).ok());
  ASSERT_TRUE(provider_.Pay(id).ok());  // The Pay button again: the same events, applied once.
  const domain::Subscription paid = Stored(id);
  EXPECT_EQ(paid.status, domain::SubscriptionStatus::kActive);
  EXPECT_EQ(paid.plan_key, "premium");
  EXPECT_EQ(paid.current_period_end - paid.current_period_start, kPeriod);
  EXPECT_EQ(Balance(), 3000);
  EXPECT_EQ(commands_.Checkout(user_, "sandbox_pro_monthly").status().reason(),
            "subscription_exists");
  EXPECT_EQ(provider_.Pay("sbx_sub_404").status().reason(), "subscription_not_found");
  EXPECT_EQ(*commands_.Portal(user_), "http://sandbox.test/sandbox/subscription/" + id);
}

TEST_F(SandboxBillingProviderTest, ADowngradeWaitsForTheRenewalWhichGrantsTheNextPeriodOnce) {
  const std::string id = CheckOut("sandbox_premium_monthly");
  ASSERT_TRUE(provider_.Pay(id).ok());
  ASSERT_TRUE(commands_.ChangePlan(user_, "sandbox_pro_monthly").ok());
  EXPECT_EQ(Stored(id).plan_key, "premium");
  EXPECT_EQ(Stored(id).pending_plan_key, "pro");
  EXPECT_EQ(*provider_.RenewDue(clock_.Now(), 10), 0);  // Not due yet.

  const Timestamp end = Stored(id).current_period_end;
  clock_.Set(end + std::chrono::seconds(1));
  EXPECT_EQ(*provider_.RenewDue(clock_.Now(), 10), 1);
  const domain::Subscription renewed = Stored(id);
  EXPECT_EQ(renewed.plan_key, "pro");
  EXPECT_EQ(renewed.pending_plan_key, "");
  EXPECT_EQ(renewed.current_period_start, end);
  EXPECT_EQ(Balance(), 1000);  // Premium's period expired; pro's arrived.
  // Another process's run over the same due subscription: already renewed, nothing twice.
  EXPECT_EQ(*provider_.RenewDue(clock_.Now(), 10), 0);
  EXPECT_EQ(Balance(), 1000);

  // Cancel at period end: pro stays until the period ends, then the account is on free.
  ASSERT_TRUE(commands_.Cancel(user_).ok());
  EXPECT_TRUE(Stored(id).cancel_at_period_end);
  clock_.Set(renewed.current_period_end);
  EXPECT_EQ(*provider_.RenewDue(clock_.Now(), 10), 1);
  EXPECT_EQ(Stored(id).status, domain::SubscriptionStatus::kCanceled);
  EXPECT_EQ(Balance(), 0);
  EXPECT_EQ(commands_.Cancel(user_).reason(), "subscription_not_found");
}

TEST_F(SandboxBillingProviderTest, AnUpgradeAppliesNowWithTheProratedDifference) {
  const std::string id = CheckOut("sandbox_pro_monthly");
  ASSERT_TRUE(provider_.Pay(id).ok());
  // Two thirds of the period gone: the third left of premium's 3000 less pro's 1000.
  clock_.Advance(kPeriod * 2 / 3);
  ASSERT_TRUE(commands_.ChangePlan(user_, "sandbox_premium_monthly").ok());
  EXPECT_EQ(Stored(id).plan_key, "premium");
  EXPECT_EQ(Balance(), 1000 + (1000 - 333));
  EXPECT_EQ(commands_.ChangePlan(user_, "sandbox_premium_monthly").reason(), "invalid_field");
}

}  // namespace
}  // namespace creditd::payments::sandbox
