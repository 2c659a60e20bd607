#include "app/credit_ledger.h"

#include <random>

#include <gtest/gtest.h>

#include "app/account_service.h"
#include "app/ports/account_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/transaction.h"
#include "jobs/grant_expiry_job.h"
#include "testing/test_database.h"

namespace creditd::app {
namespace {

using domain::EntryType;
using domain::GrantSource;
using std::chrono::hours;
using std::chrono::seconds;

class CreditLedgerTest : public ::testing::Test {
 protected:
  CreditLedgerTest() : database_(testing::OpenSqlite(dir_.path())), accounts_(*database_, clock_) {}

  int64_t NewAccount() {
    auto account = InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
      return uow.accounts().Create(domain::AccountKind::kPersonal, std::nullopt, clock_.Now());
    });
    EXPECT_TRUE(account.ok());
    return account->id;
  }

  Result<domain::LedgerEntry> Credit(int64_t account, int64_t amount, GrantSource source,
                                     std::optional<seconds> expires_in = std::nullopt) {
    CreditCommand command;
    command.account_id = account;
    command.amount = amount;
    command.type = source == GrantSource::kPurchase ? EntryType::kRecharge : EntryType::kReward;
    command.source = source;
    if (expires_in) {
      command.expires_at = clock_.Now() + *expires_in;
    }
    command.description = "test credit";
    return InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
      return CreditLedger::AddCredits(uow, command, clock_.Now());
    });
  }

  Result<domain::LedgerEntry> Debit(int64_t account, int64_t amount) {
    DebitCommand command;
    command.account_id = account;
    command.amount = amount;
    command.description = "AI generation";
    return InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
      return CreditLedger::RemoveCredits(uow, command, clock_.Now());
    });
  }

  domain::AccountSnapshot Snapshot(int64_t account) {
    auto snapshot = InTransaction(*database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
      return CreditLedger::Snapshot(uow, account);
    });
    EXPECT_TRUE(snapshot.ok());
    return std::move(snapshot).value();
  }

  // Checks every invariant of DESIGN.md section 4 on every account.
  void ExpectInvariants() {
    const auto checked = accounts_.VerifyAll(nullptr);
    ASSERT_TRUE(checked.ok()) << checked.status().internal_detail();
  }

  ManualClock clock_{FromUnixSeconds(1'800'000'000)};
  testing::TempDir dir_;
  std::unique_ptr<storage::sqlite::SqliteDatabase> database_;
  AccountService accounts_;
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

}  // namespace
}  // namespace creditd::app
