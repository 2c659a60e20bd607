#include "storage/sqlite/sqlite_database.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "app/ports/account_repository.h"
#include "app/ports/user_repository.h"
#include "common/status_macros.h"
#include "storage/sqlite/sqlite_charge_repository.h"
#include "storage/sqlite/sqlite_ledger_repository.h"
#include "testing/test_database.h"

namespace creditd::storage::sqlite {
namespace {

TEST(SqliteDatabaseTest, AWriterWaitingPastTheBusyTimeoutGetsDatabaseBusy) {
  testing::TempDir dir;
  SqliteOptions options;
  options.path = dir.path() + "/creditd.db";
  options.busy_timeout_ms = 50;
  auto database = SqliteDatabase::Open(options, 2);
  ASSERT_TRUE(database.ok());
  auto holder = (*database)->Begin(app::TransactionMode::kWrite);
  ASSERT_TRUE(holder.ok());
  const auto second = (*database)->Begin(app::TransactionMode::kWrite);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().reason(), "database_busy");
  EXPECT_EQ(second.status().retry_after_seconds(), 1);
  // Readers are not blocked by the writer (WAL).
  EXPECT_TRUE((*database)->Begin(app::TransactionMode::kRead).ok());
}

TEST(SqliteDatabaseTest, ADeferredSyncWriteIsVisibleAtOnceAndSyncCommittedFlushesIt) {
  testing::TempDir dir;
  auto database = testing::OpenSqlite(dir.path());
  int64_t account_id = 0;
  {
    auto uow = database->Begin(app::TransactionMode::kWriteDeferredSync);
    ASSERT_TRUE(uow.ok());
    const auto account =
        (*uow)->accounts().Create(domain::AccountKind::kPersonal, std::nullopt, FromUnixSeconds(1));
    ASSERT_TRUE(account.ok());
    account_id = account->id;
    ASSERT_TRUE((*uow)->Commit().ok());
  }
  EXPECT_TRUE(database->SyncCommitted().ok());
  EXPECT_TRUE(database->SyncCommitted().ok());  // Nothing new: still fine.
  auto reader = database->Begin(app::TransactionMode::kRead);
  ASSERT_TRUE(reader.ok());
  EXPECT_TRUE((*reader)->accounts().Get(account_id).ok());
}

TEST(SqliteDatabaseTest, AnUnopenablePathIsADatabaseError) {
  testing::TempDir dir;
  SqliteOptions options;
  options.path = dir.path();  // A directory, not a file.
  const auto database = SqliteDatabase::Open(options, 1);
  ASSERT_FALSE(database.ok());
  EXPECT_EQ(database.status().reason(), "database_error");
}

TEST(SqliteDatabaseTest, AfterCloseNewWorkIsRefusedAsShuttingDown) {
  testing::TempDir dir;
  auto database = testing::OpenSqlite(dir.path());
  database->Close();
  EXPECT_EQ(database->Begin(app::TransactionMode::kRead).status().reason(), "shutting_down");
}

TEST(SqliteDatabaseTest, MigrationsAreRecordedAndReopeningAppliesNothingNew) {
  testing::TempDir dir;
  { testing::OpenSqlite(dir.path()); }
  SqliteOptions options;
  options.path = dir.path() + "/creditd.db";
  auto connection = SqliteConnection::Open(options);
  ASSERT_TRUE(connection.ok());
  EXPECT_EQ(*ApplyMigrations(**connection, Migrations()), 0);
  EXPECT_EQ(static_cast<int>(Migrations().size()), Migrations().back().version);
  // The ledger is append-only in the schema itself.
  EXPECT_EQ((*connection)->Exec("UPDATE ledger_entries SET amount = 1").reason(), "");
  ASSERT_TRUE((*connection)
                  ->Exec("INSERT INTO accounts (kind, balance, held, created_at, "
                         "updated_at) VALUES ('personal', 1, 0, 0, 0)")
                  .ok());
  ASSERT_TRUE((*connection)
                  ->Exec("INSERT INTO ledger_entries (account_id, type, amount, "
                         "balance_after, created_at) VALUES (1, 'ADJUST', 1, 1, 0)")
                  .ok());
  EXPECT_EQ((*connection)->Exec("UPDATE ledger_entries SET amount = 2").reason(), "database_error");
  EXPECT_EQ((*connection)->Exec("DELETE FROM ledger_entries").reason(), "database_error");
}

// A database in `dir` migrated up to, not including, `version`.
Result<std::unique_ptr<SqliteConnection>> OpenBeforeVersion(const testing::TempDir& dir,
                                                            int version) {
  SqliteOptions options;
  options.path = dir.path() + "/creditd.db";
  CREDITD_ASSIGN_OR_RETURN(auto connection, SqliteConnection::Open(options));
  std::vector<storage::Migration> before;
  for (const storage::Migration& migration : Migrations()) {
    if (migration.version < version) {
      before.push_back(migration);
    }
  }
  CREDITD_RETURN_IF_ERROR(ApplyMigrations(*connection, before).status());
  return connection;
}

// The start of an INSERT of charges, and of entries, with the columns every schema version has.
constexpr std::string_view kInsertCharge =
    "INSERT INTO charges (account_id, tool_key, price_version, unit_credits, units, reserved, "
    "captured, refunded, status, member_free, metadata, source, created_at, expires_at, "
    "updated_at) VALUES ";
constexpr std::string_view kInsertEntry =
    "INSERT INTO ledger_entries (account_id, type, amount, balance_after, created_at) VALUES ";

TEST(SqliteDatabaseTest, Version8RebuildsOrdersKeepingThemAndTheirRechargeEntry) {
  testing::TempDir dir;
  auto connection = OpenBeforeVersion(dir, 8);
  ASSERT_TRUE(connection.ok());
  for (const char* sql : {
           "INSERT INTO accounts (kind, balance, held, created_at, updated_at) VALUES "
           "('personal', 110, 0, 0, 0)",
           "INSERT INTO users (email, display_name, role, password_hash, account_id, created_at, "
           "updated_at) VALUES ('a@b.co', 'a', 'user', 'x', 1, 0, 0)",
           "INSERT INTO orders (order_no, kind, user_id, account_id, price_id, amount, bonus, "
           "price_minor, currency, payment_method, status, pay_url, created_at, expires_at, "
           "paid_at, updated_at) VALUES ('R1', 'recharge', 1, 1, 2, 100, 10, 1000, 'CNY', "
           "'alipay', 'paid', 'http://pay', 5, 6, 7, 8)",
           "INSERT INTO orders (order_no, kind, user_id, account_id, price_id, price_minor, "
           "currency, payment_method, status, created_at, expires_at, updated_at) VALUES ('R2', "
           "'recharge', 1, 1, 2, 1000, 'CNY', 'sandbox', 'pending', 5, 6, 8)",
           "INSERT INTO ledger_entries (account_id, type, amount, balance_after, order_id, "
           "created_at) VALUES (1, 'RECHARGE', 110, 110, 1, 7)",
       }) {
    ASSERT_TRUE((*connection)->Exec(sql).ok()) << sql;
  }
  // Not yet a payment method before version 8.
  EXPECT_FALSE((*connection)->Exec("UPDATE orders SET payment_method = 'stripe'").ok());
  ASSERT_EQ(*ApplyMigrations(**connection, Migrations()),
            static_cast<int>(Migrations().size()) - 7);
  auto rows = (*connection)
                  ->Prepare(
                      "SELECT order_no, payment_method, status, pay_url, paid_at, "
                      "credit_entry_id, refunded_minor FROM orders ORDER BY id");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(*rows->Step(), StepResult::kRow);
  EXPECT_EQ(rows->Text(0), "R1");
  EXPECT_EQ(rows->Text(1), "alipay");
  EXPECT_EQ(rows->Text(2), "paid");
  EXPECT_EQ(rows->Text(3), "http://pay");
  EXPECT_EQ(rows->Int64(4), 7);
  EXPECT_EQ(rows->OptionalInt64(5), 1);
  EXPECT_EQ(rows->Int64(6), 0);
  ASSERT_EQ(*rows->Step(), StepResult::kRow);
  EXPECT_EQ(rows->Text(0), "R2");
  EXPECT_EQ(rows->OptionalInt64(5), std::nullopt);
  EXPECT_TRUE((*connection)->Exec("UPDATE orders SET payment_method = 'stripe'").ok());
}

TEST(SqliteDatabaseTest, Version12MovesOneGrantChargesIntoTheirRowAndKeepsOlderMovements) {
  testing::TempDir dir;
  auto connection = OpenBeforeVersion(dir, 12);
  ASSERT_TRUE(connection.ok());
  for (const std::string& sql : {
           std::string("INSERT INTO accounts (kind, balance, held, created_at, updated_at) VALUES "
                       "('personal', 100, 10, 0, 0)"),
           std::string("INSERT INTO grants (account_id, source, priority, amount, remaining, "
                       "created_at) VALUES (1, 'purchase', 50, 60, 50, 0), (1, 'bonus', 10, 40, "
                       "40, 0)"),
           std::string(kInsertCharge) +
               "(1, 't', 1, 4, 1, 4, 0, 0, 'pending', 0, '{}', 's', 0, 600, 0)",
           std::string(kInsertCharge) +
               "(1, 't', 1, 6, 1, 6, 0, 0, 'pending', 0, '{}', 's', 0, 600, 0)",
           std::string("INSERT INTO charge_allocations (charge_id, seq, grant_id, reserved, "
                       "captured, refunded) VALUES (1, 0, 1, 4, 0, 0), (2, 0, 1, 3, 0, 0), "
                       "(2, 1, 2, 3, 0, 0)"),
           std::string("INSERT INTO ledger_entries (account_id, type, amount, balance_after, "
                       "created_at) VALUES (1, 'RECHARGE', 100, 100, 0)"),
           std::string("INSERT INTO grant_movements (entry_id, grant_id, amount) VALUES (1, 1, "
                       "60), (1, 2, 40)"),
       }) {
    ASSERT_TRUE((*connection)->Exec(sql.c_str()).ok()) << sql;
  }
  ASSERT_EQ(*ApplyMigrations(**connection, Migrations()),
            static_cast<int>(Migrations().size()) - 11);
  SqliteChargeRepository charges(**connection);
  const auto one = charges.Get(1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->allocations.size(), 1U);
  EXPECT_EQ(one->allocations[0].grant_id, 1);
  EXPECT_EQ(one->allocations[0].reserved, 4);
  const auto two = charges.Get(2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->allocations.size(), 2U);
  EXPECT_EQ(two->allocations[1].grant_id, 2);
  auto rows = (*connection)->Prepare("SELECT COUNT(*) FROM charge_allocations");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(*rows->Step(), StepResult::kRow);
  EXPECT_EQ(rows->Int64(0), 2);  // Charge 1's row moved into the charge.
  const auto pending = charges.ListPendingAllocations(1);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->size(), 3U);
  // The entry written before version 12 keeps its movement rows, listed as before, beside a new
  // entry's inline movement.
  SqliteLedgerRepository ledger(**connection);
  domain::LedgerEntry entry;
  entry.account_id = 1;
  entry.type = domain::EntryType::kConsume;
  entry.amount = -5;
  entry.balance_after = 95;
  ASSERT_TRUE(ledger.AppendEntry(entry, {{0, 1, -5}}).ok());
  const auto movements = ledger.ListMovements(1);
  ASSERT_TRUE(movements.ok());
  ASSERT_EQ(movements->size(), 3U);
  EXPECT_EQ((*movements)[0].entry_id, 1);
  EXPECT_EQ((*movements)[1].amount, 40);
  EXPECT_EQ((*movements)[2].entry_id, 2);
  EXPECT_EQ((*movements)[2].amount, -5);
}

