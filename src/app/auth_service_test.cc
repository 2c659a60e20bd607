#include "app/auth_service.h"

#include <gtest/gtest.h>

#include "app/ports/session_repository.h"
#include "app/transaction.h"
#include "security/jwt.h"
#include "security/opaque_tokens.h"
#include "security/password_hasher.h"
#include "testing/test_database.h"

namespace creditd::app {
namespace {

class AuthServiceTest : public ::testing::Test {
 protected:
  AuthServiceTest()
      : database_(testing::OpenSqlite(dir_.path())),
        codec_(std::string(40, 's')),
        auth_(*database_, hasher_, codec_, tokens_, ids_, clock_, Config()) {}

  static AuthConfig Config() {
    AuthConfig config;
    config.throttle.account_failures_max = 3;
    config.throttle.address_attempts_max = 100;
    return config;
  }

  ManualClock clock_{FromUnixSeconds(1'800'000'000)};
  testing::TempDir dir_;
  std::unique_ptr<storage::sqlite::SqliteDatabase> database_;
  security::Argon2idPasswordHasher hasher_;
  security::Hs256AccessTokenCodec codec_;
  security::RandomOpaqueTokens tokens_;
  SequenceIdGenerator ids_;
  AuthService auth_;
};

TEST_F(AuthServiceTest, RegisterCreatesAUserWithAnAccountAndASession) {
  const auto session =
      auth_.Register(" Bob@Example.com ", "password123", std::nullopt, "127.0.0.1");
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  EXPECT_EQ(session->user.email, "bob@example.com");
  EXPECT_EQ(session->user.display_name, "bob");
  EXPECT_GT(session->user.account_id, 0);
  EXPECT_EQ(session->expires_in, 900);
  const auto principal = auth_.Authenticate(session->access_token);
  ASSERT_TRUE(principal.ok());
  EXPECT_EQ(principal->user_id, session->user.id);
  EXPECT_EQ(
      auth_.Register("bob@example.com", "password123", std::nullopt, "127.0.0.1").status().reason(),
      "email_taken");
}

TEST_F(AuthServiceTest, LoginAnswersTheSameForUnknownUsersAndWrongPasswords) {
  ASSERT_TRUE(auth_.Register("carol@example.com", "password123", std::nullopt, "127.0.0.1").ok());
  EXPECT_TRUE(auth_.Login("CAROL@example.com", "password123", "10.0.0.1").ok());
  const auto wrong = auth_.Login("carol@example.com", "password124", "10.0.0.1");
  const auto unknown = auth_.Login("nobody@example.com", "password123", "10.0.0.1");
  EXPECT_EQ(wrong.status().reason(), "invalid_credentials");
  EXPECT_EQ(unknown.status().reason(), "invalid_credentials");
  EXPECT_EQ(wrong.status().message(), unknown.status().message());
}

TEST_F(AuthServiceTest, RepeatedFailuresAreThrottledWithRetryAfter) {
  ASSERT_TRUE(auth_.Register("dave@example.com", "password123", std::nullopt, "127.0.0.1").ok());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(auth_.Login("dave@example.com", "wrong-password", "10.0.0.2").status().reason(),
              "invalid_credentials");
  }
  const auto throttled = auth_.Login("dave@example.com", "password123", "10.0.0.2");
  EXPECT_EQ(throttled.status().reason(), "too_many_attempts");
  EXPECT_GT(throttled.status().retry_after_seconds(), 0);
  clock_.Advance(std::chrono::minutes(16));
  EXPECT_TRUE(auth_.Login("dave@example.com", "password123", "10.0.0.2").ok());
}

TEST_F(AuthServiceTest, SignUpsShareTheAddressBudget) {
  AuthConfig config;
  config.throttle.address_attempts_max = 2;
  AuthService auth(*database_, hasher_, codec_, tokens_, ids_, clock_, config);
  ASSERT_TRUE(auth.Register("one@example.com", "password123", std::nullopt, "10.9.9.9").ok());
  ASSERT_TRUE(auth.Login("one@example.com", "password123", "10.9.9.9").ok());
  EXPECT_EQ(
      auth.Register("two@example.com", "password123", std::nullopt, "10.9.9.9").status().reason(),
      "too_many_attempts");
  EXPECT_TRUE(auth.Register("two@example.com", "password123", std::nullopt, "10.9.9.8").ok());
  // Malformed sign-ups are refused before they spend the budget.
  EXPECT_EQ(auth.Register("bad", "password123", std::nullopt, "10.9.9.7").status().reason(),
            "invalid_email");
}

TEST_F(AuthServiceTest, RefreshRotatesAndReuseRevokesTheWholeFamily) {
  const auto session = auth_.Register("erin@example.com", "password123", std::nullopt, "127.0.0.1");
  ASSERT_TRUE(session.ok());
  const auto rotated = auth_.Refresh(session->refresh_token);
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(rotated->refresh_token, session->refresh_token);
  // Presenting the old token again: reuse. The family, including the new token, is revoked.
  EXPECT_EQ(auth_.Refresh(session->refresh_token).status().reason(), "refresh_token_reused");
  EXPECT_EQ(auth_.Refresh(rotated->refresh_token).status().reason(), "refresh_token_reused");
  EXPECT_EQ(auth_.Authenticate(rotated->access_token).status().reason(), "invalid_token");
  EXPECT_EQ(auth_.Refresh("rt_unknown").status().reason(), "invalid_refresh_token");
}

TEST_F(AuthServiceTest, RefreshTokensExpire) {
  const auto session = auth_.Register("fay@example.com", "password123", std::nullopt, "127.0.0.1");
  ASSERT_TRUE(session.ok());
  clock_.Advance(std::chrono::hours(24 * 31));
  EXPECT_EQ(auth_.Refresh(session->refresh_token).status().reason(), "invalid_refresh_token");
}

TEST_F(AuthServiceTest, LogoutEndsTheSession) {
  const auto session = auth_.Register("gus@example.com", "password123", std::nullopt, "127.0.0.1");
  ASSERT_TRUE(session.ok());
  const auto principal = auth_.Authenticate(session->access_token);
  ASSERT_TRUE(principal.ok());
  ASSERT_TRUE(auth_.Logout(*principal, std::nullopt).ok());
  EXPECT_EQ(auth_.Authenticate(session->access_token).status().reason(), "invalid_token");
  EXPECT_FALSE(auth_.Refresh(session->refresh_token).ok());
}

TEST_F(AuthServiceTest, ARememberedSessionEndsExactlyWhenItsFamilyDoes) {
  // The embedded database's mode: live sessions are remembered, yet an ended session is refused
  // at once, whichever way it ended.
  AuthConfig config = Config();
  config.remember_sessions = true;
  config.access_token_ttl = std::chrono::hours(1);
  config.refresh_token_ttl = std::chrono::minutes(10);  // Ends before the access token does.
  AuthService auth(*database_, hasher_, codec_, tokens_, ids_, clock_, config);
  const auto first = auth.Register("hal@example.com", "password123", std::nullopt, "127.0.0.1");
  ASSERT_TRUE(first.ok());
  const auto principal = auth.Authenticate(first->access_token);
  ASSERT_TRUE(principal.ok());
  ASSERT_TRUE(auth.Authenticate(first->access_token).ok());  // Now from memory.
  // Signed out.
  ASSERT_TRUE(auth.Logout(*principal, std::nullopt).ok());
  EXPECT_EQ(auth.Authenticate(first->access_token).status().reason(), "invalid_token");
  // Revoked by a refresh token's reuse: both access tokens of the family are refused.
  const auto second = auth.Login("hal@example.com", "password123", "127.0.0.1");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(auth.Authenticate(second->access_token).ok());
  const auto rotated = auth.Refresh(second->refresh_token);
  ASSERT_TRUE(rotated.ok());
  ASSERT_TRUE(auth.Authenticate(rotated->access_token).ok());
  ASSERT_EQ(auth.Refresh(second->refresh_token).status().reason(), "refresh_token_reused");
  EXPECT_EQ(auth.Authenticate(second->access_token).status().reason(), "invalid_token");
  EXPECT_EQ(auth.Authenticate(rotated->access_token).status().reason(), "invalid_token");
  // Ended some other way (here straight in the database): refused again within a minute.
  const auto third = auth.Login("hal@example.com", "password123", "127.0.0.1");
  ASSERT_TRUE(third.ok());
  const auto third_principal = auth.Authenticate(third->access_token);
  ASSERT_TRUE(third_principal.ok());
  ASSERT_TRUE(InTransaction(*database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
                return uow.sessions().RevokeFamily(third_principal->session_id, clock_.Now());
              }).ok());
  clock_.Advance(std::chrono::seconds(61));
  EXPECT_EQ(auth.Authenticate(third->access_token).status().reason(), "invalid_token");
  // Expired: remembered never past the family's last refresh token's expiry.
  const auto fourth = auth.Login("hal@example.com", "password123", "127.0.0.1");
  ASSERT_TRUE(fourth.ok());
  for (int minute = 0; minute < 9; ++minute) {
    ASSERT_TRUE(auth.Authenticate(fourth->access_token).ok());
    clock_.Advance(std::chrono::minutes(1));
  }
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(auth.Authenticate(fourth->access_token).status().reason(), "invalid_token");
}

TEST_F(AuthServiceTest, EnsureAdminCreatesOrPromotes) {
  const auto created = auth_.EnsureAdmin("root@example.com", "password123");
  ASSERT_TRUE(created.ok());
  EXPECT_TRUE(created->second);
  EXPECT_EQ(created->first.role, domain::Role::kAdmin);
  ASSERT_TRUE(auth_.Register("hal@example.com", "password123", std::nullopt, "127.0.0.1").ok());
  const auto promoted = auth_.EnsureAdmin("hal@example.com", "ignored-password");
  ASSERT_TRUE(promoted.ok());
  EXPECT_FALSE(promoted->second);
  EXPECT_EQ(promoted->first.role, domain::Role::kAdmin);
  EXPECT_TRUE(auth_.Login("hal@example.com", "password123", "x").ok());
}

}  // namespace
}  // namespace creditd::app
