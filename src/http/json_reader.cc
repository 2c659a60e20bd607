#include "http/json_reader.h"

#include "common/strings.h"

namespace creditd::http {

using nlohmann::json;

namespace {
int Depth(const json& value, int depth) {
  if (depth > kJsonDepthMax) {
    return depth;
  }
  int deepest = depth;
  if (value.is_structured()) {
    for (const auto& item : value) {
      deepest = std::max(deepest, Depth(item, depth + 1));
      if (deepest > kJsonDepthMax) {
        break;
      }
    }
  }
  return deepest;
}

std::string TypeName(const json& value) {
  switch (value.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::number_float:
      return "a decimal number";
    default:
      return "a number";
  }
}
}  // namespace

Result<JsonObjectReader> JsonObjectReader::Parse(std::string_view body, bool allow_empty) {
  if (body.empty() && allow_empty) {
    return JsonObjectReader(json::object());
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return Status(reason::kMalformedJson, "the request body is not valid JSON");
  }
  if (!parsed.is_object()) {
    return Status(reason::kMalformedJson, "the request body must be a JSON object");
  }
  if (Depth(parsed, 0) > kJsonDepthMax) {
    return Status(reason::kMalformedJson, "the request body is nested too deeply");
  }
  return JsonObjectReader(std::move(parsed));
}

void JsonObjectReader::Fail(Status status) {
  if (error_.ok()) {
    error_ = std::move(status);
  }
}

const json* JsonObjectReader::Find(const char* field) {
  read_.insert(field);
  const auto it = object_.find(field);
  return it == object_.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> JsonObjectReader::OptionalString(const char* field, int max_chars) {
  const json* value = Find(field);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    Fail(Status(reason::kInvalidField,
                std::string(field) + " must be a string, not " + TypeName(*value))
             .WithField(field));
    return std::nullopt;
  }
  const auto& text = value->get_ref<const std::string&>();
  const auto length = CountUtf8CodePoints(text);
  if (length < 0 || length > max_chars) {
    Fail(Status(reason::kInvalidField, std::string(field) + " must be at most " +
                                           std::to_string(max_chars) + " characters")
             .WithField(field));
    return std::nullopt;
  }
  return text;
}

std::string JsonObjectReader::RequiredString(const char* field, int max_chars) {
  if (Find(field) == nullptr) {
    Fail(Status(reason::kMissingField, std::string(field) + " is required").WithField(field));
    return {};
  }
  auto value = OptionalString(field, max_chars);
  if (value && value->empty()) {
    Fail(Status(reason::kInvalidField, std::string(field) + " must not be empty").WithField(field));
  }
  return value.value_or("");
}

std::optional<int64_t> JsonObjectReader::OptionalInt(const char* field, int64_t min, int64_t max) {
  const json* value = Find(field);
  if (value == nullptr) {
    return std::nullopt;
  }
  const std::string range = " between " + std::to_string(min) + " and " + std::to_string(max);
  if (value->is_number_unsigned()) {
    // nlohmann reads every non-negative integer as unsigned; none fits a range below zero.
    const auto number = value->get<uint64_t>();
    if (max < 0 || number > static_cast<uint64_t>(max) ||
        (min > 0 && number < static_cast<uint64_t>(min))) {
      Fail(Status(reason::kInvalidField, std::string(field) + " must be an integer" + range)
               .WithField(field));
      return std::nullopt;
    }
    return static_cast<int64_t>(number);
  }
  if (!value->is_number_integer()) {
    Fail(Status(reason::kInvalidField,
                std::string(field) + " must be an integer" + range + ", not " + TypeName(*value))
             .WithField(field));
    return std::nullopt;
  }
  const auto number = value->get<int64_t>();
  if (number < min || number > max) {
    Fail(Status(reason::kInvalidField, std::string(field) + " must be an integer" + range)
             .WithField(field));
    return std::nullopt;
  }
  return number;
}

int64_t JsonObjectReader::RequiredInt(const char* field, int64_t min, int64_t max) {
  if (Find(field) == nullptr) {
    Fail(Status(reason::kMissingField, std::string(field) + " is required").WithField(field));
    return 0;
  }
  return OptionalInt(field, min, max).value_or(0);
}

std::optional<bool> JsonObjectReader::OptionalBool(const char* field) {
  const json* value = Find(field);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_boolean()) {
    Fail(Status(reason::kInvalidField,
                std::string(field) + " must be true or false, not " + TypeName(*value))
             .WithField(field));
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<json> JsonObjectReader::OptionalObject(const char* field) {
  const json* value = Find(field);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_object()) {
    Fail(Status(reason::kInvalidField,
                std::string(field) + " must be a JSON object, not " + TypeName(*value))
             .WithField(field));
    return std::nullopt;
  }
  return *value;
}

Status JsonObjectReader::Finish() const {
  if (!error_.ok()) {
    return error_;
  }
  for (const auto& [key, value] : object_.items()) {
    if (!read_.contains(key)) {
      std::string shown = key.substr(0, 64);
      return Status(reason::kUnknownField, "unknown field \"" + shown + "\"").WithField(shown);
    }
  }
  return Status::Ok();
}

}  // namespace creditd::http
