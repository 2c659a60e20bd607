// Conformance of the subscription-billing repositories: subscriptions and billing (provider
// customers, provider events, subscription credits and the outbox).
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "app/ports/billing_repository.h"
#include "app/ports/charge_repository.h"
#include "app/ports/subscription_repository.h"
#include "storage_conformance/storage_conformance_test.h"

namespace creditd::conformance {
namespace {

class SubscriptionRepositoryConformanceTest : public StorageConformanceTest {
 protected:
  domain::Subscription NewSubscription(int64_t account, const std::string& provider_id) const {
    domain::Subscription subscription;
    subscription.account_id = account;
    subscription.provider = "stripe";
    subscription.provider_customer_id = "cus_1";
    subscription.provider_subscription_id = provider_id;
    subscription.price_id = "price_pro_monthly";
    subscription.plan_key = "pro";
    subscription.interval = domain::BillingInterval::kMonth;
    subscription.status = domain::SubscriptionStatus::kActive;
    subscription.current_period_start = now_;
    subscription.current_period_end = now_ + hours(24 * 30);
    subscription.created_at = now_;
    subscription.updated_at = now_;
    return subscription;
  }
  int64_t Insert(const domain::Subscription& subscription) {
    return Write([&](UnitOfWork& uow) { return uow.subscriptions().Insert(subscription); }).value();
  }
};

TEST_P(SubscriptionRepositoryConformanceTest, SubscriptionsAndMonthlyUsage) {
  const int64_t account = AddAccount();
  EXPECT_FALSE(
      Read([&](UnitOfWork& uow) { return uow.subscriptions().FindCurrent(account); })->has_value());
  domain::Subscription subscription = NewSubscription(account, "sub_1");
  subscription.status = domain::SubscriptionStatus::kPastDue;
  subscription.cancel_at_period_end = true;
  Insert(subscription);
  subscription.provider_subscription_id = "sub_2";
  subscription.plan_key = "premium";
  subscription.status = domain::SubscriptionStatus::kTrialing;
  const int64_t newest = Insert(subscription);
  Insert(NewSubscription(AddAccount(), "sub_3"));  // Another account's, newer still.
  Restart();
  const auto current =
      Read([&](UnitOfWork& uow) { return uow.subscriptions().FindCurrent(account); });
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->id, newest);
  EXPECT_EQ((*current)->plan_key, "premium");  // The newest.
  EXPECT_EQ((*current)->status, domain::SubscriptionStatus::kTrialing);
  EXPECT_EQ((*current)->provider_customer_id, "cus_1");
  EXPECT_TRUE((*current)->cancel_at_period_end);
  EXPECT_EQ((*current)->current_period_end, subscription.current_period_end);

  // Usage sums captured charges' units per tool within the period.
  for (const auto& [tool, units, status, at] :
       std::vector<std::tuple<std::string, int64_t, domain::HoldStatus, Timestamp>>{
           {"nano-banana", 2, domain::HoldStatus::kCaptured, now_},
           {"nano-banana", 3, domain::HoldStatus::kCaptured, now_ + hours(1)},
           {"llm-chat", 7, domain::HoldStatus::kCaptured, now_},
           {"llm-chat", 5, domain::HoldStatus::kReleased, now_},
           {"llm-chat", 4, domain::HoldStatus::kCaptured, now_ - seconds(1)},
           {"nano-banana", 9, domain::HoldStatus::kCaptured, now_ + hours(24 * 30)}}) {
    domain::Charge charge;
    charge.account_id = account;
    charge.tool_key = tool;
    charge.price_version = 1;
    charge.units = units;
    charge.status = status;
    charge.metadata = "{}";
    charge.source = "test";
    charge.created_at = at;
    charge.expires_at = at;
    charge.updated_at = at;
    ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.charges().Insert(charge); }).ok());
  }
  const auto sums = Read([&](UnitOfWork& uow) {
    return uow.charges().SumCapturedUnitsByTool(account, now_, now_ + hours(24 * 30));
  });
  ASSERT_TRUE(sums.ok()) << sums.status().ToString();
  EXPECT_EQ(*sums, (std::map<std::string, int64_t>{{"llm-chat", 7}, {"nano-banana", 5}}));
}

