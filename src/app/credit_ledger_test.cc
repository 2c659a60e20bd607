#include "app/credit_ledger.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "app/account_service.h"
#include "app/catalog_service.h"
#include "app/charge_service.h"
#include "app/free_plan_credits.h"
#include "app/ports/account_repository.h"
#include "app/ports/idempotency_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/result_codecs.h"
#include "app/transaction.h"
#include "jobs/charge_jobs.h"
#include "jobs/grant_expiry_job.h"
#include "storage/common/write_batcher.h"
#include "testing/ledger_test_fixture.h"

namespace creditd::app {
namespace {

using domain::EntryType;
using domain::GrantSource;
using std::chrono::hours;
using std::chrono::seconds;

class CreditLedgerTest : public testing::LedgerTestFixture {
 protected:
  Result<domain::LedgerEntry> Debit(int64_t account, int64_t amount) {
    DebitCommand command;
    command.account_id = account;
    command.amount = amount;
    command.description = "AI generation";
    return InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
      return CreditLedger::RemoveCredits(uow, command, clock_.Now());
    });
  }

  // Records a sandbox pro subscription of `account` in `status`, its period starting now.
  void InsertProSubscription(int64_t account, domain::SubscriptionStatus status,
                             std::chrono::hours period) {
    domain::Subscription subscription;
    subscription.account_id = account;
    subscription.provider = "sandbox";
    subscription.plan_key = "pro";
    subscription.interval = domain::BillingInterval::kMonth;
    subscription.status = status;
    subscription.current_period_start = clock_.Now();
    subscription.current_period_end = clock_.Now() + period;
    subscription.created_at = clock_.Now();
    subscription.updated_at = clock_.Now();
    ASSERT_TRUE(InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
                  return uow.subscriptions().Insert(subscription);
                }).ok());
  }

  Result<ChargeView> Reserve(int64_t account, int64_t price, seconds hold = seconds(600)) {
    ReserveCommand command;
    command.account_id = account;
    command.tool.key = "nano-banana";
    command.tool.credits = price;
    command.tool.price_version = 3;
    command.hold = hold;
    command.source = "api_key:1";
    return InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
      return CreditLedger::Reserve(uow, command, clock_.Now());
    });
  }

  template <typename Fn>
  Result<ChargeView> Write(Fn&& fn) {
    return InTransaction(*database_, TransactionMode::kWrite,
                         [&](UnitOfWork& uow) { return fn(uow); });
  }
};

TEST_F(CreditLedgerTest, CreditsAndDebitsKeepBalanceEqualToEntriesAndGrants) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 100, GrantSource::kPurchase).ok());
  ExpectInvariants();
  ASSERT_TRUE(Credit(account, 10, GrantSource::kBonus, hours(24)).ok());
  ExpectInvariants();
  const auto debit = Debit(account, 25);
  ASSERT_TRUE(debit.ok()) << debit.status().ToString();
  EXPECT_EQ(debit->amount, -25);
  EXPECT_EQ(debit->balance_after, 85);
  ExpectInvariants();
  // The expiring bonus (higher priority) went first, then 15 of the purchase.
  const auto snapshot = Snapshot(account);
  EXPECT_EQ(snapshot.grants[0].remaining, 85);
  EXPECT_EQ(snapshot.grants[1].remaining, 0);
  EXPECT_EQ(snapshot.account.balance, 85);
}

TEST_F(CreditLedgerTest, InsufficientCreditsChangesNothing) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 9, GrantSource::kPurchase).ok());
  const auto debit = Debit(account, 10);
  ASSERT_FALSE(debit.ok());
  EXPECT_EQ(debit.status().reason(), "insufficient_credits");
  const auto snapshot = Snapshot(account);
  EXPECT_EQ(snapshot.entries.size(), 1U);
  EXPECT_EQ(snapshot.account.balance, 9);
  ExpectInvariants();
}

