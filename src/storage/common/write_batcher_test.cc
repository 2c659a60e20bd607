// The group-commit writer against the real SQLite adapter and real ledger operations: batches
// share one transaction, a failing operation fails alone, and a write is answered only after
// its flush. Part of concurrency_test, which also runs under ThreadSanitizer (the tsan preset).
#include "storage/common/write_batcher.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "app/transaction.h"
#include "testing/ledger_test_fixture.h"

namespace creditd::storage {
namespace {

using app::Database;
using app::TransactionMode;
using app::UnitOfWork;
using std::chrono::seconds;

using WriteBatcherTest = testing::LedgerTestFixture;

TEST_F(WriteBatcherTest, GroupCommitIsolatesAFailingOperationAndNeverDoubleSpends) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 100).ok());
  WriteBatcher batcher(*database_);
  std::atomic<int> succeeded{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        const Status status = batcher.Run(DebitOperation(account, 1));
        if (status.ok()) {
          ++succeeded;
        } else {
          EXPECT_EQ(status.reason(), "insufficient_credits");
          ++refused;
        }
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(succeeded.load(), 100);
  EXPECT_EQ(refused.load(), 60);
  EXPECT_EQ(Snapshot(account).account.balance, 0);
  EXPECT_EQ(Snapshot(account).entries.size(), 101U);
  ExpectInvariants();
  EXPECT_EQ(batcher.stats().operations, 160);
}

TEST_F(WriteBatcherTest, OperationsQueuedWhileTheWriterIsBusyCommitAsOneBatch) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 100).ok());
  // The first operation holds the writer until every other one is queued behind it.
  std::promise<void> writer_busy;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::once_flag busy_once;
  std::mutex mutex;
  std::condition_variable all_done;
  std::vector<std::string> outcomes;
  const auto record = [&](Status status) {
    const std::lock_guard lock(mutex);
    outcomes.emplace_back(status.ok() ? "ok" : status.reason());
    all_done.notify_all();
  };
  // Declared after what its completions touch, so it joins its threads before those go.
  WriteBatcher batcher(*database_);
  // Lets the busy operation go on every way out of the test, before the batcher is joined.
  struct Releaser {
    std::promise<void>& promise;
    bool done = false;
    void Release() {
      if (!done) {
        done = true;
        promise.set_value();
      }
    }
    ~Releaser() { Release(); }
  } releaser{release};
  batcher.Submit(
      [&](UnitOfWork&) {
        std::call_once(busy_once, [&] { writer_busy.set_value(); });
        released.wait();
        return Status::Ok();
      },
      record);
  // Bounded waits: a regression fails here instead of hanging the suite.
  ASSERT_EQ(writer_busy.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
  constexpr int kQueued = 32;
  for (int i = 0; i < kQueued; ++i) {
    // One of them asks for more than there is: it fails alone, inside the shared batch.
    batcher.Submit(DebitOperation(account, i == kQueued / 2 ? 1000 : 1), record);
  }
  releaser.Release();
  std::unique_lock lock(mutex);
  ASSERT_TRUE(all_done.wait_for(lock, std::chrono::seconds(30),
                                [&] { return outcomes.size() == kQueued + 1; }));
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), "ok"), kQueued);
  EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), "insufficient_credits"), 1);
  const auto stats = batcher.stats();
  EXPECT_EQ(stats.operations, kQueued + 1);
  EXPECT_EQ(stats.batches, 2);  // The busy operation alone, then all the queued ones together.
  EXPECT_EQ(stats.largest_batch, kQueued);
  EXPECT_EQ(Snapshot(account).account.balance, 100 - (kQueued - 1));
  ExpectInvariants();
}

// The real database, counting the flushes the group-commit writer asks for.
class CountingSyncDatabase final : public Database {
 public:
  explicit CountingSyncDatabase(Database& inner) : inner_(inner) {}
  Result<std::unique_ptr<UnitOfWork>> Begin(TransactionMode mode) override {
    return inner_.Begin(mode);
  }
  Status SyncCommitted() override {
    ++syncs;
    return inner_.SyncCommitted();
  }
  Status Ping() override { return inner_.Ping(); }
  void Close() override { inner_.Close(); }
  std::string_view backend_name() const override { return inner_.backend_name(); }

  std::atomic<int> syncs{0};

 private:
  Database& inner_;
};

TEST_F(WriteBatcherTest, SubmittedWritesAreAnsweredOnceFlushedAndRefusalsNeedNoFlush) {
  const int64_t account = NewAccount();
  ASSERT_TRUE(Credit(account, 30).ok());
  CountingSyncDatabase counting(*database_);
  std::mutex mutex;
  std::condition_variable all_done;
  int answered = 0;
  int succeeded = 0;
  int refused = 0;
  bool acknowledged_before_flush = false;
  {
    WriteBatcher batcher(counting);
    for (int i = 0; i < 50; ++i) {
      batcher.Submit(DebitOperation(account, 1), [&](Status status) {
        const std::lock_guard lock(mutex);
        if (status.ok()) {
          ++succeeded;
          // A success is answered only after a flush was asked for.
          acknowledged_before_flush = acknowledged_before_flush || counting.syncs.load() == 0;
        } else {
          EXPECT_EQ(status.reason(), "insufficient_credits");
          ++refused;
        }
        ++answered;
        all_done.notify_one();
      });
    }
    std::unique_lock lock(mutex);
    ASSERT_TRUE(all_done.wait_for(lock, seconds(30), [&] { return answered == 50; }));
  }
  EXPECT_EQ(succeeded, 30);
  EXPECT_EQ(refused, 20);
  EXPECT_FALSE(acknowledged_before_flush);
  EXPECT_GE(counting.syncs.load(), 1);
  EXPECT_EQ(Snapshot(account).account.balance, 0);
  ExpectInvariants();

  // Operations that all fail changed nothing: they are answered without a flush.
  const int syncs_before = counting.syncs.load();
  WriteBatcher batcher(counting);
  EXPECT_EQ(batcher.Run(DebitOperation(account, 1)).reason(), "insufficient_credits");
  EXPECT_EQ(counting.syncs.load(), syncs_before);
}

}  // namespace
}  // namespace creditd::storage
