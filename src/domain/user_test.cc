#include "domain/user.h"

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

TEST(UserTest, NormalizesEmailByTrimmingAndLowerCasing) {
  EXPECT_EQ(*NormalizeEmail("  Alice@Example.COM \t"), "alice@example.com");
}

TEST(UserTest, RejectsMalformedEmailsNamingTheField) {
  for (const char* email : {"", "alice", "@example.com", "alice@", "alice@example", "a@b@c.com",
                            "alice@.com", "alice@example.com.", "al ice@example.com",
                            "alice@exa..mple.com", "al\x01ice@example.com"}) {
    const auto result = NormalizeEmail(email);
    ASSERT_FALSE(result.ok()) << email;
    EXPECT_EQ(result.status().reason(), "invalid_email");
    EXPECT_EQ(result.status().field(), "email");
  }
  EXPECT_FALSE(NormalizeEmail(std::string(250, 'a') + "@x.com").ok());
}

TEST(UserTest, PasswordLengthIsCountedInCharactersAndNeverTruncated) {
  EXPECT_EQ(ValidatePassword("1234567").reason(), "invalid_password");
  EXPECT_TRUE(ValidatePassword("12345678").ok());
  EXPECT_TRUE(ValidatePassword(std::string(128, 'x')).ok());
  EXPECT_EQ(ValidatePassword(std::string(129, 'x')).reason(), "invalid_password");
  // 8 Chinese characters are 24 bytes but 8 characters: accepted.
  EXPECT_TRUE(ValidatePassword("积分会员订阅充值").ok());
  // 128 characters of 3 bytes each are accepted; 129 are not.
  std::string long_cjk;
  for (int i = 0; i < 128; ++i) {
    long_cjk += "积";
  }
  EXPECT_TRUE(ValidatePassword(long_cjk).ok());
  EXPECT_FALSE(ValidatePassword(long_cjk + "积").ok());
  EXPECT_EQ(ValidatePassword("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8").field(), "password");
}

TEST(UserTest, DisplayNameDefaultsToTheEmailLocalPart) {
  EXPECT_EQ(*NormalizeDisplayName("", "alice@example.com"), "alice");
  EXPECT_EQ(*NormalizeDisplayName("  Alice W. ", "alice@example.com"), "Alice W.");
  EXPECT_EQ(NormalizeDisplayName(std::string(65, 'x'), "a@b.co").status().field(), "display_name");
  EXPECT_FALSE(NormalizeDisplayName("bad\nname", "a@b.co").ok());
}

TEST(UserTest, RolesRoundTrip) {
  EXPECT_EQ(ParseRole(RoleName(Role::kAdmin)), Role::kAdmin);
  EXPECT_EQ(ParseRole("user"), Role::kUser);
  EXPECT_FALSE(ParseRole("root").has_value());
}

}  // namespace
}  // namespace creditd::domain
