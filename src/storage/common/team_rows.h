// Teams, members and invitations as rows: the column lists, the row-to-domain mappers and the
// parameter lists both backends share (see row_reader.h). Header only; thread-safe.
#pragma once

#include <utility>

#include "common/status_macros.h"
#include "domain/team.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

inline constexpr const char* kTeamSelect = "SELECT account_id, name, created_at FROM teams ";

template <RowReader Row>
Result<domain::Team> MapTeam(const Row& row) {
  return domain::Team{row.Int64(0), row.Text(1), TimeColumn(row, 2)};
}

// (account_id, name, created_at, role) rows of ListTeamsOfUser.
inline constexpr const char* kTeamWithRoleSelect =
    "SELECT t.account_id, t.name, t.created_at, m.role FROM team_members m JOIN teams t ON "
    "t.account_id = m.account_id ";

template <RowReader Row>
Result<std::pair<domain::Team, domain::TeamRole>> MapTeamWithRole(const Row& row) {
  CREDITD_ASSIGN_OR_RETURN(domain::Team team, MapTeam(row));
  CREDITD_ASSIGN_OR_RETURN(const domain::TeamRole role,
                           EnumColumn(row, 3, domain::ParseTeamRole, "team_members.role"));
  return std::pair<domain::Team, domain::TeamRole>(std::move(team), role);
}

// Members with their e-mail addresses.
inline constexpr const char* kMemberSelect =
    "SELECT m.account_id, m.user_id, u.email, m.role, m.created_at FROM team_members m JOIN "
    "users u ON u.id = m.user_id ";

template <RowReader Row>
Result<domain::TeamMember> MapTeamMember(const Row& row) {
  domain::TeamMember member;
  member.account_id = row.Int64(0);
  member.user_id = row.Int64(1);
  member.email = row.Text(2);
  CREDITD_ASSIGN_OR_RETURN(member.role,
                           EnumColumn(row, 3, domain::ParseTeamRole, "team_members.role"));
  member.created_at = TimeColumn(row, 4);
  return member;
}

// account_id, user_id, role, created_at.
template <ParamWriter Params>
void BindNewMember(Params& params, const domain::TeamMember& member) {
  params.Bind(member.account_id)
      .Bind(member.user_id)
      .Bind(domain::TeamRoleName(member.role))
      .Bind(ToUnixSeconds(member.created_at));
}

// Invitations with their team names.
inline constexpr const char* kInvitationSelect =
    "SELECT i.id, i.account_id, t.name, i.email, i.role, i.invited_by, i.created_at, "
    "i.accepted_at FROM team_invitations i JOIN teams t ON t.account_id = i.account_id ";

template <RowReader Row>
Result<domain::TeamInvitation> MapInvitation(const Row& row) {
  domain::TeamInvitation invitation;
  invitation.id = row.Int64(0);
  invitation.account_id = row.Int64(1);
  invitation.team_name = row.Text(2);
  invitation.email = row.Text(3);
  CREDITD_ASSIGN_OR_RETURN(invitation.role,
                           EnumColumn(row, 4, domain::ParseTeamRole, "team_invitations.role"));
  invitation.invited_by = row.Int64(5);
  invitation.created_at = TimeColumn(row, 6);
  invitation.accepted_at = OptionalTimeColumn(row, 7);
  return invitation;
}

// account_id, email, role, invited_by, created_at.
template <ParamWriter Params>
void BindNewInvitation(Params& params, const domain::TeamInvitation& invitation) {
  params.Bind(invitation.account_id)
      .Bind(invitation.email)
      .Bind(domain::TeamRoleName(invitation.role))
      .Bind(invitation.invited_by)
      .Bind(ToUnixSeconds(invitation.created_at));
}

}  // namespace creditd::storage
