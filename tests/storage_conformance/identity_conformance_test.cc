// Conformance of the identity repositories: users, refresh-token sessions and API keys.
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "app/ports/api_key_repository.h"
#include "app/ports/session_repository.h"
#include "app/ports/user_repository.h"
#include "storage_conformance/storage_conformance_test.h"

namespace creditd::conformance {
namespace {

class UserRepositoryConformanceTest : public StorageConformanceTest {};

TEST_P(UserRepositoryConformanceTest, UsersHaveUniqueEmailsAndSurviveRestarts) {
  const auto id = Write([&](UnitOfWork& uow) { return uow.users().Insert(NewUser("a@b.co")); });
  ASSERT_TRUE(id.ok());
  const auto duplicate =
      Write([&](UnitOfWork& uow) { return uow.users().Insert(NewUser("a@b.co")); });
  EXPECT_EQ(duplicate.status().reason(), "email_taken");
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists);
  Restart();
  const auto found = Read([&](UnitOfWork& uow) { return uow.users().FindByEmail("a@b.co"); });
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, *id);
  EXPECT_EQ(
      Read([&](UnitOfWork& uow) { return uow.users().FindById(*id + 100); }).status().reason(),
      "user_not_found");
  EXPECT_EQ(
      Read([&](UnitOfWork& uow) { return uow.users().FindByEmail("x@b.co"); }).status().code(),
      StatusCode::kNotFound);
}

TEST_P(UserRepositoryConformanceTest, FindReturnsEveryStoredField) {
  domain::User user = NewUser("f@b.co");
  user.display_name = "Fiona";
  user.role = domain::Role::kAdmin;
  user.password_hash = "$argon2id$v=19$abc";
  const int64_t id = Write([&](UnitOfWork& uow) { return uow.users().Insert(user); }).value();
  const auto by_id = Read([&](UnitOfWork& uow) { return uow.users().FindById(id); });
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->id, id);
  EXPECT_EQ(by_id->email, "f@b.co");
  EXPECT_EQ(by_id->display_name, "Fiona");
  EXPECT_EQ(by_id->role, domain::Role::kAdmin);
  EXPECT_EQ(by_id->password_hash, "$argon2id$v=19$abc");
  EXPECT_EQ(by_id->account_id, 0);  // No account yet.
  EXPECT_EQ(by_id->created_at, now_);
  const auto by_email = Read([&](UnitOfWork& uow) { return uow.users().FindByEmail("f@b.co"); });
  ASSERT_TRUE(by_email.ok());
  EXPECT_EQ(by_email->id, id);
  EXPECT_EQ(by_email->display_name, "Fiona");
}

TEST_P(UserRepositoryConformanceTest, SetAccountUpdateRoleAndPasswordChangeOneUser) {
  const int64_t id = AddUser("u@b.co");
  const int64_t other = AddUser("other@b.co");
  const int64_t account = AddAccount();
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.users().SetAccount(id, account); }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.users().UpdateRole(id, domain::Role::kAdmin);
              }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.users().UpdatePasswordHash(id, "$argon2id$new");
              }).ok());
  const auto user = Read([&](UnitOfWork& uow) { return uow.users().FindById(id); });
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->account_id, account);
  EXPECT_EQ(user->role, domain::Role::kAdmin);
  EXPECT_EQ(user->password_hash, "$argon2id$new");
  const auto untouched = Read([&](UnitOfWork& uow) { return uow.users().FindById(other); });
  EXPECT_EQ(untouched->role, domain::Role::kUser);
  EXPECT_EQ(untouched->password_hash, "$argon2id$x");
  EXPECT_NE(untouched->account_id, account);
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.users().UpdateRole(id, domain::Role::kUser); }).ok());
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.users().FindById(id); })->role,
            domain::Role::kUser);
}

TEST_P(UserRepositoryConformanceTest, UpdatesOfAMissingUserAreUserNotFound) {
  const int64_t missing = AddUser("u@b.co") + 100;
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return uow.users().UpdateRole(missing, domain::Role::kAdmin);
            }).reason(),
            "user_not_found");
  EXPECT_EQ(
      Write([&](UnitOfWork& uow) { return uow.users().UpdatePasswordHash(missing, "h"); }).reason(),
      "user_not_found");
  const int64_t account = AddAccount();
  EXPECT_EQ(
      Write([&](UnitOfWork& uow) { return uow.users().SetAccount(missing, account); }).reason(),
      "user_not_found");
}

