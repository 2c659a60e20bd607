// A test fixture over a fresh SQLite ledger (real migrations, real adapter) with the steps the
// ledger's tests share: open an account, credit it, a debit as a group-commit operation, read a
// snapshot, and check every invariant of DESIGN.md section 4. Used by app/credit_ledger_test.cc
// and storage/common/write_batcher_test.cc. Not thread-safe except where a test says so (the
// clock is read by batched operations on the writer thread, never advanced concurrently).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <gtest/gtest.h>

#include "app/account_service.h"
#include "app/credit_ledger.h"
#include "app/ports/account_repository.h"
#include "app/ports/write_queue.h"
#include "app/transaction.h"
#include "common/clock.h"
#include "testing/test_database.h"

namespace creditd::testing {

class LedgerTestFixture : public ::testing::Test {
 protected:
  LedgerTestFixture() : database_(OpenSqlite(dir_.path())), accounts_(*database_, clock_) {}

  int64_t NewAccount() {
    auto account =
        app::InTransaction(*database_, app::TransactionMode::kWrite, [&](app::UnitOfWork& uow) {
          return uow.accounts().Create(domain::AccountKind::kPersonal, std::nullopt, clock_.Now());
        });
    EXPECT_TRUE(account.ok());
    return account->id;
  }

  // Credits `amount` to `account` from `source` (a purchase records a RECHARGE entry, anything
  // else a REWARD), expiring `expires_in` from now if given.
  Result<domain::LedgerEntry> Credit(
      int64_t account, int64_t amount, domain::GrantSource source = domain::GrantSource::kPurchase,
      std::optional<std::chrono::seconds> expires_in = std::nullopt) {
    app::CreditCommand command;
    command.account_id = account;
    command.amount = amount;
    command.type = source == domain::GrantSource::kPurchase ? domain::EntryType::kRecharge
                                                            : domain::EntryType::kReward;
    command.source = source;
    if (expires_in) {
      command.expires_at = clock_.Now() + *expires_in;
    }
    command.description = "test credit";
    return app::InTransaction(*database_, app::TransactionMode::kWrite, [&](app::UnitOfWork& uow) {
      return app::CreditLedger::AddCredits(uow, command, clock_.Now());
    });
  }

  // A group-commit operation that debits `amount` from `account`.
  app::WriteQueue::Operation DebitOperation(int64_t account, int64_t amount) {
    app::DebitCommand command;
    command.account_id = account;
    command.amount = amount;
    command.description = "batched";
    return [this, command](app::UnitOfWork& uow) {
      return app::CreditLedger::RemoveCredits(uow, command, clock_.Now()).status();
    };
  }

  domain::AccountSnapshot Snapshot(int64_t account) {
    auto snapshot = app::InTransaction(
        *database_, app::TransactionMode::kRead,
        [&](app::UnitOfWork& uow) { return app::CreditLedger::Snapshot(uow, account); });
    EXPECT_TRUE(snapshot.ok());
    return std::move(snapshot).value();
  }

  // Checks every invariant of DESIGN.md section 4 on every account.
  void ExpectInvariants() {
    const auto checked = accounts_.VerifyAll(nullptr);
    ASSERT_TRUE(checked.ok()) << checked.status().internal_detail();
  }

  ManualClock clock_{FromUnixSeconds(1'800'000'000)};
  TempDir dir_;
  std::unique_ptr<storage::sqlite::SqliteDatabase> database_;
  app::AccountService accounts_;
};

}  // namespace creditd::testing
