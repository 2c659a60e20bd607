// Metrics for GET /metrics (docs/operations.md): counters and histograms cheap enough for the hot
// path, and a writer of the Prometheus text exposition format (version 0.0.4).
//
// A component owns its metrics as members, updates them where things happen (one relaxed atomic
// add per update: no lock, no allocation, no wake-up of another thread) and renders them in a
// `WriteMetrics(metrics::TextWriter&) const` of its own; main wires every component's
// WriteMetrics into the one Registry that the /metrics route renders.
//
// Values are integers in a base unit (microseconds, items, bytes); a histogram of durations is
// rendered in seconds, as Prometheus expects, by dividing by its `scale` only when written.
// Thread-safety: Counter, Histogram and StatusCounters are safe from any thread; a reader may see
// a histogram mid-update (a count one ahead of its buckets), which Prometheus tolerates. TextWriter
// is a plain value; Registry is filled at start-up and then only rendered (thread-safe).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace creditd::metrics {

// A monotonically increasing count.
class Counter {
 public:
  void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// Observations counted into buckets by upper bound (inclusive), with their count and sum.
class Histogram {
 public:
  // `upper_bounds`: strictly ascending, in the base unit; `scale`: how many base units make one
  // rendered unit (1,000,000 for microseconds rendered as seconds; 1 for counts).
  Histogram(std::vector<int64_t> upper_bounds, int64_t scale);

  // Durations from 50 us to 10 s, observed in microseconds, rendered in seconds.
  static Histogram Latency();

  void Observe(int64_t value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // One per upper bound, then +Inf (== count).
    uint64_t count = 0;
    int64_t sum = 0;
  };
  Snapshot snapshot() const;
  // Observations so far, and their sum (cheaper than a snapshot).
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  int64_t sum() const { return sum_.load(std::memory_order_relaxed); }
  const std::vector<int64_t>& upper_bounds() const { return upper_bounds_; }
  int64_t scale() const { return scale_; }

 private:
  std::vector<int64_t> upper_bounds_;
  int64_t scale_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // upper_bounds_.size() + 1 (the +Inf one).
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_{0};
};

// Counts by HTTP status code without a lock: each distinct code claims one of a fixed set of
// slots on first use; codes beyond the slots are counted under status 0 (rendered "other").
class StatusCounters {
 public:
  void Add(int status);
  // (status, count) for every status seen, in the order first seen.
  std::vector<std::pair<int, uint64_t>> snapshot() const;

 private:
  static constexpr int kSlots = 16;
  struct Slot {
    std::atomic<int> status{-1};  // -1: free.
    std::atomic<uint64_t> count{0};
  };
  Slot slots_[kSlots];
  std::atomic<uint64_t> other_{0};
};

using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Builds one exposition: each family's HELP and TYPE once, then its samples.
class TextWriter {
 public:
  // Starts a family; `type` is "counter", "gauge" or "histogram". Call once per name, before its
  // samples.
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, Labels labels, int64_t value);
  void Sample(std::string_view name, Labels labels, uint64_t value);
  void SampleScaled(std::string_view name, Labels labels, int64_t value, int64_t scale);
  // Writes `name`_bucket{...,le="..."}, `name`_sum and `name`_count.
  void HistogramSamples(std::string_view name, Labels labels, const Histogram& histogram);

  const std::string& text() const { return text_; }

 private:
  void SampleStart(std::string_view name, Labels labels, std::string_view extra_name = {},
                   std::string_view extra_value = {});
  std::string text_;
};

// What /metrics renders: every component's WriteMetrics, in the order added.
class Registry {
 public:
  using Collector = std::function<void(TextWriter&)>;
  // Adds a collector before serving; it must be thread-safe and must not block for long.
  void Add(Collector collector) { collectors_.push_back(std::move(collector)); }
  std::string Render() const;

 private:
  std::vector<Collector> collectors_;
};

// Microseconds since `start` on the steady clock, for Observe().
int64_t MicrosSince(std::chrono::steady_clock::time_point start);

}  // namespace creditd::metrics
