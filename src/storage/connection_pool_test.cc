// ConnectionPool under contention: a connection is lent to one thread at a time, a waiter is
// handed the connection another thread releases, and Close() wakes waiters and closes what comes
// back. Part of concurrency_test, which also runs under ThreadSanitizer (the tsan preset).
#include "storage/connection_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace creditd::storage {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Counts how many connections exist, so a test can see which ones the pool closed.
struct FakeConnection {
  explicit FakeConnection(std::atomic<int>& counter) : alive(counter) { ++alive; }
  FakeConnection(const FakeConnection&) = delete;
  FakeConnection& operator=(const FakeConnection&) = delete;
  ~FakeConnection() { --alive; }
  std::atomic<int>& alive;
  int uses = 0;  // Touched only by the thread the connection is lent to.
};

TEST(ConnectionPoolTest, LendsEachConnectionToOneThreadAtATime) {
  std::atomic<int> alive{0};
  ConnectionPool<FakeConnection> pool;
  pool.Add(std::make_unique<FakeConnection>(alive));
  pool.Add(std::make_unique<FakeConnection>(alive));
  std::atomic<int> lent{0};
  std::atomic<int> most_lent{0};
  std::atomic<int> acquired{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        auto connection = pool.Acquire(seconds(30));
        ASSERT_TRUE(connection.ok()) << connection.status().ToString();
        const int now_lent = ++lent;
        int seen = most_lent.load();
        while (now_lent > seen && !most_lent.compare_exchange_weak(seen, now_lent)) {
        }
        ++(*connection)->uses;  // A data race here if two threads held the same connection.
        ++acquired;
        --lent;
        pool.Release(std::move(*connection));
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(acquired.load(), 1200);
  EXPECT_LE(most_lent.load(), 2);
  auto first = pool.Acquire(seconds(1));
  auto second = pool.Acquire(seconds(1));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*first)->uses + (*second)->uses, 1200);
  pool.Release(std::move(*first));
  pool.Release(std::move(*second));
  EXPECT_EQ(alive.load(), 2);
}

TEST(ConnectionPoolTest, MetricsCountAcquisitionsWaitsAndTimeouts) {
  std::atomic<int> alive{0};
  ConnectionPool<FakeConnection> pool;
  pool.Add(std::make_unique<FakeConnection>(alive));
  auto held = pool.Acquire(seconds(1));
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(pool.Acquire(milliseconds(5)).status().reason(), "database_busy");
  pool.Release(std::move(*held));
  metrics::TextWriter out;
  pool.WriteMetrics(out, "test");
  const std::string& text = out.text();
  EXPECT_NE(text.find("creditd_db_pool_acquisitions_total{pool=\"test\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("creditd_db_pool_waits_total{pool=\"test\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("creditd_db_pool_timeouts_total{pool=\"test\"} 1\n"), std::string::npos);
  // Only acquisitions that got a connection are timed.
  EXPECT_NE(text.find("creditd_db_pool_wait_duration_seconds_count{pool=\"test\"} 1\n"),
            std::string::npos);
}

TEST(ConnectionPoolTest, AWaiterGetsTheConnectionAnotherThreadReleases) {
  std::atomic<int> alive{0};
  ConnectionPool<FakeConnection> pool;
  pool.Add(std::make_unique<FakeConnection>(alive));
  auto held = pool.Acquire(seconds(1));
  ASSERT_TRUE(held.ok());
  FakeConnection* const lent = held->get();
  auto waiter = std::async(std::launch::async, [&] { return pool.Acquire(seconds(30)); });
  pool.Release(std::move(*held));
  auto handed = waiter.get();
  ASSERT_TRUE(handed.ok()) << handed.status().ToString();
  EXPECT_EQ(handed->get(), lent);
  pool.Release(std::move(*handed));
}

TEST(ConnectionPoolTest, AnExhaustedPoolAnswersBusyAfterTheTimeout) {
  std::atomic<int> alive{0};
  ConnectionPool<FakeConnection> pool;
  pool.Add(std::make_unique<FakeConnection>(alive));
  auto held = pool.Acquire(seconds(1));
  ASSERT_TRUE(held.ok());
  const auto busy = pool.Acquire(milliseconds(5));
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.status().reason(), "database_busy");
  EXPECT_EQ(busy.status().retry_after_seconds(), 1);
  pool.Release(std::move(*held));
}

TEST(ConnectionPoolTest, CloseWakesWaitersAndClosesConnectionsAsTheyComeBack) {
  std::atomic<int> alive{0};
  ConnectionPool<FakeConnection> pool;
  pool.Add(std::make_unique<FakeConnection>(alive));
  pool.Add(std::make_unique<FakeConnection>(alive));
  auto first = pool.Acquire(seconds(1));
  auto second = pool.Acquire(seconds(1));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(second.ok());
  auto waiter = std::async(std::launch::async, [&] { return pool.Acquire(seconds(30)); });
  pool.Close();
  const auto woken = waiter.get();
  ASSERT_FALSE(woken.ok());
  EXPECT_EQ(woken.status().reason(), "shutting_down");
  EXPECT_EQ(alive.load(), 2);  // Both are still lent.
  pool.Release(std::move(*first));
  EXPECT_EQ(alive.load(), 1);
  pool.Release(std::move(*second));
  EXPECT_EQ(alive.load(), 0);
  EXPECT_EQ(pool.Acquire(seconds(1)).status().reason(), "shutting_down");
  pool.Close();  // Idempotent.
}

}  // namespace
}  // namespace creditd::storage