TEST_F(CreditLedgerTest, ExpiryJobWritesExpireEntriesOnceAndAfterTheDeadline) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 50, GrantSource::kPurchase).ok());
  ASSERT_TRUE(Credit(account, 30, GrantSource::kReward, hours(1)).ok());
  ASSERT_TRUE(Debit(account, 10).ok());  // Drawn from the expiring reward: 20 left there.
  jobs::GrantExpiryJob job(*database_);
  clock_.Advance(hours(1) - seconds(1));
  EXPECT_EQ(*job.RunOnce(clock_.Now()), 0);  // Not yet: expiry is never early.
  clock_.Advance(seconds(1));
  EXPECT_EQ(*job.RunOnce(clock_.Now()), 1);
  ExpectInvariants();
  EXPECT_EQ(*job.RunOnce(clock_.Now()), 0);  // Idempotent.
  const auto snapshot = Snapshot(account);
  ASSERT_EQ(snapshot.entries.size(), 4U);
  EXPECT_EQ(snapshot.entries.back().type, EntryType::kExpire);
  EXPECT_EQ(snapshot.entries.back().amount, -20);
  EXPECT_EQ(snapshot.account.balance, 50);
}

TEST_F(CreditLedgerTest, ADebitExpiresDueGrantsBeforeSpending) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 30, GrantSource::kReward, seconds(60)).ok());
  clock_.Advance(seconds(61));
  const auto debit = Debit(account, 1);
  ASSERT_FALSE(debit.ok());
  EXPECT_EQ(debit.status().reason(), "insufficient_credits");
  // The failed debit rolled back, so the expiry it performed is not stored either; the job or
  // the next successful operation writes it.
  ASSERT_TRUE(Credit(account, 5, GrantSource::kPurchase).ok());
  const auto snapshot = Snapshot(account);
  ASSERT_EQ(snapshot.entries.size(), 3U);
  EXPECT_EQ(snapshot.entries[1].type, EntryType::kExpire);
  EXPECT_EQ(snapshot.account.balance, 5);
  ExpectInvariants();
}

TEST_F(CreditLedgerTest, RefusesAmountsOutsideTheLimitsAndPastExpiries) {
  const int64_t account = NewAccount();
  EXPECT_EQ(Credit(account, 0, GrantSource::kPurchase).status().reason(), "invalid_amount");
  EXPECT_EQ(Credit(account, domain::kMaxCreditsPerOperation + 1, GrantSource::kPurchase)
                .status()
                .reason(),
            "invalid_amount");
  EXPECT_EQ(Credit(account, 5, GrantSource::kPurchase, seconds(0)).status().field(), "expires_at");
  EXPECT_EQ(Credit(999, 5, GrantSource::kPurchase).status().reason(), "account_not_found");
  ExpectInvariants();
}

TEST_F(CreditLedgerTest, RandomOperationsKeepEveryInvariant) {
  std::mt19937_64 random(20260122);
  const int64_t first = NewAccount();
  const int64_t second = NewAccount();
  jobs::GrantExpiryJob job(*database_);
  for (int step = 0; step < 300; ++step) {
    const int64_t account = (random() % 2 == 0) ? first : second;
    const auto choice = random() % 10;
    if (choice < 4) {
      const bool expires = random() % 2 == 0;
      const auto amount = static_cast<int64_t>(random() % 100 + 1);
      ASSERT_TRUE(
          Credit(account, amount, expires ? GrantSource::kBonus : GrantSource::kPurchase,
                 expires ? std::optional<seconds>(seconds(random() % 3600 + 1)) : std::nullopt)
              .ok());
    } else if (choice < 8) {
      const auto before = Snapshot(account).account.balance;
      const auto amount = static_cast<int64_t>(random() % 60 + 1);
      const auto debit = Debit(account, amount);
      if (debit.ok()) {
        EXPECT_LE(amount, before);
      } else {
        EXPECT_EQ(debit.status().reason(), "insufficient_credits");
      }
    } else if (choice == 8) {
      clock_.Advance(seconds(random() % 1800));
    } else {
      ASSERT_TRUE(job.RunOnce(clock_.Now()).ok());
    }
    ExpectInvariants();
  }
  // After a final sweep no grant with credits is past its expiry.
  clock_.Advance(hours(2));
  ASSERT_TRUE(job.RunOnce(clock_.Now()).ok());
  for (const int64_t account : {first, second}) {
    for (const auto& grant : Snapshot(account).grants) {
      EXPECT_FALSE(domain::IsDueToExpire(grant, clock_.Now()));
    }
  }
  ExpectInvariants();
}