TEST_P(SubscriptionRepositoryConformanceTest, FindByProviderIdReturnsEveryStoredField) {
  const int64_t account = AddAccount();
  domain::Subscription subscription = NewSubscription(account, "sub_9");
  subscription.interval = domain::BillingInterval::kYear;
  subscription.provider_item_id = "si_9";
  subscription.pending_plan_key = "basic";
  subscription.provider_state_at = now_ - seconds(5);
  subscription.updated_at = now_ + seconds(1);
  const int64_t id = Insert(subscription);
  const auto found = Read(
      [&](UnitOfWork& uow) { return uow.subscriptions().FindByProviderId("stripe", "sub_9"); });
  ASSERT_TRUE(found.ok() && found->has_value());
  const domain::Subscription& stored = **found;
  EXPECT_EQ(stored.id, id);
  EXPECT_EQ(stored.account_id, account);
  EXPECT_EQ(stored.provider, "stripe");
  EXPECT_EQ(stored.provider_customer_id, "cus_1");
  EXPECT_EQ(stored.provider_subscription_id, "sub_9");
  EXPECT_EQ(stored.price_id, "price_pro_monthly");
  EXPECT_EQ(stored.plan_key, "pro");
  EXPECT_EQ(stored.interval, domain::BillingInterval::kYear);
  EXPECT_EQ(stored.status, domain::SubscriptionStatus::kActive);
  EXPECT_EQ(stored.current_period_start, now_);
  EXPECT_EQ(stored.current_period_end, now_ + hours(24 * 30));
  EXPECT_FALSE(stored.cancel_at_period_end);
  EXPECT_EQ(stored.created_at, now_);
  EXPECT_EQ(stored.updated_at, now_ + seconds(1));
  EXPECT_EQ(stored.provider_item_id, "si_9");
  EXPECT_EQ(stored.pending_plan_key, "basic");
  EXPECT_EQ(stored.provider_state_at, now_ - seconds(5));
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.subscriptions().FindByProviderId("sandbox", "sub_9");
               })->has_value());
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.subscriptions().FindByProviderId("stripe", "sub_0");
               })->has_value());
}

TEST_P(SubscriptionRepositoryConformanceTest, ProviderSubscriptionIdsAreUniqueWhenSet) {
  const int64_t account = AddAccount();
  Insert(NewSubscription(account, "sub_1"));
  EXPECT_FALSE(Write([&](UnitOfWork& uow) {
                 return uow.subscriptions().Insert(NewSubscription(account, "sub_1"));
               }).ok());
  // Without a provider id (a local subscription) any number may exist.
  domain::Subscription local = NewSubscription(account, "");
  local.provider = "sandbox";
  Insert(local);
  Insert(local);
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.subscriptions().FindCurrent(account); })
                .value()
                ->provider,
            "sandbox");
}

TEST_P(SubscriptionRepositoryConformanceTest, UpdateRewritesEveryField) {
  const int64_t account = AddAccount();
  const int64_t other_account = AddAccount();
  domain::Subscription subscription = NewSubscription(account, "sub_1");
  subscription.id = Insert(subscription);
  const int64_t untouched = Insert(NewSubscription(account, "sub_2"));
  subscription.account_id = other_account;
  subscription.provider_customer_id = "cus_2";
  subscription.provider_subscription_id = "sub_1b";
  subscription.price_id = "price_premium_yearly";
  subscription.plan_key = "premium";
  subscription.interval = domain::BillingInterval::kYear;
  subscription.status = domain::SubscriptionStatus::kCanceled;
  subscription.current_period_start = now_ + hours(1);
  subscription.current_period_end = now_ + hours(2);
  subscription.cancel_at_period_end = true;
  subscription.updated_at = now_ + hours(3);
  subscription.provider_item_id = "si_2";
  subscription.pending_plan_key = "pro";
  subscription.provider_state_at = now_ + hours(4);
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.subscriptions().Update(subscription); }).ok());
  const auto stored = Read([&](UnitOfWork& uow) {
                        return uow.subscriptions().FindByProviderId("stripe", "sub_1b");
                      }).value();
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->id, subscription.id);
  EXPECT_EQ(stored->account_id, other_account);
  EXPECT_EQ(stored->provider_customer_id, "cus_2");
  EXPECT_EQ(stored->price_id, "price_premium_yearly");
  EXPECT_EQ(stored->plan_key, "premium");
  EXPECT_EQ(stored->interval, domain::BillingInterval::kYear);
  EXPECT_EQ(stored->status, domain::SubscriptionStatus::kCanceled);
  EXPECT_EQ(stored->current_period_start, now_ + hours(1));
  EXPECT_EQ(stored->current_period_end, now_ + hours(2));
  EXPECT_TRUE(stored->cancel_at_period_end);
  EXPECT_EQ(stored->updated_at, now_ + hours(3));
  EXPECT_EQ(stored->provider_item_id, "si_2");
  EXPECT_EQ(stored->pending_plan_key, "pro");
  EXPECT_EQ(stored->provider_state_at, now_ + hours(4));
  EXPECT_EQ(
      Read([&](UnitOfWork& uow) { return uow.subscriptions().FindCurrent(account); }).value()->id,
      untouched);
  subscription.id = untouched + 100;
  const Status missing =
      Write([&](UnitOfWork& uow) { return uow.subscriptions().Update(subscription); });
  EXPECT_EQ(missing.reason(), "subscription_not_found");
}

