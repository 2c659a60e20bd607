// LoginThrottle: limits failed sign-in attempts per account and all attempts per client address
// (OWASP: count per account, not only per IP; rate-limit before the expensive hash).
//
// Sliding windows kept in process memory. With several processes each enforces its own window,
// so the effective limit is at most N times the configured one; the limits exist to stop
// guessing, which N times a small number still does. Memory is bounded by kTrackedKeysMax.
// Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/status.h"

namespace creditd::app {

struct LoginThrottleLimits {
  int account_failures_max = 10;   // Failed attempts per e-mail per window.
  int address_attempts_max = 300;  // Attempts (failed or not) per client address per window.
  std::chrono::seconds window{15 * 60};
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginThrottleLimits limits) : limits_(limits) {}

  // Returns OK if an attempt for `email` from `address` may proceed, and counts it against the
  // address. Otherwise kResourceExhausted/"too_many_attempts" with Retry-After set.
  Status Admit(const std::string& email, const std::string& address, Timestamp now);

  // Records a failed attempt for `email`.
  void RecordFailure(const std::string& email, Timestamp now);

  // Forgets the failures of `email` after a successful sign-in.
  void RecordSuccess(const std::string& email);

  static constexpr size_t kTrackedKeysMax = 100'000;

 private:
  using Window = std::deque<Timestamp>;
  void Prune(Window& window, Timestamp now) const;
  void PruneAllIfFull(Timestamp now);
  Status Refuse(const Window& window, Timestamp now) const;

  const LoginThrottleLimits limits_;
  Mutex mutex_;
  std::unordered_map<std::string, Window> account_failures_ GUARDED_BY(mutex_);
  std::unordered_map<std::string, Window> address_attempts_ GUARDED_BY(mutex_);
};

}  // namespace creditd::app