TEST_P(UserRepositoryConformanceTest, CountCountsCommittedUsers) {
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.users().Count(); }).value(), 0);
  AddUser("1@b.co");
  AddUser("2@b.co");
  AddUser("3@b.co");
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.users().Count(); }).value(), 3);
}

class SessionRepositoryConformanceTest : public StorageConformanceTest {
 protected:
  int64_t AddToken(int64_t user, const std::string& family, const std::string& hash,
                   Timestamp expires_at) {
    app::RefreshToken token;
    token.family_id = family;
    token.user_id = user;
    token.token_hash = hash;
    token.created_at = now_;
    token.expires_at = expires_at;
    return Write([&](UnitOfWork& uow) { return uow.sessions().Insert(token); }).value();
  }
  app::RefreshTokenState StateOf(const std::string& hash) {
    return Read([&](UnitOfWork& uow) { return uow.sessions().FindByHash(hash); }).value().state;
  }
};

TEST_P(SessionRepositoryConformanceTest, RefreshTokenStatesAndFamilies) {
  const int64_t user = AddUser("t@b.co");
  const int64_t id = AddToken(user, "fam_1", "h1", now_ + std::chrono::hours(1));
  EXPECT_TRUE(Read([&](UnitOfWork& uow) {
                return uow.sessions().ActiveUntil("fam_1", now_);
              })->has_value());
  EXPECT_TRUE(*Write([&](UnitOfWork& uow) { return uow.sessions().MarkRotated(id, now_); }));
  EXPECT_FALSE(*Write([&](UnitOfWork& uow) { return uow.sessions().MarkRotated(id, now_); }));
  EXPECT_EQ(StateOf("h1"), app::RefreshTokenState::kRotated);
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.sessions().ActiveUntil("fam_1", now_);
               })->has_value());
  const auto missing = Read([&](UnitOfWork& uow) { return uow.sessions().FindByHash("nope"); });
  EXPECT_EQ(missing.status().reason(), "invalid_refresh_token");
  EXPECT_EQ(missing.status().code(), StatusCode::kUnauthenticated);
}

TEST_P(SessionRepositoryConformanceTest, FindByHashReturnsEveryStoredField) {
  const int64_t user = AddUser("t@b.co");
  const int64_t id = AddToken(user, "fam_9", "hash_9", now_ + std::chrono::hours(2));
  const auto token = Read([&](UnitOfWork& uow) { return uow.sessions().FindByHash("hash_9"); });
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(token->id, id);
  EXPECT_EQ(token->family_id, "fam_9");
  EXPECT_EQ(token->user_id, user);
  EXPECT_EQ(token->token_hash, "hash_9");
  EXPECT_EQ(token->state, app::RefreshTokenState::kActive);
  EXPECT_EQ(token->created_at, now_);
  EXPECT_EQ(token->expires_at, now_ + std::chrono::hours(2));
}

TEST_P(SessionRepositoryConformanceTest, RevokeFamilyRevokesEveryTokenOfThatFamilyOnly) {
  const int64_t user = AddUser("t@b.co");
  const int64_t rotated = AddToken(user, "fam_a", "a1", now_ + std::chrono::hours(1));
  ASSERT_TRUE(*Write([&](UnitOfWork& uow) { return uow.sessions().MarkRotated(rotated, now_); }));
  const int64_t active = AddToken(user, "fam_a", "a2", now_ + std::chrono::hours(1));
  AddToken(user, "fam_b", "b1", now_ + std::chrono::hours(1));
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.sessions().RevokeFamily("fam_a", now_); }).ok());
  EXPECT_EQ(StateOf("a1"), app::RefreshTokenState::kRevoked);
  EXPECT_EQ(StateOf("a2"), app::RefreshTokenState::kRevoked);
  EXPECT_EQ(StateOf("b1"), app::RefreshTokenState::kActive);
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.sessions().ActiveUntil("fam_a", now_);
               })->has_value());
  EXPECT_TRUE(Read([&](UnitOfWork& uow) {
                return uow.sessions().ActiveUntil("fam_b", now_);
              })->has_value());
  // Idempotent, and a revoked token can no longer be rotated.
  EXPECT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.sessions().RevokeFamily("fam_a", now_); }).ok());
  EXPECT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.sessions().RevokeFamily("fam_none", now_); }).ok());
  EXPECT_FALSE(*Write([&](UnitOfWork& uow) { return uow.sessions().MarkRotated(active, now_); }));
}