TEST_P(SubscriptionRepositoryConformanceTest, DueForRenewalAreAccessGrantingPeriodsThatEnded) {
  const auto add = [&](const std::string& id, const std::string& provider,
                       domain::SubscriptionStatus status, Timestamp period_end) {
    domain::Subscription subscription = NewSubscription(AddAccount(), id);
    subscription.provider = provider;
    subscription.status = status;
    subscription.current_period_end = period_end;
    return Insert(subscription);
  };
  const int64_t active = add("s1", "sandbox", domain::SubscriptionStatus::kActive, now_ - hours(1));
  const int64_t trialing =
      add("s2", "sandbox", domain::SubscriptionStatus::kTrialing, now_ - hours(2));
  const int64_t past_due = add("s3", "sandbox", domain::SubscriptionStatus::kPastDue, now_);
  add("s4", "sandbox", domain::SubscriptionStatus::kCanceled, now_ - hours(3));
  add("s5", "sandbox", domain::SubscriptionStatus::kActive, now_ + seconds(1));
  add("s6", "stripe", domain::SubscriptionStatus::kActive, now_ - hours(5));
  const auto due = [&](int limit) {
    std::vector<int64_t> ids;
    for (const auto& subscription : Read([&](UnitOfWork& uow) {
                                      return uow.subscriptions().ListDueForRenewal("sandbox", now_,
                                                                                   limit);
                                    }).value()) {
      ids.push_back(subscription.id);
    }
    return ids;
  };
  EXPECT_EQ(due(10), (std::vector<int64_t>{trialing, active, past_due}));
  EXPECT_EQ(due(2), (std::vector<int64_t>{trialing, active}));
}

class BillingRepositoryConformanceTest : public StorageConformanceTest {
 protected:
  bool InsertCustomer(int64_t account, const std::string& provider, const std::string& customer,
                      Timestamp at) {
    return Write([&](UnitOfWork& uow) {
             return uow.billing().InsertCustomer(account, provider, customer, at);
           })
        .value();
  }
};

TEST_P(BillingRepositoryConformanceTest, ACustomerIsRecordedOncePerAccountAndProvider) {
  const int64_t account = AddAccount();
  const int64_t other = AddAccount();
  EXPECT_TRUE(InsertCustomer(account, "stripe", "cus_1", now_));
  EXPECT_FALSE(InsertCustomer(account, "stripe", "cus_2", now_));  // Keeps cus_1.
  EXPECT_FALSE(InsertCustomer(other, "stripe", "cus_1", now_));    // cus_1 is taken.
  EXPECT_TRUE(InsertCustomer(account, "sandbox", "cus_1", now_));
  const auto customer = [&](int64_t id, const std::string& provider) {
    return Read([&](UnitOfWork& uow) { return uow.billing().FindCustomer(id, provider); }).value();
  };
  EXPECT_EQ(customer(account, "stripe"), "cus_1");
  EXPECT_EQ(customer(account, "sandbox"), "cus_1");
  EXPECT_FALSE(customer(other, "stripe").has_value());
  const auto account_of = [&](const std::string& provider, const std::string& id) {
    return Read([&](UnitOfWork& uow) { return uow.billing().FindAccountOfCustomer(provider, id); })
        .value();
  };
  EXPECT_EQ(account_of("stripe", "cus_1"), account);
  EXPECT_FALSE(account_of("stripe", "cus_2").has_value());
  EXPECT_FALSE(account_of("alipay", "cus_1").has_value());
}

