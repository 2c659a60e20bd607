#include "storage/sqlite/sqlite_account_snapshots.h"

#include <gtest/gtest.h>

#include "app/credit_service.h"
#include "app/ports/account_repository.h"
#include "app/ports/user_repository.h"
#include "common/clock.h"
#include "storage/sqlite/sqlite_database.h"
#include "testing/test_database.h"

namespace creditd::storage::sqlite {
namespace {

domain::Account AccountWithBalance(int64_t id, int64_t balance) {
  domain::Account account;
  account.id = id;
  account.balance = balance;
  return account;
}

TEST(SqliteAccountSnapshotsTest, APublishOlderThanTheEntryIsIgnored) {
  SqliteAccountSnapshots snapshots;
  snapshots.Publish({AccountWithBalance(7, 50)}, {}, 2);
  snapshots.Publish({AccountWithBalance(7, 90)}, {}, 1);  // A writer that committed earlier.
  ASSERT_TRUE(snapshots.Find(7).has_value());
  EXPECT_EQ(snapshots.Find(7)->balance, 50);
  snapshots.Publish({AccountWithBalance(7, 40)}, {}, 3);
  EXPECT_EQ(snapshots.Find(7)->balance, 40);
}

TEST(SqliteAccountSnapshotsTest, AReadersOfferIsKeptOnlyIfNothingWasPublishedSinceItsRead) {
  SqliteAccountSnapshots snapshots;
  const uint64_t before_write = snapshots.generation();
  // Account 66 shares account 2's shard (64 shards).
  snapshots.Publish({AccountWithBalance(1, 10), AccountWithBalance(66, 10)}, {}, 1);
  // Read before that commit: perhaps older than the database now, so not kept.
  snapshots.Offer(AccountWithBalance(2, 99), 5, before_write);
  EXPECT_FALSE(snapshots.Find(2).has_value());
  EXPECT_FALSE(snapshots.AccountOfUser(5).has_value());
  // Writes elsewhere do not matter: under a steady write load readers' rows are still kept.
  snapshots.Offer(AccountWithBalance(3, 30), std::nullopt, before_write);
  EXPECT_EQ(snapshots.Find(3)->balance, 30);

  const uint64_t after_write = snapshots.generation();
  snapshots.Offer(AccountWithBalance(2, 20), 5, after_write);
  ASSERT_TRUE(snapshots.Find(2).has_value());
  EXPECT_EQ(snapshots.Find(2)->balance, 20);
  EXPECT_EQ(snapshots.AccountOfUser(5), 2);
  // An offer never replaces a published row.
  snapshots.Offer(AccountWithBalance(1, 11), std::nullopt, snapshots.generation());
  EXPECT_EQ(snapshots.Find(1)->balance, 10);
  // A publish replaces an offered row.
  snapshots.Publish({AccountWithBalance(2, 25)}, {}, 2);
  EXPECT_EQ(snapshots.Find(2)->balance, 25);
}

TEST(SqliteAccountSnapshotsTest, ALatePublishCannotBringBackADroppedAccountsOlderRow) {
  SqliteAccountSnapshots snapshots;
  const uint64_t first = snapshots.NextWriteSequence();
  const uint64_t second = snapshots.NextWriteSequence();
  snapshots.Publish({AccountWithBalance(3, 70)}, {}, second);
  snapshots.Forget({3}, {});
  EXPECT_FALSE(snapshots.Find(3).has_value());
  snapshots.Publish({AccountWithBalance(3, 100)}, {}, first);  // Committed before `second`.
  EXPECT_FALSE(snapshots.Find(3).has_value());
  snapshots.Publish({AccountWithBalance(3, 60)}, {}, snapshots.NextWriteSequence());
  EXPECT_EQ(snapshots.Find(3)->balance, 60);
}

TEST(SqliteAccountSnapshotsTest, ALatePublishCannotReplaceANewerRowAReaderOffered) {
  SqliteAccountSnapshots snapshots;
  const uint64_t first = snapshots.NextWriteSequence();   // Commits 100, then stalls.
  const uint64_t second = snapshots.NextWriteSequence();  // Commits 70 and publishes it.
  snapshots.Publish({AccountWithBalance(4, 70)}, {}, second);
  snapshots.Forget({4}, {});  // A third writer's failed commit drops the entry.
  // A reader misses, reads 70 from the database and offers it.
  snapshots.Offer(AccountWithBalance(4, 70), std::nullopt, snapshots.generation());
  EXPECT_EQ(snapshots.Find(4)->balance, 70);
  snapshots.Publish({AccountWithBalance(4, 100)}, {}, first);  // The stalled writer at last.
  const std::optional<domain::Account> held = snapshots.Find(4);
  EXPECT_TRUE(!held.has_value() || held->balance == 70);
}

TEST(SqliteAccountSnapshotsTest, StaysWithinItsCapacity) {
  SqliteAccountSnapshots snapshots(/*capacity=*/128);
  for (int64_t id = 1; id <= 10'000; ++id) {
    snapshots.Publish({AccountWithBalance(id, id)}, {}, snapshots.NextWriteSequence());
  }
  EXPECT_LE(snapshots.size(), 128U);
  EXPECT_EQ(snapshots.Find(10'000)->balance, 10'000);  // The newest is kept.
}

class SnapshotsOfUnitsOfWorkTest : public ::testing::Test {
 protected:
  int64_t CreateAccount() {
    auto uow = database_->Begin(app::TransactionMode::kWrite);
    EXPECT_TRUE(uow.ok());
    const auto account =
        (*uow)->accounts().Create(domain::AccountKind::kPersonal, std::nullopt, FromUnixSeconds(1));
    EXPECT_TRUE(account.ok());
    EXPECT_TRUE((*uow)->Commit().ok());
    return account->id;
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteDatabase> database_ = testing::OpenSqlite(dir_.path());
};

TEST_F(SnapshotsOfUnitsOfWorkTest, ACommitPublishesTheRowsItLeavesAndARollbackNothing) {
  const int64_t account_id = CreateAccount();
  SqliteAccountSnapshots& snapshots = database_->snapshots();
  ASSERT_TRUE(snapshots.Find(account_id).has_value());
  EXPECT_EQ(snapshots.Find(account_id)->balance, 0);
  {
    auto uow = database_->Begin(app::TransactionMode::kWriteDeferredSync);
    ASSERT_TRUE(uow.ok());
    ASSERT_TRUE((*uow)->accounts().UpdateBalance(account_id, 30, 5, FromUnixSeconds(2)).ok());
    // A batched operation refused after it wrote: rolled back to its savepoint.
    ASSERT_TRUE((*uow)->Savepoint().ok());
    ASSERT_TRUE((*uow)->accounts().UpdateBalance(account_id, 999, 0, FromUnixSeconds(2)).ok());
    ASSERT_TRUE((*uow)->RollbackToSavepoint().ok());
    ASSERT_TRUE((*uow)
                    ->accounts()
                    .SetMemberExpiry(account_id, FromUnixSeconds(500), FromUnixSeconds(2))
                    .ok());
    EXPECT_EQ(snapshots.Find(account_id)->balance, 0);  // Not before the commit.
    ASSERT_TRUE((*uow)->Commit().ok());
  }
  ASSERT_TRUE(snapshots.Find(account_id).has_value());
  EXPECT_EQ(snapshots.Find(account_id)->balance, 30);
  EXPECT_EQ(snapshots.Find(account_id)->held, 5);
  EXPECT_EQ(snapshots.Find(account_id)->member_expired_at, FromUnixSeconds(500));
  {
    auto uow = database_->Begin(app::TransactionMode::kWrite);
    ASSERT_TRUE(uow.ok());
    ASSERT_TRUE((*uow)->accounts().UpdateBalance(account_id, 1, 0, FromUnixSeconds(3)).ok());
  }  // Rolled back.
  EXPECT_EQ(snapshots.Find(account_id)->balance, 30);
}

TEST_F(SnapshotsOfUnitsOfWorkTest, TheBalanceReadFollowsEveryCommitAndHeldAccountsNeedNoRead) {
  ManualClock clock(FromUnixSeconds(100));
  app::CreditService credits(*database_, clock);
  int64_t user_id = 0;
  int64_t account_id = 0;
  {
    auto uow = database_->Begin(app::TransactionMode::kWrite);
    ASSERT_TRUE(uow.ok());
    domain::User user;
    user.email = "snap@example.com";
    user.password_hash = "x";
    const auto inserted = (*uow)->users().Insert(user);
    ASSERT_TRUE(inserted.ok());
    user_id = *inserted;
    const auto account =
        (*uow)->accounts().Create(domain::AccountKind::kPersonal, user_id, FromUnixSeconds(1));
    ASSERT_TRUE(account.ok());
    account_id = account->id;
    ASSERT_TRUE((*uow)->users().SetAccount(user_id, account_id).ok());
    ASSERT_TRUE((*uow)->Commit().ok());
  }
  // The first read fetches the user's link and offers it.
  ASSERT_TRUE(credits.GetBalance(user_id).ok());
  EXPECT_EQ(database_->snapshots().AccountOfUser(user_id), account_id);
  for (const int64_t balance : {40, 15, 0}) {
    auto uow = database_->Begin(app::TransactionMode::kWrite);
    ASSERT_TRUE(uow.ok());
    ASSERT_TRUE((*uow)->accounts().UpdateBalance(account_id, balance, 0, FromUnixSeconds(4)).ok());
    ASSERT_TRUE((*uow)->Commit().ok());
    const auto read = credits.GetBalance(user_id);
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->credits, balance);
  }
  // Answered from memory: a row changed behind the process's back (which the one-writer rule
  // forbids) is not seen.
  {
    auto raw = testing::OpenSqlite(dir_.path());
    auto uow = raw->Begin(app::TransactionMode::kWrite);
    ASSERT_TRUE(uow.ok());
    ASSERT_TRUE((*uow)->accounts().UpdateBalance(account_id, 777, 0, FromUnixSeconds(5)).ok());
    ASSERT_TRUE((*uow)->Commit().ok());
  }
  EXPECT_EQ(credits.GetBalance(user_id)->credits, 0);
  EXPECT_EQ(credits.GetAccountBalance(account_id)->credits, 0);
  // An unknown user is still an error, and is not remembered.
  EXPECT_EQ(credits.GetBalance(user_id + 100).status().reason(), "user_not_found");
}

}  // namespace
}  // namespace creditd::storage::sqlite