TEST_F(CreditLedgerTest, AHoldReservesInSpendingOrderAndACaptureReturnsTheRestToTheSameGrants) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 50, GrantSource::kPurchase).ok());
  ASSERT_TRUE(Credit(account, 5, GrantSource::kBonus, hours(24)).ok());
  const auto held = Reserve(account, 20);
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(held->credits, 35);
  EXPECT_EQ(held->charge.price_version, 3);
  ASSERT_EQ(held->charge.allocations.size(), 2U);
  EXPECT_EQ(held->charge.allocations[0].reserved, 5);  // The expiring bonus first.
  EXPECT_EQ(held->charge.allocations[1].reserved, 15);
  ExpectInvariants();
  EXPECT_EQ(Snapshot(account).account.held, 20);
  // Nothing may spend the held credits.
  EXPECT_EQ(Debit(account, 36).status().reason(), "insufficient_credits");

  const auto captured = Write([&](UnitOfWork& uow) {
    return CreditLedger::Capture(uow, held->charge.id, 8, clock_.Now());
  });
  ASSERT_TRUE(captured.ok()) << captured.status().ToString();
  EXPECT_EQ(captured->credits, 47);
  ExpectInvariants();
  const auto snapshot = Snapshot(account);
  EXPECT_EQ(snapshot.account.held, 0);
  EXPECT_EQ(snapshot.account.balance, 47);
  EXPECT_EQ(snapshot.grants[0].remaining, 47);  // 3 of the 15 kept; 12 back.
  EXPECT_EQ(snapshot.grants[1].remaining, 0);   // The bonus's 5 all kept.
  EXPECT_EQ(snapshot.entries.back().type, EntryType::kConsume);
  EXPECT_EQ(snapshot.entries.back().amount, -8);
  EXPECT_EQ(snapshot.entries.back().reference, "charge:" + std::to_string(held->charge.id));

  const auto again = Write(
      [&](UnitOfWork& uow) { return CreditLedger::Release(uow, held->charge.id, clock_.Now()); });
  EXPECT_EQ(again.status().reason(), "hold_already_captured");
}

TEST_F(CreditLedgerTest, CreditsReturnedToAGrantThatExpiredMeanwhileExpireAtOnce) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 10, GrantSource::kReward, hours(1)).ok());
  const auto held = Reserve(account, 6, hours(2));
  ASSERT_TRUE(held.ok());
  clock_.Advance(hours(1));  // The reward grant expires while 6 of it are held.
  jobs::GrantExpiryJob job(*database_);
  EXPECT_EQ(*job.RunOnce(clock_.Now()), 1);  // Its 4 free credits expire now.
  ExpectInvariants();
  const auto released = Write(
      [&](UnitOfWork& uow) { return CreditLedger::Release(uow, held->charge.id, clock_.Now()); });
  ASSERT_TRUE(released.ok()) << released.status().ToString();
  EXPECT_EQ(released->credits, 0);
  ExpectInvariants();
  const auto snapshot = Snapshot(account);
  EXPECT_EQ(snapshot.account.balance, 0);
  EXPECT_EQ(snapshot.entries.back().type, EntryType::kExpire);
  EXPECT_EQ(snapshot.entries.back().amount, -6);
}

TEST_F(CreditLedgerTest, HoldsExpireExactlyAtTheirTimeoutAndAMemberReservesNothing) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 10, GrantSource::kPurchase).ok());
  const auto held = Reserve(account, 4, seconds(30));
  ASSERT_TRUE(held.ok());
  clock_.Advance(seconds(29));
  EXPECT_FALSE(*InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
    return CreditLedger::ExpireCharge(uow, held->charge.id, clock_.Now());
  }));
  clock_.Advance(seconds(1));
  const auto capture = Write([&](UnitOfWork& uow) {
    return CreditLedger::Capture(uow, held->charge.id, std::nullopt, clock_.Now());
  });
  EXPECT_EQ(capture.status().reason(), "hold_expired");
  EXPECT_TRUE(*InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
    return CreditLedger::ExpireCharge(uow, held->charge.id, clock_.Now());
  }));
  ExpectInvariants();
  EXPECT_EQ(Snapshot(account).account.available(), 10);

  ASSERT_TRUE(InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
                return uow.accounts().SetMemberExpiry(account, clock_.Now() + hours(1),
                                                      clock_.Now());
              }).ok());
  const auto free = Reserve(account, 4);
  ASSERT_TRUE(free.ok());
  EXPECT_TRUE(free->charge.member_free);
  EXPECT_EQ(free->charge.reserved, 0);
  EXPECT_EQ(free->credits, 10);
  ExpectInvariants();
}

