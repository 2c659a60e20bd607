// Job: a unit of background work that the Scheduler runs periodically. RunOnce(now) does one
// bounded batch of due work and returns how many items it handled, so tests drive time
// explicitly and production calls it on a timer (DESIGN.md section 8).
//
// Implementations must be safe to run concurrently with request handling and (on PostgreSQL)
// with the same job in other processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::jobs {

class Job {
 public:
  virtual ~Job() = default;
  virtual std::string_view name() const = 0;
  // How often the scheduler runs the job.
  virtual std::chrono::seconds interval() const = 0;
  // Handles due work at `now`; returns the number of items handled.
  virtual Result<int64_t> RunOnce(Timestamp now) = 0;
};

}  // namespace creditd::jobs