TEST_P(SessionRepositoryConformanceTest, AFamilyIsActiveUntilItsActiveTokenExpires) {
  const int64_t user = AddUser("t@b.co");
  const Timestamp expiry = now_ + std::chrono::hours(1);
  AddToken(user, "fam_x", "x1", expiry);
  const auto active_at = [&](Timestamp at) {
    return Read([&](UnitOfWork& uow) { return uow.sessions().ActiveUntil("fam_x", at); })
        .value()
        .has_value();
  };
  EXPECT_TRUE(active_at(expiry - std::chrono::seconds(1)));
  EXPECT_FALSE(active_at(expiry));  // Expiry is exclusive.
  // With several active tokens (a rotation's new one beside a second device's), the family lives
  // until the last of them expires; rotated and revoked ones do not count.
  AddToken(user, "fam_x", "x2", expiry + std::chrono::hours(2));
  const int64_t rotated = AddToken(user, "fam_x", "x3", expiry + std::chrono::hours(5));
  ASSERT_TRUE(*Write([&](UnitOfWork& uow) { return uow.sessions().MarkRotated(rotated, now_); }));
  EXPECT_EQ(
      Read([&](UnitOfWork& uow) { return uow.sessions().ActiveUntil("fam_x", now_); }).value(),
      expiry + std::chrono::hours(2));
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.sessions().ActiveUntil("fam_none", now_);
               })->has_value());
}

class ApiKeyRepositoryConformanceTest : public StorageConformanceTest {
 protected:
  int64_t AddKey(const std::string& name, const std::string& hash) {
    app::ApiKey key;
    key.name = name;
    key.prefix = "ck_" + name;
    key.key_hash = hash;
    key.created_at = now_;
    return Write([&](UnitOfWork& uow) { return uow.api_keys().Insert(key); }).value();
  }
};

TEST_P(ApiKeyRepositoryConformanceTest, FindByHashReturnsTheKeyOrInvalidApiKey) {
  const int64_t id = AddKey("ci", "hash_ci");
  const auto key = Read([&](UnitOfWork& uow) { return uow.api_keys().FindByHash("hash_ci"); });
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->id, id);
  EXPECT_EQ(key->name, "ci");
  EXPECT_EQ(key->prefix, "ck_ci");
  EXPECT_EQ(key->key_hash, "hash_ci");
  EXPECT_EQ(key->created_at, now_);
  EXPECT_FALSE(key->last_used_at.has_value());
  EXPECT_FALSE(key->revoked_at.has_value());
  const auto missing =
      Read([&](UnitOfWork& uow) { return uow.api_keys().FindByHash("hash_none"); });
  EXPECT_EQ(missing.status().reason(), "invalid_api_key");
  EXPECT_EQ(missing.status().code(), StatusCode::kUnauthenticated);
}

TEST_P(ApiKeyRepositoryConformanceTest, ListReturnsEveryKeyInIdOrderRevokedIncluded) {
  EXPECT_TRUE(Read([&](UnitOfWork& uow) { return uow.api_keys().List(); })->empty());
  const int64_t first = AddKey("one", "h1");
  const int64_t second = AddKey("two", "h2");
  const int64_t third = AddKey("three", "h3");
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.api_keys().Revoke(second, now_); }).ok());
  const auto keys = Read([&](UnitOfWork& uow) { return uow.api_keys().List(); });
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 3U);
  EXPECT_EQ((*keys)[0].id, first);
  EXPECT_EQ((*keys)[1].id, second);
  EXPECT_EQ((*keys)[2].id, third);
  EXPECT_EQ((*keys)[2].name, "three");
  EXPECT_FALSE((*keys)[0].revoked_at.has_value());
  EXPECT_EQ((*keys)[1].revoked_at, now_);
}

TEST_P(ApiKeyRepositoryConformanceTest, RevokeKeepsTheFirstRevocationTime) {
  const int64_t id = AddKey("k", "hk");
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.api_keys().Revoke(id, now_); }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.api_keys().Revoke(id, now_ + std::chrono::hours(1));
              }).ok());
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.api_keys().FindByHash("hk"); })->revoked_at,
            now_);
  const auto missing =
      Write([&](UnitOfWork& uow) { return uow.api_keys().Revoke(id + 100, now_); });
  EXPECT_EQ(missing.reason(), "api_key_not_found");
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
}

CREDITD_ON_EVERY_BACKEND(UserRepositoryConformanceTest);
CREDITD_ON_EVERY_BACKEND(SessionRepositoryConformanceTest);
CREDITD_ON_EVERY_BACKEND(ApiKeyRepositoryConformanceTest);

}  // namespace
}  // namespace creditd::conformance