TEST_F(CreditLedgerTest, ARefundGoesBackToTheSpentGrantsAndExpiresWhatIsPastItsExpiry) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 10, GrantSource::kPurchase).ok());
  ASSERT_TRUE(Credit(account, 3, GrantSource::kReward, hours(1)).ok());
  const auto held = Reserve(account, 8);
  ASSERT_TRUE(held.ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return CreditLedger::Capture(uow, held->charge.id, std::nullopt, clock_.Now());
              }).ok());
  clock_.Advance(hours(1));  // The reward grant (3 spent from it) is past its expiry.
  const auto refunded = Write([&](UnitOfWork& uow) {
    return CreditLedger::Refund(uow, held->charge.id, std::nullopt, clock_.Now());
  });
  ASSERT_TRUE(refunded.ok()) << refunded.status().ToString();
  EXPECT_EQ(refunded->charge.refunded, 8);
  EXPECT_EQ(refunded->credits, 10);  // 5 back to the purchase; the reward's 3 expire at once.
  ExpectInvariants();
  const auto entries = Snapshot(account).entries;
  EXPECT_EQ(entries[entries.size() - 2].type, EntryType::kRefund);
  EXPECT_EQ(entries.back().type, EntryType::kExpire);
  EXPECT_EQ(entries.back().amount, -3);
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return CreditLedger::Refund(uow, held->charge.id, 1, clock_.Now());
            })
                .status()
                .reason(),
            "refund_exceeds_captured");
}

// Submits a charge write and waits for its answer.
Result<Idempotent<ChargeView>> WriteAndWait(ChargeService& charges,
                                            const IdempotentRequest& request, ChargeWork work) {
  std::promise<Result<Idempotent<ChargeView>>> answered;
  charges.SubmitWrite(request, std::move(work), [&answered](Result<Idempotent<ChargeView>> result) {
    answered.set_value(std::move(result));
  });
  return answered.get_future().get();
}

TEST_F(CreditLedgerTest, IdempotencyKeysAreKeptAtLeastADayThenPruned) {
  storage::WriteBatcher batcher(*database_);
  InFlightKeys in_flight;
  CatalogService catalog(*database_, clock_);
  ChargeService charges(*database_, batcher, in_flight, catalog, clock_);
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 100).ok());
  const auto reserve = [&](int64_t price) -> ChargeWork {
    return [this, account, price](UnitOfWork& uow) {
      ReserveCommand command;
      command.account_id = account;
      command.tool.key = "nano-banana";
      command.tool.credits = price;
      command.hold = seconds(600);
      command.source = "api_key:1";
      return CreditLedger::Reserve(uow, command, clock_.Now());
    };
  };
  const IdempotentRequest request{"api_key:1", "key-1", "fingerprint"};
  const auto stored = WriteAndWait(charges, request, reserve(5));
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_FALSE(stored->replayed);
  jobs::IdempotencyPruneJob job(charges);
  clock_.Advance(hours(24) - seconds(1));
  EXPECT_EQ(*job.RunOnce(clock_.Now()), 0);
  // The replay is the first charge, field for field, and reserves nothing more.
  const auto replay = WriteAndWait(charges, request, reserve(7));
  ASSERT_TRUE(replay.ok());
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(ResultCodec<ChargeView>::Encode(replay->value),
            ResultCodec<ChargeView>::Encode(stored->value));
  EXPECT_EQ(replay->value.charge.reserved, 5);
  EXPECT_EQ(Snapshot(account).account.held, 5);
  clock_.Advance(seconds(2));
  EXPECT_EQ(*job.RunOnce(clock_.Now()), 1);
  const auto fresh = WriteAndWait(charges, request, reserve(7));
  ASSERT_TRUE(fresh.ok());
  EXPECT_FALSE(fresh->replayed);
  EXPECT_NE(fresh->value.charge.id, stored->value.charge.id);
  EXPECT_EQ(fresh->value.charge.reserved, 7);
  ExpectInvariants();
}

