#include "storage/sqlite/sqlite_database.h"

#include <gtest/gtest.h>

#include "app/ports/user_repository.h"
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

}  // namespace
}  // namespace creditd::storage::sqlite
