#include "app/transaction.h"

#include <chrono>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "testing/recording_sleeper.h"

namespace creditd::app {
namespace {

// A Database whose units of work fail their commit with "database_conflict" a given number of
// times, as PostgreSQL does on serialization failures; no repository is ever reached.
class ConflictingDatabase final : public Database {
 public:
  // Retries wait through `sleeper`, which only records the pauses.
  explicit ConflictingDatabase(int conflicts) : conflicts_(conflicts) {
    set_retry_sleeper(sleeper);
  }

  testing::RecordingSleeper sleeper;

  Result<std::unique_ptr<UnitOfWork>> Begin(TransactionMode) override {
    ++begun_;
    return std::unique_ptr<UnitOfWork>(std::make_unique<Work>(*this));
  }
  Status Ping() override { return Status::Ok(); }
  void Close() override {}
  std::string_view backend_name() const override { return "fake"; }

  int begun() const { return begun_; }
  int committed() const { return committed_; }

 private:
  class Work final : public UnitOfWork {
   public:
    explicit Work(ConflictingDatabase& database) : database_(database) {}
    UserRepository& users() override { throw std::logic_error("unused"); }
    AccountRepository& accounts() override { throw std::logic_error("unused"); }
    LedgerRepository& ledger() override { throw std::logic_error("unused"); }
    SessionRepository& sessions() override { throw std::logic_error("unused"); }
    CatalogRepository& catalog() override { throw std::logic_error("unused"); }
    MetaRepository& meta() override { throw std::logic_error("unused"); }
    IdempotencyRepository& idempotency() override { throw std::logic_error("unused"); }
    OrderRepository& orders() override { throw std::logic_error("unused"); }
    ApiKeyRepository& api_keys() override { throw std::logic_error("unused"); }
    ChargeRepository& charges() override { throw std::logic_error("unused"); }
    SubscriptionRepository& subscriptions() override { throw std::logic_error("unused"); }
    BillingRepository& billing() override { throw std::logic_error("unused"); }
    TeamRepository& teams() override { throw std::logic_error("unused"); }
    Status Savepoint() override { return Status::Ok(); }
    Status ReleaseSavepoint() override { return Status::Ok(); }
    Status RollbackToSavepoint() override { return Status::Ok(); }
    Status Commit() override {
      if (database_.conflicts_ > 0) {
        --database_.conflicts_;
        return Status(reason::kDatabaseConflict, "conflict").WithRetryAfter(1);
      }
      ++database_.committed_;
      return Status::Ok();
    }

   private:
    ConflictingDatabase& database_;
  };

  int conflicts_;
  int begun_ = 0;
  int committed_ = 0;
};

TEST(TransactionTest, ConflictsAreRetriedAndTheWorkRunsAgain) {
  ConflictingDatabase database(2);
  int runs = 0;
  const auto result = InTransaction(database, TransactionMode::kWrite,
                                    [&](UnitOfWork&) -> Result<int> { return ++runs; });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 3);
  EXPECT_EQ(database.begun(), 3);
  EXPECT_EQ(database.committed(), 1);
  EXPECT_EQ(database.sleeper.pauses(),
            (std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(2),
                                                    std::chrono::milliseconds(4)}));
}

TEST(TransactionTest, RetriesAreBoundedThenTheConflictIsReported) {
  ConflictingDatabase database(100);
  const Status status =
      InTransaction(database, TransactionMode::kWrite, [](UnitOfWork&) { return Status::Ok(); });
  EXPECT_EQ(status.reason(), "database_conflict");
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(database.begun(), kTransactionAttemptsMax);
  EXPECT_EQ(database.committed(), 0);
  EXPECT_EQ(database.sleeper.pauses().size(), size_t{kTransactionAttemptsMax - 1});
  EXPECT_EQ(database.sleeper.pauses().back(), std::chrono::milliseconds(16));
}

TEST(TransactionTest, OtherFailuresAreNotRetriedAndNothingIsCommitted) {
  ConflictingDatabase database(0);
  const Status status = InTransaction(database, TransactionMode::kWrite, [](UnitOfWork&) {
    return Status(reason::kInsufficientCredits, "no");
  });
  EXPECT_EQ(status.reason(), "insufficient_credits");
  EXPECT_EQ(database.begun(), 1);
  EXPECT_EQ(database.committed(), 0);
  EXPECT_TRUE(database.sleeper.pauses().empty());
}

}  // namespace
}  // namespace creditd::app