// A catalog of two plans: free (50 credits a month, basic_chat) and pro (19.00, 1000 credits,
// advanced_models too).
domain::Catalog FreeAndPro() {
  domain::Plan free;
  free.key = "free";
  free.name = "Free";
  const Currency usd = *Currency::FromCode("USD");
  free.monthly_price = free.yearly_price = Money(0, usd);
  free.monthly_credits = 50;
  free.features = {"basic_chat"};
  domain::Plan pro = free;
  pro.key = "pro";
  pro.name = "Pro";
  pro.monthly_price = Money(1900, usd);
  pro.yearly_price = Money(19000, usd);
  pro.monthly_credits = 1000;
  pro.features = {"basic_chat", "advanced_models"};
  domain::Catalog catalog;
  catalog.plans = {free, pro};
  return catalog;
}

TEST_F(CreditLedgerTest, TheSubscriptionsPlanGivesItsFeaturesWhileItsStatusGrantsAccess) {
  CatalogService catalog(*database_, clock_);
  ASSERT_TRUE(catalog.SeedIfFirstStart(FreeAndPro()).ok());
  const int64_t account = NewAccount();
  const auto features = [&] {
    return *InTransaction(*database_, TransactionMode::kRead,
                          [&](UnitOfWork& uow) { return catalog.FeaturesOf(uow, account); });
  };
  EXPECT_EQ(features(), std::vector<std::string>{"basic_chat"});
  InsertProSubscription(account, domain::SubscriptionStatus::kActive, hours(24 * 30));
  EXPECT_EQ(features(),
            (std::vector<std::string>{"advanced_models", "basic_chat"}));  // Stored sorted.
  InsertProSubscription(account, domain::SubscriptionStatus::kCanceled, hours(24 * 30));
  EXPECT_EQ(features(), std::vector<std::string>{"basic_chat"});
}

TEST_F(CreditLedgerTest, TheFreePlansCreditsComeEachAnniversaryOnlyWhileOnTheFreePlan) {
  CatalogService catalog(*database_, clock_);
  ASSERT_TRUE(catalog.SeedIfFirstStart(FreeAndPro()).ok());
  FreePlanCredits free_credits(*database_, catalog);
  const int64_t on_free = NewAccount();
  const int64_t on_pro = NewAccount();
  InsertProSubscription(on_pro, domain::SubscriptionStatus::kActive, hours(24 * 365));
  const auto balance = [&](int64_t account) { return Snapshot(account).account.balance; };

  EXPECT_EQ(*free_credits.GrantDue(clock_.Now(), 100), 1);
  EXPECT_EQ(balance(on_free), 50);
  EXPECT_EQ(balance(on_pro), 0);  // A paying plan brings its own credits.
  // Again the same month: nothing is due.
  clock_.Set(clock_.Now() + hours(24 * 10));
  EXPECT_EQ(*free_credits.GrantDue(clock_.Now(), 100), 0);
  EXPECT_EQ(balance(on_free), 50);
  // The next anniversary: last month's credits expire and this month's arrive.
  clock_.Set(clock_.Now() + hours(24 * 25));
  ASSERT_TRUE(jobs::GrantExpiryJob(*database_).RunOnce(clock_.Now()).ok());
  EXPECT_EQ(*free_credits.GrantDue(clock_.Now(), 100), 1);
  EXPECT_EQ(balance(on_free), 50);
  const domain::AccountSnapshot snapshot = Snapshot(on_free);
  ASSERT_EQ(snapshot.entries.size(), 3U);  // GRANT, EXPIRE, GRANT.
  EXPECT_EQ(snapshot.entries[1].type, EntryType::kExpire);
  EXPECT_TRUE(domain::CheckInvariants(snapshot).ok());
}

}  // namespace
}  // namespace creditd::app
