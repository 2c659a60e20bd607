// Sleeper: how code waits a while before trying again (transaction retries, provider backoff).
// Like the Clock it is injected, so a test counts the pauses instead of waiting on real time
// (tests/testing/recording_sleeper.h).
//
// SystemSleeper blocks the calling thread; SystemSleeper::Instance() is the process-wide one.
// Both are thread-safe.
#pragma once

#include <chrono>

namespace creditd {

class Sleeper {
 public:
  virtual ~Sleeper() = default;
  // Returns after `duration` (at once for a test double).
  virtual void Sleep(std::chrono::milliseconds duration) = 0;
};

class SystemSleeper final : public Sleeper {
 public:
  void Sleep(std::chrono::milliseconds duration) override;
  static SystemSleeper& Instance();
};

}  // namespace creditd
