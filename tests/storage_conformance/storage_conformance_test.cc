// The storage conformance suite: one set of behaviours every Database adapter must show,
// parameterized over the adapters: SQLite always, PostgreSQL when the test run provides a cluster.
// This file holds the fixture and the behaviour of the Database and UnitOfWork themselves; the
// repositories' suites are in the other *_conformance_test.cc files of this directory.
#include "storage_conformance/storage_conformance_test.h"

#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/ports/user_repository.h"
#include "common/status_macros.h"

namespace creditd::conformance {

std::vector<Backend> Backends() {
  std::vector<Backend> backends = {
      {"sqlite", [](const std::string& dir) -> std::unique_ptr<app::Database> {
         return testing::OpenSqlite(dir);
       }}};
  // PostgreSQL runs when the test run started a cluster (make test does), and skips otherwise.
  backends.push_back({"postgres", [](const std::string& dir) -> std::unique_ptr<app::Database> {
                        // One database per test, named after its unique temp directory.
                        std::string name = "conformance_" + dir.substr(dir.rfind('-') + 1);
                        for (char& c : name) {
                          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                        }
                        return testing::OpenPostgres(name);
                      }});
  return backends;
}

void StorageConformanceTest::SetUp() {
  if (GetParam().name == "postgres" && testing::PostgresAdminDsn().empty()) {
    GTEST_SKIP() << "set CREDITD_TEST_POSTGRES_DSN (make test does) to run on PostgreSQL";
  }
  database_ = GetParam().open(dir_.path());
}

void StorageConformanceTest::Restart() {
  database_->Close();
  database_ = GetParam().open(dir_.path());
}

domain::User StorageConformanceTest::NewUser(const std::string& email) const {
  domain::User user;
  user.email = email;
  user.display_name = "n";
  user.password_hash = "$argon2id$x";
  user.created_at = now_;
  return user;
}

int64_t StorageConformanceTest::AddUser(const std::string& email, int64_t* account_id) {
  return Write([&](app::UnitOfWork& uow) -> Result<int64_t> {
           CREDITD_ASSIGN_OR_RETURN(const int64_t user_id, uow.users().Insert(NewUser(email)));
           CREDITD_ASSIGN_OR_RETURN(
               const domain::Account account,
               uow.accounts().Create(domain::AccountKind::kPersonal, user_id, now_));
           CREDITD_RETURN_IF_ERROR(uow.users().SetAccount(user_id, account.id));
           if (account_id != nullptr) {
             *account_id = account.id;
           }
           return user_id;
         })
      .value();
}

int64_t StorageConformanceTest::AddAccount(domain::AccountKind kind, std::optional<int64_t> owner) {
  return Write([&](app::UnitOfWork& uow) { return uow.accounts().Create(kind, owner, now_); })
      .value()
      .id;
}

int64_t StorageConformanceTest::AddGrant(int64_t account_id, int64_t amount,
                                         std::optional<Timestamp> expires_at) {
  domain::Grant grant;
  grant.account_id = account_id;
  grant.amount = amount;
  grant.remaining = amount;
  grant.expires_at = expires_at;
  grant.created_at = now_;
  return Write([&](app::UnitOfWork& uow) { return uow.ledger().InsertGrant(grant); }).value();
}

int64_t StorageConformanceTest::AddEntry(int64_t account_id, domain::EntryType type, int64_t amount,
                                         Timestamp at) {
  domain::LedgerEntry entry;
  entry.account_id = account_id;
  entry.type = type;
  entry.amount = amount;
  entry.balance_after = amount;
  entry.created_at = at;
  return Write([&](app::UnitOfWork& uow) { return uow.ledger().AppendEntry(entry, {}); }).value();
}

domain::Order StorageConformanceTest::NewOrder(const std::string& order_no, int64_t user_id,
                                               int64_t account_id, Timestamp created) const {
  domain::Order order;
  order.order_no = order_no;
  order.user_id = user_id;
  order.account_id = account_id;
  order.price_id = 1;
  order.amount = 100;
  order.price = Money(990, Currency::Cny());
  order.payment_method = domain::PaymentMethod::kStripe;
  order.created_at = created;
  order.expires_at = created + std::chrono::minutes(30);
  return order;
}

int64_t StorageConformanceTest::AddOrder(const domain::Order& order) {
  return Write([&](app::UnitOfWork& uow) { return uow.orders().Insert(order); }).value();
}

namespace {

using app::TransactionMode;

class UnitOfWorkConformanceTest : public StorageConformanceTest {
 protected:
  int64_t CountUsers() {
    return Read([&](UnitOfWork& uow) { return uow.users().Count(); }).value();
  }
};

TEST_P(UnitOfWorkConformanceTest, CommittedWritesAreVisibleToLaterUnitsAndSurviveRestarts) {
  auto uow = database_->Begin(TransactionMode::kWrite);
  ASSERT_TRUE(uow.ok()) << uow.status().ToString();
  ASSERT_TRUE((*uow)->users().Insert(NewUser("a@b.co")).ok());
  ASSERT_TRUE((*uow)->users().Insert(NewUser("b@b.co")).ok());
  ASSERT_TRUE((*uow)->Commit().ok());
  uow->reset();
  EXPECT_EQ(CountUsers(), 2);
  Restart();
  EXPECT_EQ(CountUsers(), 2);
}

TEST_P(UnitOfWorkConformanceTest, AnUncommittedUnitOfWorkLeavesNoTrace) {
  {
    auto uow = database_->Begin(TransactionMode::kWrite);
    ASSERT_TRUE(uow.ok());
    ASSERT_TRUE((*uow)->users().Insert(NewUser("ghost@b.co")).ok());
    // The unit of work sees its own write before it ends.
    EXPECT_EQ((*uow)->users().Count().value(), 1);
  }  // Destroyed without Commit: rolled back.
  EXPECT_EQ(CountUsers(), 0);
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.users().FindByEmail("ghost@b.co"); })
                .status()
                .reason(),
            "user_not_found");
}

