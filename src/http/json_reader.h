// JsonObjectReader: decodes a JSON request body field by field, producing errors that name the
// field ("missing_field", "invalid_field", "unknown_field") instead of a generic 400.
//
//   CREDITD_ASSIGN_OR_RETURN(auto reader, JsonObjectReader::Parse(request.body));
//   auto email = reader.RequiredString("email", 254);
//   auto name = reader.OptionalString("display_name", 64);
//   CREDITD_RETURN_IF_ERROR(reader.Finish());  // first error, or an unknown field
//
// Every getter records the first error and returns a default afterwards, so handlers read all
// fields and check once. Not thread-safe; one reader per request.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/result.h"

namespace creditd::http {

// The deepest nesting a request body may have.
inline constexpr int kJsonDepthMax = 32;

class JsonObjectReader {
 public:
  // Parses `body` as a JSON object. An empty body counts as {} when `allow_empty`. Returns
  // kInvalidArgument/"malformed_json" for invalid JSON, a non-object or excessive nesting.
  static Result<JsonObjectReader> Parse(std::string_view body, bool allow_empty = false);

  // A string of 1..max_chars code points (after no trimming; callers normalise).
  std::string RequiredString(const char* field, int max_chars);
  std::optional<std::string> OptionalString(const char* field, int max_chars);
  // An integer in [min, max]; JSON numbers with a fraction or exponent are refused.
  int64_t RequiredInt(const char* field, int64_t min, int64_t max);
  std::optional<int64_t> OptionalInt(const char* field, int64_t min, int64_t max);
  std::optional<bool> OptionalBool(const char* field);
  // A JSON object (nullopt when absent); anything else is "invalid_field".
  std::optional<nlohmann::json> OptionalObject(const char* field);

  // Returns the first error recorded, or "unknown_field" naming a field that no getter read.
  Status Finish() const;

 private:
  explicit JsonObjectReader(nlohmann::json object) : object_(std::move(object)) {}
  const nlohmann::json* Find(const char* field);
  void Fail(Status status);

  nlohmann::json object_;
  std::set<std::string> read_;
  Status error_;
};

}  // namespace creditd::http
