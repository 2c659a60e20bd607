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
  for (Job* job : jobs_) {
    RunJob(*job, now);
  }
}

void Scheduler::RunJob(Job& job_ref, Timestamp now) {
  Job* job = &job_ref;
  {
    try {
      const auto handled = job->RunOnce(now);
      if (!handled.ok()) {
        spdlog::warn("job {} failed: {}", job->name(), handled.status().ToString());
      } else if (*handled > 0) {
        spdlog::info("job {} handled {} items", job->name(), *handled);
      }
    } catch (const std::exception& e) {
      spdlog::error("job {} threw: {}", job->name(), e.what());
    }
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
        RunJob(*jobs_[i], clock_.Now());
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
