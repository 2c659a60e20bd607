#include "jobs/scheduler.h"

#include <chrono>

#include <spdlog/spdlog.h>

namespace creditd::jobs {

Scheduler::~Scheduler() {
  Stop();
}

void Scheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    const MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Scheduler::RunAllOnce(Timestamp now) {
  for (size_t i = 0; i < jobs_.size(); ++i) {
    RunJob(i, now);
  }
}

void Scheduler::RunJob(size_t index, Timestamp now) {
  Job* job = jobs_[index];
  JobMetrics& job_metrics = *job_metrics_[index];
  const auto started = std::chrono::steady_clock::now();
  job_metrics.runs.Add();
  try {
    const auto handled = job->RunOnce(now);
    if (!handled.ok()) {
      job_metrics.failures.Add();
      spdlog::warn("job {} failed: {}", job->name(), handled.status().ToString());
    } else if (*handled > 0) {
      job_metrics.items.Add(static_cast<uint64_t>(*handled));
      spdlog::info("job {} handled {} items", job->name(), *handled);
    }
  } catch (const std::exception& e) {
    job_metrics.failures.Add();
    spdlog::error("job {} threw: {}", job->name(), e.what());
  }
  job_metrics.duration.Observe(metrics::MicrosSince(started));
}

void Scheduler::WriteMetrics(metrics::TextWriter& out) const {
  const auto each = [&](std::string_view family, std::string_view help,
                        const metrics::Counter JobMetrics::*counter) {
    out.Family(family, "counter", help);
    for (size_t i = 0; i < jobs_.size(); ++i) {
      out.Sample(family, {{"job", jobs_[i]->name()}}, ((*job_metrics_[i]).*counter).value());
    }
  };
  each("creditd_job_runs_total", "Background job runs.", &JobMetrics::runs);
  each("creditd_job_failures_total", "Background job runs that failed or threw (see the log).",
       &JobMetrics::failures);
  each("creditd_job_items_total", "Items handled by background jobs (expired, renewed, ...).",
       &JobMetrics::items);
  out.Family("creditd_job_duration_seconds", "histogram", "Run time of background job runs.");
  for (size_t i = 0; i < jobs_.size(); ++i) {
    out.HistogramSamples("creditd_job_duration_seconds", {{"job", jobs_[i]->name()}},
                         job_metrics_[i]->duration);
  }
}

void Scheduler::Loop() {
  std::vector<std::chrono::steady_clock::time_point> next(jobs_.size(),
                                                          std::chrono::steady_clock::now());
  MutexLock lock(mutex_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    auto wake_at = now + std::chrono::hours(1);
    for (size_t i = 0; i < jobs_.size(); ++i) {
      if (next[i] <= now) {
        lock.Unlock();
        RunJob(i, clock_.Now());
        lock.Lock();
        next[i] = std::chrono::steady_clock::now() + jobs_[i]->interval();
      }
      wake_at = std::min(wake_at, next[i]);
    }
    if (!stopping_) {
      lock.WaitUntil(wake_, wake_at);
    }
  }
}

}  // namespace creditd::jobs