// Rows of two accounts written interleaved before version 14 are chained per account by the
// migration; reads walk the chains; a new row continues its account's chain, and a row that
// names any other predecessor is refused.
TEST(SqliteDatabaseTest, Version14ChainsEachAccountsEntriesAndCharges) {
  testing::TempDir dir;
  auto connection = OpenBeforeVersion(dir, 14);
  ASSERT_TRUE(connection.ok());
  for (const std::string& sql : {
           std::string("INSERT INTO accounts (kind, balance, held, created_at, updated_at) VALUES "
                       "('personal', 97, 0, 0, 0), ('personal', 50, 0, 0, 0)"),
           std::string(kInsertEntry) + "(1, 'RECHARGE', 100, 100, 1000)",
           std::string(kInsertEntry) + "(2, 'RECHARGE', 50, 50, 1000)",
           std::string(kInsertEntry) + "(1, 'CONSUME', -3, 97, 90000)",
           std::string(kInsertCharge) +
               "(1, 'chat', 1, 1, 3, 3, 3, 0, 'captured', 0, '{}', 's', 90000, "
               "90600, 90000)",
           std::string(kInsertCharge) +
               "(2, 'chat', 1, 1, 5, 5, 0, 0, 'released', 0, '{}', 's', 90000, "
               "90600, 90000)",
           std::string(kInsertCharge) +
               "(1, 'image', 1, 1, 2, 2, 2, 0, 'captured', 0, '{}', 's', 1000, "
               "1600, 1000)",
       }) {
    ASSERT_TRUE((*connection)->Exec(sql.c_str()).ok()) << sql;
  }
  ASSERT_EQ(*ApplyMigrations(**connection, Migrations()),
            static_cast<int>(Migrations().size()) - 13);

  SqliteLedgerRepository ledger(**connection);
  const auto entries = ledger.ListAllEntries(1);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2U);
  EXPECT_EQ((*entries)[0].id, 1);
  EXPECT_EQ((*entries)[1].id, 3);
  domain::LedgerEntry entry;
  entry.account_id = 1;
  entry.type = domain::EntryType::kConsume;
  entry.amount = -7;
  entry.balance_after = 90;
  entry.created_at = FromUnixSeconds(90001);
  ASSERT_EQ(*ledger.AppendEntry(entry, {}), 4);
  const auto page = ledger.ListEntries({1, std::nullopt, 0, 2});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 2U);
  EXPECT_EQ(page->items[0].id, 4);
  EXPECT_EQ(page->items[1].id, 3);
  const auto recharges = ledger.ListEntries({1, domain::EntryType::kRecharge, 0, 10});
  ASSERT_TRUE(recharges.ok());
  EXPECT_EQ(recharges->total, 1);
  ASSERT_EQ(recharges->items.size(), 1U);
  EXPECT_EQ(recharges->items[0].id, 1);
  const auto sums = ledger.SumByType(1);
  ASSERT_TRUE(sums.ok());
  EXPECT_EQ(sums->at(domain::EntryType::kConsume), -10);
  EXPECT_EQ(sums->at(domain::EntryType::kRecharge), 100);
  // A day's totals from the second day on: the first day's recharge is left out.
  const auto daily = ledger.DailyTotals(1, FromUnixSeconds(86400));
  ASSERT_TRUE(daily.ok());
  ASSERT_EQ(daily->size(), 1U);
  EXPECT_EQ((*daily)[0].amount, -10);

  SqliteChargeRepository charges(**connection);
  const auto usage = charges.SumCapturedUnitsByTool(1, FromUnixSeconds(0), FromUnixSeconds(100000));
  ASSERT_TRUE(usage.ok());
  EXPECT_EQ(usage->at("chat"), 3);
  EXPECT_EQ(usage->at("image"), 2);
  const auto later =
      charges.SumCapturedUnitsByTool(1, FromUnixSeconds(50000), FromUnixSeconds(100000));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->size(), 1U);

  // The chain cannot be forked: a row naming any predecessor but the newest is refused.
  EXPECT_EQ((*connection)
                ->Exec((std::string(kInsertEntry.substr(0, kInsertEntry.size() - 9)) +
                        ", prev_id) VALUES (1, 'ADJUST', 1, 91, 90002, 3)")
                           .c_str())
                .reason(),
            "database_error");
  EXPECT_EQ((*connection)
                ->Exec((std::string(kInsertCharge.substr(0, kInsertCharge.size() - 9)) +
                        ", prev_id) VALUES (2, 'chat', 1, 1, 1, 1, 0, 0, 'released', 0, '{}', "
                        "'s', 0, 0, 0, NULL)")
                           .c_str())
                .reason(),
            "database_error");
}

}  // namespace
}  // namespace creditd::storage::sqlite
