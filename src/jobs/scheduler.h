// Scheduler: runs each Job on its own interval on one background thread, until Stop().
// A failing run is logged and retried at the next interval; an exception is caught per run
// (STYLE.md B.3 "one last-resort catch per job iteration"). Start/Stop from one thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/mutex.h"
#include "jobs/job.h"

namespace creditd::jobs {

class Scheduler {
 public:
  explicit Scheduler(const Clock& clock) : clock_(clock) {}
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;
  ~Scheduler();

  // Adds a job before Start(). The scheduler does not own it.
  void Add(Job& job) {
    jobs_.push_back(&job);
    job_metrics_.push_back(std::make_unique<JobMetrics>());
  }

  // Starts the background thread; each job first runs right away.
  void Start();

  // Stops the thread after the current run finishes. Idempotent.
  void Stop();

  // Runs every job once at `now`, as the thread does; for tests and `creditd jobs run`.
  void RunAllOnce(Timestamp now);

  // Writes each job's runs, failures, items handled and run time. Thread-safe after the last
  // Add().
  void WriteMetrics(metrics::TextWriter& out) const;

 private:
  struct JobMetrics {
    metrics::Counter runs;
    metrics::Counter failures;  // Failed runs and runs that threw.
    metrics::Counter items;
    metrics::Histogram duration = metrics::Histogram::Latency();
  };

  void Loop();
  void RunJob(size_t index, Timestamp now);

  const Clock& clock_;
  std::vector<Job*> jobs_;
  std::vector<std::unique_ptr<JobMetrics>> job_metrics_;  // One per job, same order.
  Mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace creditd::jobs