TEST_P(UnitOfWorkConformanceTest, DeferredSyncCommitsAreVisibleAndSyncCommittedSucceeds) {
  auto uow = database_->Begin(TransactionMode::kWriteDeferredSync);
  ASSERT_TRUE(uow.ok()) << uow.status().ToString();
  ASSERT_TRUE((*uow)->users().Insert(NewUser("d@b.co")).ok());
  ASSERT_TRUE((*uow)->Commit().ok());
  uow->reset();
  EXPECT_TRUE(database_->SyncCommitted().ok());
  Restart();
  EXPECT_EQ(CountUsers(), 1);
}

TEST_P(UnitOfWorkConformanceTest, RollbackToSavepointUndoesOnlyThatOperation) {
  auto uow = database_->Begin(TransactionMode::kWrite);
  ASSERT_TRUE(uow.ok());
  UnitOfWork& work = **uow;
  ASSERT_TRUE(work.users().Insert(NewUser("kept1@b.co")).ok());
  ASSERT_TRUE(work.Savepoint().ok());
  ASSERT_TRUE(work.users().Insert(NewUser("undone@b.co")).ok());
  ASSERT_TRUE(work.RollbackToSavepoint().ok());
  EXPECT_EQ(work.users().Count().value(), 1);
  ASSERT_TRUE(work.Savepoint().ok());
  ASSERT_TRUE(work.users().Insert(NewUser("kept2@b.co")).ok());
  ASSERT_TRUE(work.ReleaseSavepoint().ok());
  ASSERT_TRUE(work.Commit().ok());
  uow->reset();
  EXPECT_EQ(CountUsers(), 2);
  EXPECT_TRUE(Read([&](UnitOfWork& u) { return u.users().FindByEmail("kept2@b.co"); }).ok());
  EXPECT_FALSE(Read([&](UnitOfWork& u) { return u.users().FindByEmail("undone@b.co"); }).ok());
}

// The group-commit writer relies on this: one failed operation (here a unique violation, which
// aborts a PostgreSQL transaction) must not spoil the operations batched after it.
TEST_P(UnitOfWorkConformanceTest, RollbackToSavepointRecoversFromAFailedStatement) {
  auto uow = database_->Begin(TransactionMode::kWrite);
  ASSERT_TRUE(uow.ok());
  UnitOfWork& work = **uow;
  ASSERT_TRUE(work.users().Insert(NewUser("first@b.co")).ok());
  ASSERT_TRUE(work.Savepoint().ok());
  EXPECT_EQ(work.users().Insert(NewUser("first@b.co")).status().reason(), "email_taken");
  ASSERT_TRUE(work.RollbackToSavepoint().ok());
  ASSERT_TRUE(work.Savepoint().ok());
  ASSERT_TRUE(work.users().Insert(NewUser("second@b.co")).ok());
  ASSERT_TRUE(work.ReleaseSavepoint().ok());
  ASSERT_TRUE(work.Commit().ok());
  uow->reset();
  EXPECT_EQ(CountUsers(), 2);
}

TEST_P(UnitOfWorkConformanceTest, ADatabaseAnswersPingsAndRefusesWorkAfterClose) {
  EXPECT_EQ(database_->backend_name(), GetParam().name);
  EXPECT_TRUE(database_->Ping().ok());
  database_->Close();
  database_->Close();  // Idempotent.
  const auto refused = database_->Begin(TransactionMode::kRead);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().reason(), "shutting_down");
  EXPECT_FALSE(database_->Ping().ok());
}

CREDITD_ON_EVERY_BACKEND(UnitOfWorkConformanceTest);

}  // namespace
}  // namespace creditd::conformance
