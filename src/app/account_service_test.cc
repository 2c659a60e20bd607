#include "app/account_service.h"

#include <gtest/gtest.h>

#include "app/ports/account_repository.h"
#include "app/transaction.h"
#include "testing/test_database.h"

namespace creditd::app {
namespace {

class AccountServiceTest : public ::testing::Test {
 protected:
  AccountServiceTest() : database_(testing::OpenSqlite(dir_.path())), service_(*database_, clock_) {
    account_ =
        InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
          return uow.accounts().Create(domain::AccountKind::kPersonal, std::nullopt, clock_.Now());
        })->id;
  }

  AdjustCommand Adjust(int64_t amount, std::string key = "") {
    AdjustCommand command;
    command.actor_user_id = 1;
    command.account_id = account_;
    command.amount = amount;
    command.reason = "goodwill credit for ticket 42";
    // The fingerprint stands for the request as the HTTP layer would digest it.
    command.idempotency = {"admin:1", std::move(key), "adjust " + std::to_string(amount)};
    return command;
  }

  ManualClock clock_{FromUnixSeconds(1'800'000'000)};
  testing::TempDir dir_;
  std::unique_ptr<storage::sqlite::SqliteDatabase> database_;
  AccountService service_;
  int64_t account_ = 0;
};

TEST_F(AccountServiceTest, AdjustsUpAndDownWithAReason) {
  const auto up = service_.Adjust(Adjust(100));
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up->entry.type, domain::EntryType::kAdjust);
  EXPECT_EQ(up->account.balance, 100);
  const auto down = service_.Adjust(Adjust(-30));
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->entry.amount, -30);
  EXPECT_EQ(down->account.balance, 70);
  EXPECT_EQ(service_.Adjust(Adjust(-71)).status().reason(), "insufficient_credits");
  ASSERT_TRUE(service_.VerifyAll(nullptr).ok());
}

TEST_F(AccountServiceTest, AnIdempotencyKeyTakesEffectAtMostOnce) {
  const auto first = service_.Adjust(Adjust(50, "key-1"));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->replayed);
  const auto again = service_.Adjust(Adjust(50, "key-1"));
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->entry.id, first->entry.id);
  EXPECT_EQ(again->account.balance, 50);
  const auto different = service_.Adjust(Adjust(60, "key-1"));
  EXPECT_EQ(different.status().reason(), "idempotency_key_reused");
  const auto page = service_.ListEntries({account_, std::nullopt, 0, 20});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1);
}

TEST_F(AccountServiceTest, ValidatesInputNamingTheField) {
  EXPECT_EQ(service_.Adjust(Adjust(0)).status().field(), "amount");
  auto no_reason = Adjust(5);
  no_reason.reason = "   ";
  EXPECT_EQ(service_.Adjust(no_reason).status().field(), "reason");
  auto negative_expiring = Adjust(-5);
  negative_expiring.expires_at = clock_.Now() + std::chrono::hours(1);
  EXPECT_EQ(service_.Adjust(negative_expiring).status().field(), "expires_at");
  EXPECT_EQ(service_.Adjust(Adjust(5, std::string(256, 'k'))).status().reason(),
            "invalid_idempotency_key");
  EXPECT_EQ(service_.Adjust(Adjust(5, "has space")).status().reason(), "invalid_idempotency_key");
  auto missing = Adjust(5);
  missing.account_id = 999;
  EXPECT_EQ(service_.Adjust(missing).status().reason(), "account_not_found");
}

TEST_F(AccountServiceTest, ListsEntriesNewestFirstWithTypeFilterAndPaging) {
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(service_.Adjust(Adjust(i)).ok());
  }
  const auto page = service_.ListEntries({account_, std::nullopt, 1, 2});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 5);
  ASSERT_EQ(page->items.size(), 2U);
  EXPECT_EQ(page->items[0].amount, 4);
  EXPECT_EQ(page->items[1].amount, 3);
  const auto none = service_.ListEntries({account_, domain::EntryType::kConsume, 0, 20});
  EXPECT_EQ(none->total, 0);
}

}  // namespace
}  // namespace creditd::app
