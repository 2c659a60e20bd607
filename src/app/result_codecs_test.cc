// The encodings idempotent writes keep their results in: a value survives the round trip field
// for field, and a damaged record is an error, never a result with defaults.
#include "app/result_codecs.h"

#include <gtest/gtest.h>

#include "testing/test_database.h"

namespace creditd::app {
namespace {

// Decoding a value reads nothing; a real (read-only) unit of work stands in for the one the
// write runs in.
class ResultCodecsTest : public ::testing::Test {
 protected:
  ResultCodecsTest()
      : database_(testing::OpenSqlite(dir_.path())),
        uow_(database_->Begin(TransactionMode::kRead).value()) {}

  testing::TempDir dir_;
  std::unique_ptr<storage::sqlite::SqliteDatabase> database_;
  std::unique_ptr<UnitOfWork> uow_;
};

ChargeView SampleCharge() {
  ChargeView view;
  domain::Charge& charge = view.charge;
  charge.id = 42;
  charge.account_id = 7;
  charge.user_id = 3;
  charge.tool_key = "nano-banana";
  charge.price_version = 2;
  charge.unit_credits = 5;
  charge.units = 3;
  charge.reserved = 15;
  charge.captured = 12;
  charge.refunded = 2;
  charge.status = domain::HoldStatus::kCaptured;
  charge.member_free = true;
  charge.metadata = R"({"note":"7:~ colons and tildes","n":1})";
  charge.source = "api_key:1";
  charge.allocations = {{11, 10, 8, 2}, {12, 5, 4, 0}};
  charge.created_at = FromUnixSeconds(1'800'000'000);
  charge.expires_at = FromUnixSeconds(1'800'000'600);
  charge.resolved_at = FromUnixSeconds(1'800'000'100);
  charge.updated_at = FromUnixSeconds(1'800'000'200);
  view.credits = 88;
  return view;
}

TEST_F(ResultCodecsTest, AChargeSurvivesTheRoundTripFieldForField) {
  const ChargeView view = SampleCharge();
  const std::string encoded = ResultCodec<ChargeView>::Encode(view);
  const auto decoded = ResultCodec<ChargeView>::Decode(*uow_, encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(ResultCodec<ChargeView>::Encode(*decoded), encoded);
  EXPECT_EQ(decoded->charge.user_id, 3);
  EXPECT_EQ(decoded->charge.metadata, view.charge.metadata);
  EXPECT_EQ(decoded->charge.status, domain::HoldStatus::kCaptured);
  ASSERT_EQ(decoded->charge.allocations.size(), 2U);
  EXPECT_EQ(decoded->charge.allocations[0].refunded, 2);
  EXPECT_EQ(decoded->charge.resolved_at, view.charge.resolved_at);
  EXPECT_EQ(decoded->credits, 88);

  ChargeView absent = view;
  absent.charge.user_id.reset();
  absent.charge.resolved_at.reset();
  absent.charge.allocations.clear();
  const auto round =
      ResultCodec<ChargeView>::Decode(*uow_, ResultCodec<ChargeView>::Encode(absent));
  ASSERT_TRUE(round.ok());
  EXPECT_FALSE(round->charge.user_id.has_value());
  EXPECT_FALSE(round->charge.resolved_at.has_value());
  EXPECT_TRUE(round->charge.allocations.empty());
}

TEST_F(ResultCodecsTest, ARunSurvivesTheRoundTrip) {
  RunView view;
  view.run.id = 9;
  view.run.user_id = 3;
  view.run.tool_key = "llm-chat";
  view.run.status = domain::RunStatus::kSucceeded;
  view.run.prompt = "多语言 prompt";
  view.run.params = "{}";
  view.run.cost = 4;
  view.run.result_type = "application/json";
  view.run.result = R"({"text":"hi"})";
  view.run.created_at = FromUnixSeconds(1'800'000'000);
  view.run.finished_at = FromUnixSeconds(1'800'000'003);
  view.credits = 96;
  const std::string encoded = ResultCodec<RunView>::Encode(view);
  const auto decoded = ResultCodec<RunView>::Decode(*uow_, encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(ResultCodec<RunView>::Encode(*decoded), encoded);
  EXPECT_EQ(decoded->run.prompt, view.run.prompt);
  EXPECT_EQ(decoded->run.status, domain::RunStatus::kSucceeded);
  EXPECT_EQ(decoded->credits, 96);
}

TEST_F(ResultCodecsTest, ADamagedRecordIsAnErrorNeverDefaults) {
  const std::string encoded = ResultCodec<ChargeView>::Encode(SampleCharge());
  for (const std::string& damaged :
       {encoded.substr(0, encoded.size() / 2), encoded + "1:x", std::string("9999:short"),
        std::string("x:1"), std::string(), std::string("~")}) {
    const auto decoded = ResultCodec<ChargeView>::Decode(*uow_, damaged);
    ASSERT_FALSE(decoded.ok()) << damaged;
    EXPECT_EQ(decoded.status().reason(), "database_error") << damaged;
  }
  std::string unknown_status = encoded;
  const size_t at = unknown_status.find("8:captured");
  ASSERT_NE(at, std::string::npos);
  unknown_status.replace(at, 10, "8:captored");
  EXPECT_EQ(ResultCodec<ChargeView>::Decode(*uow_, unknown_status).status().reason(),
            "database_error");
}

}  // namespace
}  // namespace creditd::app
