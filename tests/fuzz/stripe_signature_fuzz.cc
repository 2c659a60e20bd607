// Fuzzes the Stripe-Signature check of webhooks (payments/stripe/webhook_signature.h):
//   - VerifySignature(header, body) accepts exactly when a reference reading of the header
//     (PROTOCOLS.md 4.1: last t wins, any v1 may match, ASCII blanks trimmed, at most 4096
//     bytes) finds a v1 equal to the HMAC of "t.body" and t is within the tolerance of now,
//     before or after it;
//   - a header signed for the input's own timestamp and body is accepted exactly when that
//     timestamp is within the tolerance (or the tolerance is 0), at any int64 timestamp;
//   - changing one digit of a good signature, or the secret, is refused.
//
// Input: the header, a newline, then the raw body: "t=1700000000,v1=<hex>\n{...}".
#include <chrono>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "fuzz/fuzz_support.h"
#include "payments/stripe/webhook_signature.h"

namespace {

using creditd::FromUnixSeconds;
using creditd::Status;
using creditd::Timestamp;
using creditd::fuzz::Quote;
using creditd::payments::stripe::ComputeSignature;
using creditd::payments::stripe::VerifySignature;

// The secret of the public test vector of PROTOCOLS.md 4.1, and a fixed "now" near the seeds'
// timestamps.
constexpr std::string_view kSecret = "secret";
constexpr int64_t kNowSeconds = 1'700'000'000;

struct ParsedHeader {
  std::optional<int64_t> timestamp;
  std::vector<std::string_view> v1;
};

// A t value per PROTOCOLS.md 4.1, Unix seconds: -?[0-9]+ (leading zeros allowed), read in 128
// bits and kept only within int64.
std::optional<int64_t> ReferenceTimestamp(std::string_view text) {
  const bool negative = text.starts_with('-');
  const std::string_view digits = text.substr(negative ? 1 : 0);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  constexpr __int128 kBeyondInt64 = static_cast<__int128>(1) << 64;
  __int128 magnitude = 0;
  for (const char digit : digits) {
    magnitude = magnitude * 10 + (digit - '0');
    if (magnitude > kBeyondInt64) {
      return std::nullopt;  // More digits only make it larger.
    }
  }
  const __int128 value = negative ? -magnitude : magnitude;
  if (value < std::numeric_limits<int64_t>::min() || value > std::numeric_limits<int64_t>::max()) {
    return std::nullopt;
  }
  return static_cast<int64_t>(value);
}

// The header per PROTOCOLS.md 4.1: items split on ',', each read up to its first '=' as
// key=value once ASCII blanks around it are dropped (an item without '=' says nothing). The last
// t decides the timestamp, a malformed one leaving none; every v1 is a candidate signature.
ParsedHeader ReferenceParse(std::string_view header) {
  constexpr std::string_view kBlanks = " \t\n\r\f\v";
  ParsedHeader parsed;
  for (std::string_view item : creditd::fuzz::Split(header, ',')) {
    const size_t first = item.find_first_not_of(kBlanks);
    item = first == std::string_view::npos
               ? std::string_view()
               : item.substr(first, item.find_last_not_of(kBlanks) - first + 1);
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      continue;
    }
    const std::string_view key = item.substr(0, equals);
    const std::string_view value = item.substr(equals + 1);
    if (key == "t") {
      parsed.timestamp = ReferenceTimestamp(value);
    } else if (key == "v1") {
      parsed.v1.push_back(value);
    }
  }
  return parsed;
}

// Whether a signature made at `timestamp` is within the tolerance of kNowSeconds, either way,
// in exact arithmetic.
bool Fresh(int64_t timestamp, std::chrono::seconds tolerance) {
  const __int128 age = static_cast<__int128>(kNowSeconds) - timestamp;
  return tolerance.count() <= 0 || (age <= tolerance.count() && age >= -tolerance.count());
}

void ExpectRefusal(const Status& status, const std::string& context) {
  CREDITD_FUZZ_EXPECT(!status.ok(), context + " was accepted");
  CREDITD_FUZZ_EXPECT(
      status.reason() == "invalid_signature" && status.field() == "Stripe-Signature",
      context + ": " + status.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = creditd::fuzz::AsText(data, size);
  const size_t newline = input.find('\n');
  const std::string_view header = input.substr(0, newline);
  const std::string_view body =
      newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1);
  const Timestamp now = FromUnixSeconds(kNowSeconds);

  // The header as received.
  const ParsedHeader parsed = ReferenceParse(header);
  bool expected = false;
  if (!header.empty() && header.size() <= 4096 && parsed.timestamp) {
    const std::string signature = ComputeSignature(kSecret, *parsed.timestamp, body);
    for (const std::string_view v1 : parsed.v1) {
      expected = expected || v1 == signature;
    }
    expected = expected && Fresh(*parsed.timestamp, creditd::payments::stripe::kSignatureTolerance);
  }
  const Status status = VerifySignature(header, body, kSecret, now);
  if (expected) {
    CREDITD_FUZZ_EXPECT(status.ok(), Quote(header) + ": " + status.ToString());
  } else {
    ExpectRefusal(status, Quote(header));
  }

  // A header signed with the secret for the input's timestamp (or its first bytes as a number).
  const int64_t timestamp =
      parsed.timestamp ? *parsed.timestamp : creditd::fuzz::LeadingInt64s<1>(body).front();
  const std::string signature = ComputeSignature(kSecret, timestamp, body);
  CREDITD_FUZZ_EXPECT(signature.size() == 64 &&
                          signature.find_first_not_of("0123456789abcdef") == std::string::npos,
                      signature);
  const std::string good = "t=" + std::to_string(timestamp) + ",v1=" + signature;
  for (const auto tolerance : {creditd::payments::stripe::kSignatureTolerance,
                               std::chrono::seconds(0), std::chrono::seconds(1)}) {
    const Status verdict = VerifySignature(good, body, kSecret, now, tolerance);
    const std::string context =
        Quote(good) + " with tolerance " + std::to_string(tolerance.count()) + "s";
    if (Fresh(timestamp, tolerance)) {
      CREDITD_FUZZ_EXPECT(verdict.ok(), context + ": " + verdict.ToString());
    } else {
      ExpectRefusal(verdict, context);
    }
  }
  // One digit changed, or another secret: refused even with the age check off.
  std::string tampered = good;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  ExpectRefusal(VerifySignature(tampered, body, kSecret, now, std::chrono::seconds(0)),
                Quote(tampered));
  ExpectRefusal(VerifySignature(good, body, "whsec_other", now, std::chrono::seconds(0)),
                Quote(good) + " under another secret");
  return 0;
}
