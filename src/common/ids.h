// Opaque identifiers: "<prefix>_<26 Crockford base32 chars>", time-ordered like ULIDs.
//
// The first 10 characters encode the creation time in milliseconds and the remaining 16 hold 80
// random bits, so ids sort by creation time, need no coordination between processes and do not
// reveal counts. Rows that seed 002 numbers (orders, entries, prices) keep database integer ids;
// these ids name things such as request ids, refresh-token families and API keys.
//
// RandomIdGenerator is thread-safe (per-thread generators); SequenceIdGenerator is for tests and
// is thread-safe as well.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace creditd {

class IdGenerator {
 public:
  virtual ~IdGenerator() = default;
  // Returns a new id "prefix_XXXXXXXXXXXXXXXXXXXXXXXXXX"; prefix may be empty (no underscore).
  virtual std::string NewId(std::string_view prefix) = 0;
};

class RandomIdGenerator final : public IdGenerator {
 public:
  std::string NewId(std::string_view prefix) override;
};

// Deterministic ids for tests: prefix_ followed by a zero-padded counter.
class SequenceIdGenerator final : public IdGenerator {
 public:
  std::string NewId(std::string_view prefix) override;

 private:
  std::atomic<uint64_t> next_{1};
};

// Encodes `time_ms` and 80 bits of `random` as the 26-character body of an id.
std::string EncodeIdBody(uint64_t time_ms, uint64_t random_high16, uint64_t random_low64);

}  // namespace creditd
