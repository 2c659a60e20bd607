#include "common/metrics.h"

#include <cstdlib>

namespace creditd::metrics {

namespace {

// Writes value / scale exactly in decimal (scale is a power of ten): no floating point, so a sum
// of microseconds renders as the same seconds on every platform.
void AppendScaled(std::string& out, int64_t value, int64_t scale) {
  if (value < 0) {
    out += '-';
    value = -value;
  }
  out += std::to_string(value / scale);
  int64_t remainder = value % scale;
  if (remainder == 0) {
    return;
  }
  std::string fraction;
  for (int64_t unit = scale / 10; unit > 0; unit /= 10) {
    fraction += static_cast<char>('0' + (remainder / unit) % 10);
  }
  while (!fraction.empty() && fraction.back() == '0') {
    fraction.pop_back();
  }
  out += '.';
  out += fraction;
}

// Label values escape backslash, double quote and line feed; HELP text backslash and line feed.
void AppendEscaped(std::string& out, std::string_view text, bool quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

}  // namespace

Histogram::Histogram(std::vector<int64_t> upper_bounds, int64_t scale)
    : upper_bounds_(std::move(upper_bounds)),
      scale_(scale),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(upper_bounds_.size() + 1)) {}

Histogram Histogram::Latency() {
  return Histogram({50, 100, 250, 500, 1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000,
                    250'000, 500'000, 1'000'000, 2'500'000, 10'000'000},
                   1'000'000);
}

void Histogram::Observe(int64_t value) {
  size_t bucket = 0;
  while (bucket < upper_bounds_.size() && value > upper_bounds_[bucket]) {
    ++bucket;
  }
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot snapshot;
  snapshot.cumulative.reserve(upper_bounds_.size() + 1);
  uint64_t running = 0;
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    snapshot.cumulative.push_back(running);
  }
  // The +Inf bucket must equal the count: use the buckets' total, read together.
  snapshot.count = running;
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

void StatusCounters::Add(int status) {
  for (Slot& slot : slots_) {
    int seen = slot.status.load(std::memory_order_acquire);
    if (seen == -1) {
      // Claim the free slot; if another thread claimed it first, `seen` becomes its status.
      if (slot.status.compare_exchange_strong(seen, status, std::memory_order_acq_rel)) {
        seen = status;
      }
    }
    if (seen == status) {
      slot.count.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  other_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::pair<int, uint64_t>> StatusCounters::snapshot() const {
  std::vector<std::pair<int, uint64_t>> counts;
  for (const Slot& slot : slots_) {
    const int status = slot.status.load(std::memory_order_acquire);
    if (status == -1) {
      break;
    }
    counts.emplace_back(status, slot.count.load(std::memory_order_relaxed));
  }
  if (const uint64_t other = other_.load(std::memory_order_relaxed); other != 0) {
    counts.emplace_back(0, other);
  }
  return counts;
}

void TextWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  AppendEscaped(text_, help, /*quote=*/false);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void TextWriter::SampleStart(std::string_view name, Labels labels, std::string_view extra_name,
                             std::string_view extra_value) {
  text_ += name;
  if (labels.size() == 0 && extra_name.empty()) {
    text_ += ' ';
    return;
  }
  char separator = '{';
  for (const auto& [label, value] : labels) {
    text_ += separator;
    text_ += label;
    text_ += "=\"";
    AppendEscaped(text_, value, /*quote=*/true);
    text_ += '"';
    separator = ',';
  }
  if (!extra_name.empty()) {
    text_ += separator;
    text_ += extra_name;
    text_ += "=\"";
    text_ += extra_value;
    text_ += '"';
  }
  text_ += "} ";
}

void TextWriter::Sample(std::string_view name, Labels labels, int64_t value) {
  SampleStart(name, labels);
  text_ += std::to_string(value);
  text_ += '\n';
}

void TextWriter::Sample(std::string_view name, Labels labels, uint64_t value) {
  SampleStart(name, labels);
  text_ += std::to_string(value);
  text_ += '\n';
}

void TextWriter::SampleScaled(std::string_view name, Labels labels, int64_t value, int64_t scale) {
  SampleStart(name, labels);
  AppendScaled(text_, value, scale);
  text_ += '\n';
}

void TextWriter::HistogramSamples(std::string_view name, Labels labels,
                                  const Histogram& histogram) {
  const Histogram::Snapshot snapshot = histogram.snapshot();
  const std::string bucket_name = std::string(name) + "_bucket";
  const auto& bounds = histogram.upper_bounds();
  for (size_t i = 0; i <= bounds.size(); ++i) {
    std::string le;
    if (i < bounds.size()) {
      AppendScaled(le, bounds[i], histogram.scale());
    } else {
      le = "+Inf";
    }
    SampleStart(bucket_name, labels, "le", le);
    text_ += std::to_string(snapshot.cumulative[i]);
    text_ += '\n';
  }
  SampleScaled(std::string(name) + "_sum", labels, snapshot.sum, histogram.scale());
  Sample(std::string(name) + "_count", labels, snapshot.count);
}

std::string Registry::Render() const {
  TextWriter writer;
  for (const Collector& collector : collectors_) {
    collector(writer);
  }
  return writer.text();
}

int64_t MicrosSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() -
                                                               start)
      .count();
}

}  // namespace creditd::metrics
