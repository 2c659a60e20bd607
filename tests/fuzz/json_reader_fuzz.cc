// Fuzzes JsonObjectReader (http/json_reader.h), the decoder of every JSON request body,
// against a reference model built on a second parse of the same body:
//   - Parse accepts exactly the JSON objects nested at most kJsonDepthMax deep (an empty body
//     only with allow_empty), and refuses the rest with "malformed_json";
//   - each getter returns what the field holds, or records the error its comment promises
//     (missing_field, invalid_field) and returns nothing;
//   - Finish reports the first recorded error, else the first field no getter read
//     (unknown_field), else OK.
//
// Input: a request body. Which getter reads a field, and with which limits, follows from the
// length of the field's name, so the fuzzer steers them by renaming fields.
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz/fuzz_support.h"
#include "http/json_reader.h"

namespace {

using creditd::fuzz::Quote;
using creditd::http::JsonObjectReader;
using creditd::http::kJsonDepthMax;
using nlohmann::json;

struct IntRange {
  int64_t min;
  int64_t max;
};

// The ranges handlers pass, plus the edges of int64 and a range of negative numbers only.
constexpr IntRange kIntRanges[] = {
    {1, int64_t{1} << 53},
    {-1'000'000'000, 1'000'000'000},
    {0, 1000},
    {-10, -1},
    {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()},
    {0, 0}};
constexpr int kMaxChars[] = {1, 32, 255, 1024};
constexpr size_t kFieldsRead = 64;  // Bounds the work per input.

// Code points of a string nlohmann accepted: it is valid UTF-8, so every byte that is not a
// continuation byte starts one.
long CodePoints(const std::string& text) {  // NOLINT(google-runtime-int)
  long count = 0;                           // NOLINT(google-runtime-int)
  for (const char c : text) {
    count += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  }
  return count;
}

bool IntInRange(const json& value, IntRange range) {
  if (value.is_number_unsigned()) {
    const auto number = value.get<uint64_t>();
    return range.max >= 0 && number <= static_cast<uint64_t>(range.max) &&
           (range.min <= 0 || number >= static_cast<uint64_t>(range.min));
  }
  const auto number = value.get<int64_t>();
  return number >= range.min && number <= range.max;
}

// What the reader should have recorded so far: the first error's reason and field.
struct Model {
  std::string_view reason;
  std::string field;

  void Fail(std::string_view why, const std::string& name) {
    if (reason.empty()) {
      reason = why;
      field = name;
    }
  }
};

// Checks what an Optional* getter returned for `value`: the value when present and `ok` (of the
// getter's type and within its limits), else nothing, and an invalid_field error when present
// but not ok. where() describes the field for a failure message.
template <typename T, typename Where>
void CheckOptional(const std::optional<T>& got, const json& value, bool ok,
                   const std::string& field, const Where& where, Model& model) {
  const bool present = !value.is_null();
  if (present && !ok) {
    model.Fail("invalid_field", field);
  }
  CREDITD_FUZZ_EXPECT(got.has_value() == (present && ok), where());
  CREDITD_FUZZ_EXPECT(!got || *got == value.get<T>(), where());
}

// Reads `field` with the getter `selector` picks and checks the answer against the model.
void ReadField(JsonObjectReader& reader, const std::string& field, const json& value,
               size_t selector, Model& model) {
  const char* name = field.c_str();
  const bool present = !value.is_null();
  const int max_chars = kMaxChars[(selector / 7) % std::size(kMaxChars)];
  const IntRange range = kIntRanges[(selector / 7) % std::size(kIntRanges)];
  // The field for a failure message, built only on failure.
  const auto where = [&] { return "field " + Quote(field) + " = " + value.dump(); };
  const auto where_in_range = [&] {
    return where() + " in [" + std::to_string(range.min) + ", " + std::to_string(range.max) + "]";
  };
  const bool string_ok = value.is_string() && CodePoints(value.get<std::string>()) <= max_chars;
  const bool int_ok = value.is_number_integer() && IntInRange(value, range);
  switch (selector % 7) {
    case 0:
      CheckOptional(reader.OptionalString(name, max_chars), value, string_ok, field, where, model);
      break;
    case 1: {
      const std::string got = reader.RequiredString(name, max_chars);
      if (!present) {
        model.Fail("missing_field", field);
      } else if (!string_ok || value.get<std::string>().empty()) {
        model.Fail("invalid_field", field);
      }
      CREDITD_FUZZ_EXPECT(got == (present && string_ok ? value.get<std::string>() : ""), where());
      break;
    }
    case 2:
      CheckOptional(reader.OptionalInt(name, range.min, range.max), value, int_ok, field,
                    where_in_range, model);
      break;
    case 3: {
      const int64_t got = reader.RequiredInt(name, range.min, range.max);
      if (!present) {
        model.Fail("missing_field", field);
      } else if (!int_ok) {
        model.Fail("invalid_field", field);
      }
      CREDITD_FUZZ_EXPECT(got == (present && int_ok ? value.get<int64_t>() : 0), where_in_range());
      break;
    }
    case 4:
      CheckOptional(reader.OptionalBool(name), value, value.is_boolean(), field, where, model);
      break;
    case 5:
      CheckOptional(reader.OptionalObject(name), value, value.is_object(), field, where, model);
      break;
    default:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = creditd::fuzz::AsText(data, size);
  const json reference = json::parse(body, nullptr, /*allow_exceptions=*/false);
  const bool acceptable = !reference.is_discarded() && reference.is_object() &&
                          creditd::fuzz::JsonDepth(reference) <= kJsonDepthMax;

  auto lenient = JsonObjectReader::Parse(body, /*allow_empty=*/true);
  CREDITD_FUZZ_EXPECT(lenient.ok() == (acceptable || body.empty()), Quote(body));
  auto reader = JsonObjectReader::Parse(body);
  CREDITD_FUZZ_EXPECT(reader.ok() == acceptable,
                      Quote(body) + (acceptable ? " was refused" : " was accepted"));
  if (!reader.ok()) {
    CREDITD_FUZZ_EXPECT(reader.status().reason() == "malformed_json", reader.status().ToString());
    return 0;
  }

  Model model;
  std::string first_unread;
  bool has_unread = false;
  size_t index = 0;
  for (const auto& [field, value] : reference.items()) {
    const size_t selector = field.size();
    // Every seventh name length, a NUL inside the name (the getters take C strings) and the
    // fields past the budget stay unread, for Finish to name.
    if (selector % 7 == 6 || field.find('\0') != std::string::npos || index++ >= kFieldsRead) {
      if (!has_unread) {
        has_unread = true;
        first_unread = field;
      }
      continue;
    }
    ReadField(*reader, field, value, selector, model);
  }

  const creditd::Status finish = reader->Finish();
  if (!model.reason.empty()) {
    CREDITD_FUZZ_EXPECT(finish.reason() == model.reason && finish.field() == model.field,
                        Quote(body) + ": Finish says " + finish.ToString() + ", expected " +
                            std::string(model.reason) + " on " + Quote(model.field));
  } else if (has_unread) {
    CREDITD_FUZZ_EXPECT(
        finish.reason() == "unknown_field" && finish.field() == first_unread.substr(0, 64),
        Quote(body) + ": Finish says " + finish.ToString() + ", expected unknown_field " +
            Quote(first_unread));
  } else {
    CREDITD_FUZZ_EXPECT(finish.ok(), Quote(body) + ": Finish says " + finish.ToString());
  }
  return 0;
}
