// Clock: the only source of "now" for code above common/. Domain code never reads a clock; it
// receives times as parameters. Times are UTC std::chrono::sys_seconds (Timestamp).
//
// SystemClock reads the real clock; ManualClock is set and advanced by tests. Both are
// thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace creditd {

using Timestamp = std::chrono::sys_seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current UTC time, truncated to whole seconds.
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start.time_since_epoch().count()) {}
  Timestamp Now() const override { return Timestamp(std::chrono::seconds(now_.load())); }
  void Set(Timestamp t) { now_.store(t.time_since_epoch().count()); }
  void Advance(std::chrono::seconds delta) { now_.fetch_add(delta.count()); }

 private:
  std::atomic<int64_t> now_;
};

// Returns seconds since the Unix epoch.
inline int64_t ToUnixSeconds(Timestamp t) {
  return t.time_since_epoch().count();
}
inline Timestamp FromUnixSeconds(int64_t s) {
  return Timestamp(std::chrono::seconds(s));
}

// Formats as RFC 3339 UTC with a Z suffix: "2026-01-22T08:30:00Z".
std::string FormatRfc3339(Timestamp t);

// Formats a wall-clock instant with milliseconds, for logs: "2026-01-22T08:30:00.123Z".
std::string FormatRfc3339Millis(std::chrono::system_clock::time_point t);

// Parses "YYYY-MM-DDTHH:MM:SSZ" or with a "+HH:MM"/"-HH:MM" offset; nullopt on anything else.
std::optional<Timestamp> ParseRfc3339(std::string_view text);

// Formats the UTC calendar date as "YYYYMMDD", as order numbers use it.
std::string FormatCompactDate(Timestamp t);

}  // namespace creditd
