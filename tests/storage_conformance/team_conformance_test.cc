// Conformance of the team repository: teams, members and invitations.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "app/ports/team_repository.h"
#include "storage_conformance/storage_conformance_test.h"

namespace creditd::conformance {
namespace {

class TeamRepositoryConformanceTest : public StorageConformanceTest {
 protected:
  int64_t AddTeam(const std::string& name, int64_t owner) {
    const int64_t account = AddAccount(domain::AccountKind::kTeam, owner);
    const domain::Team team{account, name, now_};
    EXPECT_TRUE(Write([&](UnitOfWork& uow) { return uow.teams().InsertTeam(team); }).ok());
    return account;
  }
  bool AddMember(int64_t team, int64_t user, domain::TeamRole role, Timestamp at) {
    const domain::TeamMember member{team, user, "", role, at};
    return Write([&](UnitOfWork& uow) { return uow.teams().InsertMember(member); }).value();
  }
  std::optional<int64_t> Invite(int64_t team, const std::string& email, int64_t by, Timestamp at) {
    domain::TeamInvitation invitation;
    invitation.account_id = team;
    invitation.email = email;
    invitation.role = domain::TeamRole::kAdmin;
    invitation.invited_by = by;
    invitation.created_at = at;
    return Write([&](UnitOfWork& uow) { return uow.teams().InsertInvitation(invitation); }).value();
  }
};

TEST_P(TeamRepositoryConformanceTest, FindTeamReturnsTheStoredTeamOrNothing) {
  const int64_t owner = AddUser("o@b.co");
  const int64_t team = AddTeam("Rocket", owner);
  const auto found = Read([&](UnitOfWork& uow) { return uow.teams().FindTeam(team); }).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->account_id, team);
  EXPECT_EQ(found->name, "Rocket");
  EXPECT_EQ(found->created_at, now_);
  const int64_t personal = AddAccount();
  EXPECT_FALSE(Read([&](UnitOfWork& uow) { return uow.teams().FindTeam(personal); })->has_value());
}

TEST_P(TeamRepositoryConformanceTest, MembersAreAddedOnceAndListedOwnerFirst) {
  const int64_t owner = AddUser("owner@b.co");
  const int64_t early = AddUser("early@b.co");
  const int64_t late = AddUser("late@b.co");
  const int64_t team = AddTeam("T", owner);
  EXPECT_TRUE(AddMember(team, late, domain::TeamRole::kMember, now_ + hours(2)));
  EXPECT_TRUE(AddMember(team, early, domain::TeamRole::kAdmin, now_ + hours(1)));
  EXPECT_TRUE(AddMember(team, owner, domain::TeamRole::kOwner, now_ + hours(3)));
  EXPECT_FALSE(AddMember(team, early, domain::TeamRole::kMember, now_));  // Nothing changes.
  const auto member =
      Read([&](UnitOfWork& uow) { return uow.teams().FindMember(team, early); }).value();
  ASSERT_TRUE(member.has_value());
  EXPECT_EQ(member->account_id, team);
  EXPECT_EQ(member->user_id, early);
  EXPECT_EQ(member->email, "early@b.co");
  EXPECT_EQ(member->role, domain::TeamRole::kAdmin);
  EXPECT_EQ(member->created_at, now_ + hours(1));
  const auto members = Read([&](UnitOfWork& uow) { return uow.teams().ListMembers(team); }).value();
  ASSERT_EQ(members.size(), 3U);
  EXPECT_EQ(members[0].user_id, owner);
  EXPECT_EQ(members[0].role, domain::TeamRole::kOwner);
  EXPECT_EQ(members[1].user_id, early);
  EXPECT_EQ(members[2].user_id, late);
  EXPECT_EQ(members[2].email, "late@b.co");
  EXPECT_FALSE(
      Read([&](UnitOfWork& uow) { return uow.teams().FindMember(team, late + 100); })->has_value());
}

TEST_P(TeamRepositoryConformanceTest, ListTeamsOfUserGivesEachTeamWithTheUsersRole) {
  const int64_t user = AddUser("u@b.co");
  const int64_t other = AddUser("x@b.co");
  const int64_t first = AddTeam("First", other);
  const int64_t second = AddTeam("Second", user);
  const int64_t foreign = AddTeam("Foreign", other);
  AddMember(second, user, domain::TeamRole::kOwner, now_);
  AddMember(first, user, domain::TeamRole::kMember, now_);
  AddMember(foreign, other, domain::TeamRole::kOwner, now_);
  const auto teams =
      Read([&](UnitOfWork& uow) { return uow.teams().ListTeamsOfUser(user); }).value();
  ASSERT_EQ(teams.size(), 2U);
  EXPECT_EQ(teams[0].first.account_id, first);
  EXPECT_EQ(teams[0].first.name, "First");
  EXPECT_EQ(teams[0].first.created_at, now_);
  EXPECT_EQ(teams[0].second, domain::TeamRole::kMember);
  EXPECT_EQ(teams[1].first.account_id, second);
  EXPECT_EQ(teams[1].second, domain::TeamRole::kOwner);
  EXPECT_TRUE(Read([&](UnitOfWork& uow) {
                return uow.teams().ListTeamsOfUser(AddUser("none@b.co"));
              })->empty());
}

TEST_P(TeamRepositoryConformanceTest, DeleteMemberRemovesOnlyThatMembership) {
  const int64_t owner = AddUser("o@b.co");
  const int64_t member = AddUser("m@b.co");
  const int64_t team = AddTeam("T", owner);
  const int64_t other_team = AddTeam("U", owner);
  AddMember(team, owner, domain::TeamRole::kOwner, now_);
  AddMember(team, member, domain::TeamRole::kMember, now_);
  AddMember(other_team, member, domain::TeamRole::kMember, now_);
  const auto remove = [&](int64_t account, int64_t user) {
    return Write([&](UnitOfWork& uow) { return uow.teams().DeleteMember(account, user); }).value();
  };
  EXPECT_TRUE(remove(team, member));
  EXPECT_FALSE(remove(team, member));
  EXPECT_FALSE(
      Read([&](UnitOfWork& uow) { return uow.teams().FindMember(team, member); })->has_value());
  EXPECT_TRUE(Read([&](UnitOfWork& uow) {
                return uow.teams().FindMember(other_team, member);
              })->has_value());
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.teams().ListMembers(team); })->size(), 1U);
}

