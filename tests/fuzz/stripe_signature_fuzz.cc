// Fuzzes the Stripe-Signature check of webhooks (payments/stripe/webhook_signature.h):
//   - VerifySignature(header, body) accepts exactly when a reference reading of the header
//     (PROTOCOLS.md 4.1: last t wins, any v1 may match, ASCII blanks trimmed, at most 4096
//     bytes) finds a v1 equal to the HMAC of "t.body" and t is not older than the tolerance;
//   - a header signed for the input's own timestamp and body is accepted exactly when that
//     timestamp is within the tolerance (or the tolerance is 0), at any int64 timestamp;
//   - changing one digit of a good signature, or the secret, is refused.
//
// Input: the header, a newline, then the raw body: "t=1700000000,v1=<hex>\n{...}".
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/strings.h"
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

ParsedHeader ReferenceParse(std::string_view header) {
  ParsedHeader parsed;
  size_t start = 0;
  while (start < header.size()) {
    const size_t comma = header.find(',', start);
    const size_t end = comma == std::string_view::npos ? header.size() : comma;
    const std::string_view item = creditd::TrimAscii(header.substr(start, end - start));
    start = end + 1;
    const size_t equals = item.find('=');
    if (equals == std::string_view::npos) {
      continue;
    }
    const std::string_view key = item.substr(0, equals);
    const std::string_view value = item.substr(equals + 1);
    if (key == "t") {
      int64_t timestamp = 0;
      const auto [end_of_number, error] =
          std::from_chars(value.data(), value.data() + value.size(), timestamp);
      parsed.timestamp = error == std::errc() && end_of_number == value.data() + value.size()
                             ? std::optional<int64_t>(timestamp)
                             : std::nullopt;
    } else if (key == "v1") {
      parsed.v1.push_back(value);
    }
  }
  return parsed;
}

// Whether a signature made at `timestamp` is fresh enough at kNowSeconds, in exact arithmetic.
bool Fresh(int64_t timestamp, std::chrono::seconds tolerance) {
  return tolerance.count() <= 0 ||
         static_cast<__int128>(kNowSeconds) - timestamp <= tolerance.count();
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
  int64_t timestamp = 0;
  if (parsed.timestamp) {
    timestamp = *parsed.timestamp;
  } else if (!body.empty()) {
    std::memcpy(&timestamp, body.data(), std::min(body.size(), sizeof timestamp));
  }
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