TEST_P(BillingRepositoryConformanceTest, CustomersWithoutSubscriptionAreRecentOnesOldestFirst) {
  const int64_t newer = AddAccount();
  const int64_t older = AddAccount();
  const int64_t subscribed = AddAccount();
  const int64_t too_old = AddAccount();
  const int64_t elsewhere = AddAccount();
  InsertCustomer(newer, "stripe", "cus_new", now_);
  InsertCustomer(older, "stripe", "cus_old", now_ - hours(2));
  InsertCustomer(subscribed, "stripe", "cus_sub", now_ - hours(1));
  InsertCustomer(too_old, "stripe", "cus_too_old", now_ - hours(25));
  InsertCustomer(elsewhere, "sandbox", "cus_sandbox", now_);
  // A subscription of another provider does not count.
  domain::Subscription subscription;
  subscription.account_id = subscribed;
  subscription.provider = "stripe";
  subscription.plan_key = "pro";
  subscription.interval = domain::BillingInterval::kMonth;
  subscription.created_at = now_;
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.subscriptions().Insert(subscription); }).ok());
  subscription.account_id = older;
  subscription.provider = "sandbox";
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.subscriptions().Insert(subscription); }).ok());
  const auto list = [&](int limit) {
    return Read([&](UnitOfWork& uow) {
             return uow.billing().ListCustomersWithoutSubscription("stripe", now_ - hours(24),
                                                                   limit);
           })
        .value();
  };
  using Customers = std::vector<std::pair<int64_t, std::string>>;
  EXPECT_EQ(list(10), (Customers{{older, "cus_old"}, {newer, "cus_new"}}));
  EXPECT_EQ(list(1), (Customers{{older, "cus_old"}}));
}

TEST_P(BillingRepositoryConformanceTest, SaveEventInsertsThenRecordsLaterDeliveries) {
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.billing().FindEvent("stripe", "evt_1");
               })->has_value());
  app::ProviderEventRecord event;
  event.provider = "stripe";
  event.event_id = "evt_1";
  event.type = "invoice.paid";
  event.created = now_ - seconds(10);
  event.received_at = now_;
  event.outcome = app::EventOutcome::kFailed;
  event.attempts = 1;
  event.last_error = "database_busy";
  event.payload = "{\"id\":\"evt_1\"}";
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.billing().SaveEvent(event); }).ok());
  const auto first =
      Read([&](UnitOfWork& uow) { return uow.billing().FindEvent("stripe", "evt_1"); }).value();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->provider, "stripe");
  EXPECT_EQ(first->event_id, "evt_1");
  EXPECT_EQ(first->type, "invoice.paid");
  EXPECT_EQ(first->created, now_ - seconds(10));
  EXPECT_EQ(first->received_at, now_);
  EXPECT_EQ(first->outcome, app::EventOutcome::kFailed);
  EXPECT_EQ(first->attempts, 1);
  EXPECT_EQ(first->last_error, "database_busy");
  EXPECT_EQ(first->payload, "{\"id\":\"evt_1\"}");
  event.received_at = now_ + hours(1);
  event.outcome = app::EventOutcome::kProcessed;
  event.attempts = 2;
  event.last_error = "";
  // A later delivery records how it was handled; what the event said stays the first delivery's.
  event.type = "invoice.payment_failed";
  event.created = now_;
  event.payload = "{\"id\":\"evt_1\",\"redelivered\":true}";
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.billing().SaveEvent(event); }).ok());
  const auto second =
      Read([&](UnitOfWork& uow) { return uow.billing().FindEvent("stripe", "evt_1"); }).value();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->received_at, now_ + hours(1));
  EXPECT_EQ(second->outcome, app::EventOutcome::kProcessed);
  EXPECT_EQ(second->attempts, 2);
  EXPECT_EQ(second->last_error, "");
  EXPECT_EQ(second->type, "invoice.paid");
  EXPECT_EQ(second->created, now_ - seconds(10));
  EXPECT_EQ(second->payload, "{\"id\":\"evt_1\"}");
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.billing().FindEvent("sandbox", "evt_1");
               })->has_value());
}

TEST_P(BillingRepositoryConformanceTest, ListEventsFiltersByOutcomeLatestDeliveryFirst) {
  const auto save = [&](const char* provider, const char* id, app::EventOutcome outcome,
                        Timestamp received) {
    app::ProviderEventRecord event;
    event.provider = provider;
    event.event_id = id;
    event.type = "TRADE_SUCCESS";
    event.created = received;
    event.received_at = received;
    event.outcome = outcome;
    event.attempts = 1;
    event.payload = std::string("id=") + id;
    ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.billing().SaveEvent(event); }).ok());
  };
  save("epay", "T1", app::EventOutcome::kPoison, now_ - hours(2));
  save("stripe", "evt_2", app::EventOutcome::kProcessed, now_ - hours(1));
  save("epay", "T3", app::EventOutcome::kPoison, now_);
  const auto list = [&](std::optional<app::EventOutcome> outcome, int limit) {
    std::vector<std::string> ids;
    for (const auto& event :
         Read([&](UnitOfWork& uow) { return uow.billing().ListEvents(outcome, limit); }).value()) {
      ids.push_back(event.provider + "/" + event.event_id);
    }
    return ids;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(list(app::EventOutcome::kPoison, 10), (Ids{"epay/T3", "epay/T1"}));
  EXPECT_EQ(list(app::EventOutcome::kPoison, 1), (Ids{"epay/T3"}));
  EXPECT_EQ(list(std::nullopt, 10), (Ids{"epay/T3", "stripe/evt_2", "epay/T1"}));
  EXPECT_EQ(list(app::EventOutcome::kFailed, 10), Ids{});
  const auto events =
      Read([&](UnitOfWork& uow) { return uow.billing().ListEvents(std::nullopt, 1); }).value();
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].payload, "id=T3");
  EXPECT_EQ(events[0].outcome, app::EventOutcome::kPoison);
}

