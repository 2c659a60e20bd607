#include "domain/team.h"

#include <gtest/gtest.h>

namespace creditd::domain {
namespace {

TEST(TeamTest, RolesRoundTrip) {
  for (const TeamRole role : {TeamRole::kOwner, TeamRole::kAdmin, TeamRole::kMember}) {
    EXPECT_EQ(ParseTeamRole(TeamRoleName(role)), role);
  }
  EXPECT_FALSE(ParseTeamRole("Owner").has_value());
  EXPECT_FALSE(ParseTeamRole("").has_value());
}

TEST(TeamTest, ManagersInviteAdminsAndMembersButNoOwners) {
  EXPECT_TRUE(CheckInvite(TeamRole::kOwner, TeamRole::kAdmin).ok());
  EXPECT_TRUE(CheckInvite(TeamRole::kAdmin, TeamRole::kMember).ok());
  EXPECT_EQ(CheckInvite(TeamRole::kMember, TeamRole::kMember).reason(), "forbidden");
  const Status owner = CheckInvite(TeamRole::kOwner, TeamRole::kOwner);
  EXPECT_EQ(owner.reason(), "invalid_field");
  EXPECT_EQ(owner.field(), "role");
}

TEST(TeamTest, TheOwnerRemovesAnyoneButItselfAndAdminsRemoveMembers) {
  EXPECT_TRUE(CheckRemove(TeamRole::kOwner, TeamRole::kAdmin).ok());
  EXPECT_TRUE(CheckRemove(TeamRole::kOwner, TeamRole::kMember).ok());
  EXPECT_TRUE(CheckRemove(TeamRole::kAdmin, TeamRole::kMember).ok());
  EXPECT_EQ(CheckRemove(TeamRole::kAdmin, TeamRole::kAdmin).reason(), "forbidden");
  EXPECT_EQ(CheckRemove(TeamRole::kMember, TeamRole::kMember).reason(), "forbidden");
  EXPECT_EQ(CheckRemove(TeamRole::kOwner, TeamRole::kOwner).reason(), "forbidden");
}

}  // namespace
}  // namespace creditd::domain
