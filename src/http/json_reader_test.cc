#include "http/json_reader.h"

#include <gtest/gtest.h>

namespace creditd::http {
namespace {

TEST(JsonReaderTest, ReadsTypedFieldsAndRejectsUnknownOnes) {
  auto reader = JsonObjectReader::Parse(R"({"email":"a@b.co","amount":5,"flag":true,"x":1})");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->RequiredString("email", 100), "a@b.co");
  EXPECT_EQ(reader->RequiredInt("amount", 1, 10), 5);
  EXPECT_EQ(reader->OptionalBool("flag"), true);
  EXPECT_FALSE(reader->OptionalString("missing", 10).has_value());
  const Status status = reader->Finish();
  EXPECT_EQ(status.reason(), "unknown_field");
  EXPECT_EQ(status.field(), "x");
}

TEST(JsonReaderTest, NamesTheFieldOfEachTypeOrRangeError) {
  struct Case {
    const char* body;
    const char* reason;
    const char* field;
  };
  const Case cases[] = {
      {R"({"amount":"5","email":"a"})", "invalid_field", "amount"},
      {R"({"amount":5.5,"email":"a"})", "invalid_field", "amount"},
      {R"({"amount":11,"email":"a"})", "invalid_field", "amount"},
      {R"({"amount":-1,"email":"a"})", "invalid_field", "amount"},
      {R"({"amount":0,"email":"a"})", "invalid_field", "amount"},
      {R"({"amount":99999999999999999999,"email":"a"})", "invalid_field", "amount"},
      {R"({"email":"a"})", "missing_field", "amount"},
      {R"({"amount":5,"email":7})", "invalid_field", "email"},
      {R"({"amount":5,"email":""})", "invalid_field", "email"},
      {R"({"amount":5,"email":"toolongtoolong"})", "invalid_field", "email"},
  };
  for (const auto& c : cases) {
    auto reader = JsonObjectReader::Parse(c.body);
    ASSERT_TRUE(reader.ok()) << c.body;
    reader->RequiredInt("amount", 1, 10);
    reader->RequiredString("email", 10);
    const Status status = reader->Finish();
    EXPECT_EQ(status.reason(), c.reason) << c.body;
    EXPECT_EQ(status.field(), c.field) << c.body;
  }
}

// Found by tests/fuzz/json_reader_fuzz.cc: a non-negative number (unsigned in nlohmann) passed a
// range entirely below zero.
TEST(JsonReaderTest, RangesBelowZeroRefuseNonNegativeNumbers) {
  for (const char* body : {R"({"delta":8})", R"({"delta":0})", R"({"delta":-11})"}) {
    auto reader = JsonObjectReader::Parse(body);
    ASSERT_TRUE(reader.ok()) << body;
    EXPECT_FALSE(reader->OptionalInt("delta", -10, -1).has_value()) << body;
    EXPECT_EQ(reader->Finish().reason(), "invalid_field") << body;
  }
  auto reader = JsonObjectReader::Parse(R"({"delta":-3})");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(reader->OptionalInt("delta", -10, -1), -3);
  EXPECT_TRUE(reader->Finish().ok());
}

TEST(JsonReaderTest, RejectsMalformedNonObjectAndDeepBodies) {
  for (const char* body : {"", "{", "[1,2]", "\"text\"", "{\"a\":1}x", "null"}) {
    EXPECT_EQ(JsonObjectReader::Parse(body).status().reason(), "malformed_json") << body;
  }
  std::string deep = std::string(40, '[') + std::string(40, ']');
  EXPECT_EQ(JsonObjectReader::Parse("{\"a\":" + deep + "}").status().reason(), "malformed_json");
  EXPECT_TRUE(JsonObjectReader::Parse("", /*allow_empty=*/true).ok());
}

}  // namespace
}  // namespace creditd::http
