// RecordingSleeper: a Sleeper for tests that returns at once and remembers every pause asked
// for, so retry and backoff schedules are asserted without waiting on real time. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <vector>

#include "common/sleeper.h"

namespace creditd::testing {

class RecordingSleeper final : public Sleeper {
 public:
  void Sleep(std::chrono::milliseconds duration) override {
    const std::lock_guard lock(mutex_);
    pauses_.push_back(duration);
  }

  std::vector<std::chrono::milliseconds> pauses() const {
    const std::lock_guard lock(mutex_);
    return pauses_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::chrono::milliseconds> pauses_;
};

}  // namespace creditd::testing
