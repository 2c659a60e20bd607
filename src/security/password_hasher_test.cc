#include "security/password_hasher.h"

#include <gtest/gtest.h>

namespace creditd::security {
namespace {

TEST(PasswordHasherTest, VerifiesThePhcReferenceVector) {
  Argon2idPasswordHasher hasher;
  const std::string reference =
      "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";
  EXPECT_TRUE(hasher.Verify(reference, "password"));
  EXPECT_FALSE(hasher.Verify(reference, "passwore"));
  // The vector uses exactly the INTERACTIVE parameters, so it needs no rehash.
  EXPECT_FALSE(hasher.NeedsRehash(reference));
}

TEST(PasswordHasherTest, HashesWithArgon2idInteractiveAndSaltsEachHash) {
  Argon2idPasswordHasher hasher;
  const auto first = hasher.Hash("correct horse battery");
  const auto second = hasher.Hash("correct horse battery");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0U) << *first;
  EXPECT_NE(*first, *second);
  EXPECT_TRUE(hasher.Verify(*first, "correct horse battery"));
  EXPECT_FALSE(hasher.Verify(*first, "correct horse batterx"));
  EXPECT_FALSE(hasher.Verify("not a hash", "x"));
  EXPECT_TRUE(hasher.NeedsRehash(
      "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"));
}

}  // namespace
}  // namespace creditd::security
