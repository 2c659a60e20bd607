#include "common/ids.h"

#include <chrono>
#include <cstdio>
#include <random>

namespace creditd {

namespace {
constexpr std::string_view kCrockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string WithPrefix(std::string_view prefix, const std::string& body) {
  if (prefix.empty()) {
    return body;
  }
  std::string out(prefix);
  out += '_';
  out += body;
  return out;
}
}  // namespace

std::string EncodeIdBody(uint64_t time_ms, uint64_t random_high16, uint64_t random_low64) {
  std::string out(26, '0');
  // 48 bits of time in 10 characters (the top 2 bits of the 50 available are zero).
  for (int i = 9; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kCrockford[time_ms & 31U];
    time_ms >>= 5U;
  }
  // 80 random bits in 16 characters, taken 5 bits at a time from the low end.
  for (int i = 25; i >= 10; --i) {
    out[static_cast<size_t>(i)] = kCrockford[random_low64 & 31U];
    random_low64 = (random_low64 >> 5U) | ((random_high16 & 31U) << 59U);
    random_high16 >>= 5U;
  }
  return out;
}

std::string RandomIdGenerator::NewId(std::string_view prefix) {
  // A per-thread engine seeded from the OS; 80 random bits make collisions between processes
  // negligible without any coordination.
  thread_local std::mt19937_64 engine([] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }());
  const auto now_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  return WithPrefix(prefix, EncodeIdBody(now_ms, engine() & 0xFFFFU, engine()));
}

std::string SequenceIdGenerator::NewId(std::string_view prefix) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%026llu",
                static_cast<unsigned long long>(next_.fetch_add(1)));  // NOLINT(google-runtime-int)
  return WithPrefix(prefix, buffer);
}

}  // namespace creditd
