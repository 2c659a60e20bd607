// The scheduler's thread: jobs run at once on Start, a failing or throwing job does not stop
// the others, and Stop() ends the thread promptly even in the middle of a long interval. Part
// of concurrency_test, which also runs under ThreadSanitizer (the tsan preset).
#include "jobs/scheduler.h"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <gtest/gtest.h>

namespace creditd::jobs {
namespace {

using std::chrono::seconds;

// Counts its runs, remembers the time it was given, and signals its first run.
class CountingJob final : public Job {
 public:
  explicit CountingJob(seconds interval) : interval_(interval) {}
  std::string_view name() const override { return "counting"; }
  seconds interval() const override { return interval_; }
  Result<int64_t> RunOnce(Timestamp now) override {
    last_now_.store(ToUnixSeconds(now));
    if (runs_.fetch_add(1) == 0) {
      first_run_.set_value();
    }
    return int64_t{1};
  }

  std::future<void> FirstRun() { return first_run_.get_future(); }
  int runs() const { return runs_.load(); }
  int64_t last_now() const { return last_now_.load(); }

 private:
  const seconds interval_;
  std::atomic<int> runs_{0};
  std::atomic<int64_t> last_now_{0};
  std::promise<void> first_run_;
};

class FailingJob final : public Job {
 public:
  explicit FailingJob(bool throws) : throws_(throws) {}
  std::string_view name() const override { return "failing"; }
  seconds interval() const override { return seconds(3600); }
  Result<int64_t> RunOnce(Timestamp /*now*/) override {
    runs.fetch_add(1);
    if (throws_) {
      throw std::runtime_error("job blew up");
    }
    return Status(reason::kDatabaseError, "the database is gone");
  }
  std::atomic<int> runs{0};

 private:
  const bool throws_;
};

TEST(SchedulerTest, RunAllOnceRunsEveryJobAtTheGivenTimeDespiteFailingNeighbours) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  Scheduler scheduler(clock);
  FailingJob throwing(/*throws=*/true);
  FailingJob failing(/*throws=*/false);
  CountingJob counting(seconds(60));
  scheduler.Add(throwing);
  scheduler.Add(failing);
  scheduler.Add(counting);
  scheduler.RunAllOnce(FromUnixSeconds(1'900'000'000));
  EXPECT_EQ(throwing.runs.load(), 1);
  EXPECT_EQ(failing.runs.load(), 1);
  EXPECT_EQ(counting.runs(), 1);
  EXPECT_EQ(counting.last_now(), 1'900'000'000);
}

TEST(SchedulerTest, MetricsCountRunsFailuresAndItemsPerJob) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  Scheduler scheduler(clock);
  FailingJob failing(/*throws=*/true);
  CountingJob counting(seconds(60));
  scheduler.Add(failing);
  scheduler.Add(counting);
  scheduler.RunAllOnce(FromUnixSeconds(1'900'000'000));
  scheduler.RunAllOnce(FromUnixSeconds(1'900'000'060));
  metrics::TextWriter out;
  scheduler.WriteMetrics(out);
  const std::string& text = out.text();
  EXPECT_NE(text.find("creditd_job_runs_total{job=\"failing\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("creditd_job_failures_total{job=\"failing\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("creditd_job_failures_total{job=\"counting\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("creditd_job_items_total{job=\"counting\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("creditd_job_duration_seconds_count{job=\"counting\"} 2\n"),
            std::string::npos);
}

TEST(SchedulerTest, StartRunsEachJobAtOnceWithTheClocksTimeAndStopEndsALongWait) {
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  Scheduler scheduler(clock);
  FailingJob throwing(/*throws=*/true);
  CountingJob counting(seconds(3600));
  scheduler.Add(throwing);
  scheduler.Add(counting);
  auto first_run = counting.FirstRun();
  scheduler.Start();
  // Bounded: a regression fails here instead of hanging the suite.
  ASSERT_EQ(first_run.wait_for(seconds(30)), std::future_status::ready);
  EXPECT_EQ(counting.last_now(), 1'800'000'000);
  EXPECT_EQ(throwing.runs.load(), 1);
  // The thread now waits an hour for the next run; Stop() must wake it, not wait it out.
  const auto stop_began = std::chrono::steady_clock::now();
  scheduler.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_began, seconds(10));
  EXPECT_EQ(counting.runs(), 1);
  scheduler.Stop();  // Idempotent.
}

}  // namespace
}  // namespace creditd::jobs
