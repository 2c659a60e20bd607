#include "app/api_key_service.h"

#include <string>

#include <gtest/gtest.h>

#include "security/opaque_tokens.h"
#include "testing/test_database.h"

namespace creditd::app {
namespace {

TEST(ApiKeyServiceTest, KeysAreShownOnceStoredHashedAndRevocable) {
  testing::TempDir dir;
  auto database = testing::OpenSqlite(dir.path());
  security::RandomOpaqueTokens tokens;
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  ApiKeyService keys(*database, tokens, clock);

  const auto created = keys.Create("  image backend  ");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->key.name, "image backend");
  EXPECT_EQ(created->secret.rfind("ck_", 0), 0U);
  EXPECT_EQ(created->key.prefix, created->secret.substr(0, 10));
  EXPECT_EQ(created->key.key_hash.size(), 64U);
  EXPECT_EQ(created->key.key_hash.find(created->secret), std::string::npos);

  const auto listed = keys.List();
  ASSERT_EQ(listed->size(), 1U);
  EXPECT_EQ(listed->front().prefix, created->key.prefix);

  EXPECT_EQ(keys.Authenticate(created->secret)->id, created->key.id);
  EXPECT_EQ(keys.Authenticate(created->secret + "x").status().reason(), "invalid_api_key");
  EXPECT_EQ(keys.Authenticate("").status().reason(), "invalid_api_key");

  ASSERT_TRUE(keys.Revoke(created->key.id).ok());
  ASSERT_TRUE(keys.Revoke(created->key.id).ok());  // Idempotent.
  EXPECT_EQ(keys.Authenticate(created->secret).status().reason(), "invalid_api_key");
  EXPECT_TRUE(keys.List()->front().revoked_at.has_value());
  EXPECT_EQ(keys.Revoke(999).reason(), "api_key_not_found");
  EXPECT_EQ(keys.Create(" ").status().field(), "name");
}

TEST(ApiKeyServiceTest, OnlyAMalformedKeyOrAFreshCacheEntryAnswersFromMemory) {
  testing::TempDir dir;
  auto database = testing::OpenSqlite(dir.path());
  security::RandomOpaqueTokens tokens;
  ManualClock clock(FromUnixSeconds(1'800'000'000));
  ApiKeyService keys(*database, tokens, clock);
  const auto created = keys.Create("image backend");
  ASSERT_TRUE(created.ok());

  // Refused without a lookup: nothing to look up.
  EXPECT_TRUE(keys.AnswersFromMemory(""));
  EXPECT_TRUE(keys.AnswersFromMemory(std::string(1000, 'k')));
  // Never authenticated: answering needs the database.
  EXPECT_FALSE(keys.AnswersFromMemory(created->secret));
  ASSERT_TRUE(keys.Authenticate(created->secret).ok());
  EXPECT_TRUE(keys.AnswersFromMemory(created->secret));
  // The entry goes stale after the cache's lifetime, and at once on a revocation.
  clock.Advance(ApiKeyService::kAuthenticationCacheTtl);
  EXPECT_FALSE(keys.AnswersFromMemory(created->secret));
  ASSERT_TRUE(keys.Authenticate(created->secret).ok());
  EXPECT_TRUE(keys.AnswersFromMemory(created->secret));
  ASSERT_TRUE(keys.Revoke(created->key.id).ok());
  EXPECT_FALSE(keys.AnswersFromMemory(created->secret));
  // An unknown or revoked key is not cached: each try asks the database again.
  EXPECT_EQ(keys.Authenticate(created->secret).status().reason(), "invalid_api_key");
  EXPECT_FALSE(keys.AnswersFromMemory(created->secret));
}

}  // namespace
}  // namespace creditd::app
