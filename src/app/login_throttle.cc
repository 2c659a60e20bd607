#include "app/login_throttle.h"

#include <algorithm>

namespace creditd::app {

void LoginThrottle::Prune(Window& window, Timestamp now) const {
  while (!window.empty() && window.front() + limits_.window <= now) {
    window.pop_front();
  }
}

void LoginThrottle::PruneAllIfFull(Timestamp now) {
  // Bounded memory: when too many keys are tracked, drop every window that has emptied.
  for (auto* map : {&account_failures_, &address_attempts_}) {
    if (map->size() < kTrackedKeysMax) {
      continue;
    }
    for (auto it = map->begin(); it != map->end();) {
      Prune(it->second, now);
      it = it->second.empty() ? map->erase(it) : std::next(it);
    }
  }
}

Status LoginThrottle::Refuse(const Window& window, Timestamp now) const {
  const auto wait = std::max<int64_t>(1, (window.front() + limits_.window - now).count());
  return Status(reason::kTooManyAttempts,
                "too many sign-in attempts; try again in " + std::to_string(wait) + " seconds")
      .WithRetryAfter(wait);
}

Status LoginThrottle::Admit(const std::string& email, const std::string& address, Timestamp now) {
  const MutexLock lock(mutex_);
  PruneAllIfFull(now);
  if (auto it = account_failures_.find(email); it != account_failures_.end()) {
    Prune(it->second, now);
    if (static_cast<int>(it->second.size()) >= limits_.account_failures_max) {
      return Refuse(it->second, now);
    }
  }
  Window& attempts = address_attempts_[address];
  Prune(attempts, now);
  if (static_cast<int>(attempts.size()) >= limits_.address_attempts_max) {
    return Refuse(attempts, now);
  }
  attempts.push_back(now);
  return Status::Ok();
}

void LoginThrottle::RecordFailure(const std::string& email, Timestamp now) {
  const MutexLock lock(mutex_);
  Window& failures = account_failures_[email];
  Prune(failures, now);
  failures.push_back(now);
}

void LoginThrottle::RecordSuccess(const std::string& email) {
  const MutexLock lock(mutex_);
  account_failures_.erase(email);
}

}  // namespace creditd::app