TEST_P(BillingRepositoryConformanceTest, CreditsAreUniquePerReferenceAndUpdatable) {
  const int64_t account = AddAccount();
  const int64_t entry = AddEntry(account, domain::EntryType::kGrant, 100, now_);
  app::SubscriptionCredit credit;
  credit.provider = "stripe";
  credit.reference = "in_1";
  credit.account_id = account;
  credit.credits = 100;
  credit.created_at = now_;
  EXPECT_TRUE(Write([&](UnitOfWork& uow) { return uow.billing().InsertCredit(credit); }).value());
  credit.credits = 999;
  EXPECT_FALSE(Write([&](UnitOfWork& uow) { return uow.billing().InsertCredit(credit); }).value());
  const auto find = [&](const std::string& provider, const std::string& reference) {
    return Read([&](UnitOfWork& uow) { return uow.billing().FindCredit(provider, reference); })
        .value();
  };
  auto stored = find("stripe", "in_1");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->provider, "stripe");
  EXPECT_EQ(stored->reference, "in_1");
  EXPECT_EQ(stored->account_id, account);
  EXPECT_FALSE(stored->subscription_id.has_value());
  EXPECT_EQ(stored->credits, 100);
  EXPECT_FALSE(stored->entry_id.has_value());
  EXPECT_EQ(stored->clawed_back, 0);
  EXPECT_EQ(stored->created_at, now_);
  stored->entry_id = entry;
  stored->clawed_back = 40;
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.billing().UpdateCredit(*stored); }).ok());
  const auto updated = find("stripe", "in_1");
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->entry_id, entry);
  EXPECT_EQ(updated->clawed_back, 40);
  EXPECT_EQ(updated->credits, 100);
  EXPECT_FALSE(find("sandbox", "in_1").has_value());
  stored->reference = "in_none";
  EXPECT_EQ(Write([&](UnitOfWork& uow) { return uow.billing().UpdateCredit(*stored); }).reason(),
            "database_error");
}

TEST_P(BillingRepositoryConformanceTest, MessagesListNewestFirstPerRecipient) {
  const auto add = [&](const std::string& recipient, const std::string& subject) {
    app::OutboxMessage message;
    message.kind = "email";
    message.recipient = recipient;
    message.subject = subject;
    message.body = "body " + subject;
    message.created_at = now_;
    return Write([&](UnitOfWork& uow) { return uow.billing().InsertMessage(message); }).value();
  };
  const int64_t first = add("a@b.co", "one");
  add("c@d.co", "two");
  const int64_t third = add("a@b.co", "three");
  EXPECT_GT(third, first);
  const auto list = [&](const std::string& recipient, int limit) {
    return Read([&](UnitOfWork& uow) { return uow.billing().ListMessages(recipient, limit); })
        .value();
  };
  const auto to_a = list("a@b.co", 10);
  ASSERT_EQ(to_a.size(), 2U);
  EXPECT_EQ(to_a[0].id, third);
  EXPECT_EQ(to_a[0].kind, "email");
  EXPECT_EQ(to_a[0].recipient, "a@b.co");
  EXPECT_EQ(to_a[0].subject, "three");
  EXPECT_EQ(to_a[0].body, "body three");
  EXPECT_EQ(to_a[0].created_at, now_);
  EXPECT_FALSE(to_a[0].sent_at.has_value());
  EXPECT_EQ(to_a[1].id, first);
  const auto everyone = list("", 2);
  ASSERT_EQ(everyone.size(), 2U);
  EXPECT_EQ(everyone[0].subject, "three");
  EXPECT_EQ(everyone[1].subject, "two");
  EXPECT_TRUE(list("x@y.co", 10).empty());
}

CREDITD_ON_EVERY_BACKEND(SubscriptionRepositoryConformanceTest);
CREDITD_ON_EVERY_BACKEND(BillingRepositoryConformanceTest);

}  // namespace
}  // namespace creditd::conformance
