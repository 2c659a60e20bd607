#include "storage/postgres/postgres_team_repository.h"

namespace creditd::storage::postgres {

namespace {

Result<domain::TeamRole> Role(const std::string& text) {
  const auto role = domain::ParseTeamRole(text);
  if (!role) {
    return Corrupt("team role " + text);
  }
  return *role;
}

#define CREDITD_INVITATION_COLUMNS                                                   \
  "SELECT i.id, i.account_id, t.name, i.email, i.role, i.invited_by, i.created_at, " \
  "i.accepted_at FROM team_invitations i JOIN teams t ON t.account_id = i.account_id "

Result<domain::TeamInvitation> ReadInvitation(const PgRows& rows, int row) {
  domain::TeamInvitation invitation;
  invitation.id = rows.Int64(row, 0);
  invitation.account_id = rows.Int64(row, 1);
  invitation.team_name = rows.Text(row, 2);
  invitation.email = rows.Text(row, 3);
  CREDITD_ASSIGN_OR_RETURN(invitation.role, Role(rows.Text(row, 4)));
  invitation.invited_by = rows.Int64(row, 5);
  invitation.created_at = FromUnixSeconds(rows.Int64(row, 6));
  invitation.accepted_at = OptionalTime(rows, row, 7);
  return invitation;
}

}  // namespace

Status PostgresTeamRepository::InsertTeam(const domain::Team& team) {
  return PgQuery(db_, "INSERT INTO teams (account_id, name, created_at) VALUES ($1, $2, $3)")
      .Bind(team.account_id)
      .Bind(team.name)
      .Bind(ToUnixSeconds(team.created_at))
      .Run()
      .status();
}

Result<std::optional<domain::Team>> PostgresTeamRepository::FindTeam(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, "SELECT name, created_at FROM teams WHERE account_id = $1")
                               .Bind(account_id)
                               .Run());
  if (rows.size() == 0) {
    return std::optional<domain::Team>();
  }
  return std::optional<domain::Team>(
      domain::Team{account_id, rows.Text(0, 0), FromUnixSeconds(rows.Int64(0, 1))});
}

Result<bool> PostgresTeamRepository::InsertMember(const domain::TeamMember& member) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO team_members (account_id, user_id, role, created_at) VALUES ($1, $2, "
              "$3, $4) ON CONFLICT DO NOTHING")
          .Bind(member.account_id)
          .Bind(member.user_id)
          .Bind(domain::TeamRoleName(member.role))
          .Bind(ToUnixSeconds(member.created_at))
          .Run());
  return rows.affected() == 1;
}

Result<std::optional<domain::TeamMember>> PostgresTeamRepository::FindMember(int64_t account_id,
                                                                             int64_t user_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT m.role, m.created_at, u.email FROM team_members m JOIN users u ON u.id = "
              "m.user_id WHERE m.account_id = $1 AND m.user_id = $2")
          .Bind(account_id)
          .Bind(user_id)
          .Run());
  if (rows.size() == 0) {
    return std::optional<domain::TeamMember>();
  }
  domain::TeamMember member{account_id, user_id, rows.Text(0, 2), domain::TeamRole::kMember,
                            FromUnixSeconds(rows.Int64(0, 1))};
  CREDITD_ASSIGN_OR_RETURN(member.role, Role(rows.Text(0, 0)));
  return std::optional<domain::TeamMember>(std::move(member));
}

Result<std::vector<domain::TeamMember>> PostgresTeamRepository::ListMembers(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT m.user_id, u.email, m.role, m.created_at FROM team_members m JOIN users u "
              "ON u.id = m.user_id WHERE m.account_id = $1 ORDER BY m.role <> 'owner', "
              "m.created_at, m.user_id")
          .Bind(account_id)
          .Run());
  std::vector<domain::TeamMember> members;
  for (int row = 0; row < rows.size(); ++row) {
    domain::TeamMember member{account_id, rows.Int64(row, 0), rows.Text(row, 1),
                              domain::TeamRole::kMember, FromUnixSeconds(rows.Int64(row, 3))};
    CREDITD_ASSIGN_OR_RETURN(member.role, Role(rows.Text(row, 2)));
    members.push_back(std::move(member));
  }
  return members;
}

Result<std::vector<std::pair<domain::Team, domain::TeamRole>>>
PostgresTeamRepository::ListTeamsOfUser(int64_t user_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT t.account_id, t.name, t.created_at, m.role FROM team_members m JOIN teams "
              "t ON t.account_id = m.account_id WHERE m.user_id = $1 ORDER BY t.account_id")
          .Bind(user_id)
          .Run());
  std::vector<std::pair<domain::Team, domain::TeamRole>> teams;
  for (int row = 0; row < rows.size(); ++row) {
    CREDITD_ASSIGN_OR_RETURN(const domain::TeamRole role, Role(rows.Text(row, 3)));
    teams.emplace_back(
        domain::Team{rows.Int64(row, 0), rows.Text(row, 1), FromUnixSeconds(rows.Int64(row, 2))},
        role);
  }
  return teams;
}

Result<bool> PostgresTeamRepository::DeleteMember(int64_t account_id, int64_t user_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_, "DELETE FROM team_members WHERE account_id = $1 AND user_id = $2")
          .Bind(account_id)
          .Bind(user_id)
          .Run());
  return rows.affected() == 1;
}

Result<std::optional<int64_t>> PostgresTeamRepository::InsertInvitation(
    const domain::TeamInvitation& invitation) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO team_invitations (account_id, email, role, invited_by, created_at) "
              "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id")
          .Bind(invitation.account_id)
          .Bind(invitation.email)
          .Bind(domain::TeamRoleName(invitation.role))
          .Bind(invitation.invited_by)
          .Bind(ToUnixSeconds(invitation.created_at))
          .Run());
  if (rows.size() == 0) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(rows.Int64(0, 0));
}

Result<std::optional<domain::TeamInvitation>> PostgresTeamRepository::FindInvitation(int64_t id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows, PgQuery(db_, CREDITD_INVITATION_COLUMNS "WHERE i.id = $1").Bind(id).Run());
  if (rows.size() == 0) {
    return std::optional<domain::TeamInvitation>();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::TeamInvitation invitation, ReadInvitation(rows, 0));
  return std::optional<domain::TeamInvitation>(std::move(invitation));
}

Result<std::vector<domain::TeamInvitation>> PostgresTeamRepository::ListPendingInvitations(
    std::string_view email) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_, CREDITD_INVITATION_COLUMNS
              "WHERE i.email = $1 AND i.accepted_at IS NULL ORDER BY i.id DESC LIMIT 100")
          .Bind(email)
          .Run());
  std::vector<domain::TeamInvitation> invitations;
  for (int row = 0; row < rows.size(); ++row) {
    CREDITD_ASSIGN_OR_RETURN(domain::TeamInvitation invitation, ReadInvitation(rows, row));
    invitations.push_back(std::move(invitation));
  }
  return invitations;
}

Result<bool> PostgresTeamRepository::MarkInvitationAccepted(int64_t id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "UPDATE team_invitations SET accepted_at = $1 WHERE id = $2 AND accepted_at IS "
              "NULL")
          .Bind(ToUnixSeconds(now))
          .Bind(id)
          .Run());
  return rows.affected() == 1;
}

#undef CREDITD_INVITATION_COLUMNS

}  // namespace creditd::storage::postgres