TEST_P(TeamRepositoryConformanceTest, OneInvitationIsPendingPerTeamAndAddress) {
  const int64_t owner = AddUser("o@b.co");
  const int64_t team = AddTeam("Rocket", owner);
  const int64_t other_team = AddTeam("Other", owner);
  const std::optional<int64_t> id = Invite(team, "new@b.co", owner, now_);
  ASSERT_TRUE(id.has_value());
  EXPECT_FALSE(Invite(team, "new@b.co", owner, now_ + seconds(1)).has_value());
  EXPECT_TRUE(Invite(other_team, "new@b.co", owner, now_).has_value());
  const auto found = Read([&](UnitOfWork& uow) { return uow.teams().FindInvitation(*id); }).value();
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, *id);
  EXPECT_EQ(found->account_id, team);
  EXPECT_EQ(found->team_name, "Rocket");
  EXPECT_EQ(found->email, "new@b.co");
  EXPECT_EQ(found->role, domain::TeamRole::kAdmin);
  EXPECT_EQ(found->invited_by, owner);
  EXPECT_EQ(found->created_at, now_);
  EXPECT_FALSE(found->accepted_at.has_value());
  EXPECT_FALSE(
      Read([&](UnitOfWork& uow) { return uow.teams().FindInvitation(*id + 100); })->has_value());
  // Once accepted, the address may be invited to the team again.
  const auto accept = [&](int64_t invitation) {
    return Write([&](UnitOfWork& uow) {
             return uow.teams().MarkInvitationAccepted(invitation, now_ + hours(1));
           })
        .value();
  };
  EXPECT_TRUE(accept(*id));
  EXPECT_FALSE(accept(*id));
  EXPECT_FALSE(accept(*id + 100));
  EXPECT_EQ(
      Read([&](UnitOfWork& uow) { return uow.teams().FindInvitation(*id); }).value()->accepted_at,
      now_ + hours(1));
  EXPECT_TRUE(Invite(team, "new@b.co", owner, now_ + hours(2)).has_value());
}

TEST_P(TeamRepositoryConformanceTest, PendingInvitationsToAnAddressListNewestFirst) {
  const int64_t owner = AddUser("o@b.co");
  const int64_t alpha = AddTeam("Alpha", owner);
  const int64_t beta = AddTeam("Beta", owner);
  const int64_t gamma = AddTeam("Gamma", owner);
  const int64_t first = Invite(alpha, "new@b.co", owner, now_).value();
  const int64_t accepted = Invite(beta, "new@b.co", owner, now_).value();
  const int64_t third = Invite(gamma, "new@b.co", owner, now_).value();
  Invite(alpha, "someone@b.co", owner, now_);
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.teams().MarkInvitationAccepted(accepted, now_);
              }).value());
  const auto pending =
      Read([&](UnitOfWork& uow) { return uow.teams().ListPendingInvitations("new@b.co"); }).value();
  ASSERT_EQ(pending.size(), 2U);
  EXPECT_EQ(pending[0].id, third);
  EXPECT_EQ(pending[0].team_name, "Gamma");
  EXPECT_EQ(pending[1].id, first);
  EXPECT_EQ(pending[1].team_name, "Alpha");
  EXPECT_TRUE(Read([&](UnitOfWork& uow) {
                return uow.teams().ListPendingInvitations("none@b.co");
              })->empty());
}

CREDITD_ON_EVERY_BACKEND(TeamRepositoryConformanceTest);

}  // namespace
}  // namespace creditd::conformance
