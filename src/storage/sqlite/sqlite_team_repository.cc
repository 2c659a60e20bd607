#include "storage/sqlite/sqlite_team_repository.h"

namespace creditd::storage::sqlite {

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

Result<domain::TeamInvitation> ReadInvitation(const Statement& row) {
  domain::TeamInvitation invitation;
  invitation.id = row.Int64(0);
  invitation.account_id = row.Int64(1);
  invitation.team_name = row.Text(2);
  invitation.email = row.Text(3);
  CREDITD_ASSIGN_OR_RETURN(invitation.role, Role(row.Text(4)));
  invitation.invited_by = row.Int64(5);
  invitation.created_at = FromUnixSeconds(row.Int64(6));
  invitation.accepted_at = OptionalTime(row, 7);
  return invitation;
}

}  // namespace

Status SqliteTeamRepository::InsertTeam(const domain::Team& team) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO teams (account_id, name, created_at) VALUES (?, ?, ?)"));
  statement.Bind(1, team.account_id).Bind(2, team.name).Bind(3, ToUnixSeconds(team.created_at));
  return statement.Run();
}

Result<std::optional<domain::Team>> SqliteTeamRepository::FindTeam(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("SELECT name, created_at FROM teams WHERE account_id = ?"));
  statement.Bind(1, account_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<domain::Team>();
  }
  return std::optional<domain::Team>(
      domain::Team{account_id, statement.Text(0), FromUnixSeconds(statement.Int64(1))});
}

Result<bool> SqliteTeamRepository::InsertMember(const domain::TeamMember& member) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO team_members (account_id, user_id, role, created_at) VALUES (?, "
                  "?, ?, ?) ON CONFLICT DO NOTHING"));
  statement.Bind(1, member.account_id)
      .Bind(2, member.user_id)
      .Bind(3, domain::TeamRoleName(member.role))
      .Bind(4, ToUnixSeconds(member.created_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<std::optional<domain::TeamMember>> SqliteTeamRepository::FindMember(int64_t account_id,
                                                                           int64_t user_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT m.role, m.created_at, u.email FROM team_members m JOIN users u ON "
                  "u.id = m.user_id WHERE m.account_id = ? AND m.user_id = ?"));
  statement.Bind(1, account_id).Bind(2, user_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<domain::TeamMember>();
  }
  domain::TeamMember member{account_id, user_id, statement.Text(2), domain::TeamRole::kMember,
                            FromUnixSeconds(statement.Int64(1))};
  CREDITD_ASSIGN_OR_RETURN(member.role, Role(statement.Text(0)));
  return std::optional<domain::TeamMember>(std::move(member));
}

Result<std::vector<domain::TeamMember>> SqliteTeamRepository::ListMembers(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT m.user_id, u.email, m.role, m.created_at FROM team_members m JOIN "
                  "users u ON u.id = m.user_id WHERE m.account_id = ? ORDER BY m.role <> "
                  "'owner', m.created_at, m.user_id"));
  statement.Bind(1, account_id);
  std::vector<domain::TeamMember> members;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    domain::TeamMember member{account_id, row.Int64(0), row.Text(1), domain::TeamRole::kMember,
                              FromUnixSeconds(row.Int64(3))};
    CREDITD_ASSIGN_OR_RETURN(member.role, Role(row.Text(2)));
    members.push_back(std::move(member));
    return Status::Ok();
  }));
  return members;
}

Result<std::vector<std::pair<domain::Team, domain::TeamRole>>>
SqliteTeamRepository::ListTeamsOfUser(int64_t user_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT t.account_id, t.name, t.created_at, m.role FROM team_members m JOIN "
                  "teams t ON t.account_id = m.account_id WHERE m.user_id = ? ORDER BY "
                  "t.account_id"));
  statement.Bind(1, user_id);
  std::vector<std::pair<domain::Team, domain::TeamRole>> teams;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    CREDITD_ASSIGN_OR_RETURN(const domain::TeamRole role, Role(row.Text(3)));
    teams.emplace_back(domain::Team{row.Int64(0), row.Text(1), FromUnixSeconds(row.Int64(2))},
                       role);
    return Status::Ok();
  }));
  return teams;
}

Result<bool> SqliteTeamRepository::DeleteMember(int64_t account_id, int64_t user_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("DELETE FROM team_members WHERE account_id = ? AND user_id = ?"));
  statement.Bind(1, account_id).Bind(2, user_id);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<std::optional<int64_t>> SqliteTeamRepository::InsertInvitation(
    const domain::TeamInvitation& invitation) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO team_invitations (account_id, email, role, invited_by, "
                  "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"));
  statement.Bind(1, invitation.account_id)
      .Bind(2, invitation.email)
      .Bind(3, domain::TeamRoleName(invitation.role))
      .Bind(4, invitation.invited_by)
      .Bind(5, ToUnixSeconds(invitation.created_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  if (db_.Changes() != 1) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(db_.LastInsertRowId());
}

Result<std::optional<domain::TeamInvitation>> SqliteTeamRepository::FindInvitation(int64_t id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare(CREDITD_INVITATION_COLUMNS "WHERE i.id = ?"));
  statement.Bind(1, id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<domain::TeamInvitation>();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::TeamInvitation invitation, ReadInvitation(statement));
  return std::optional<domain::TeamInvitation>(std::move(invitation));
}

Result<std::vector<domain::TeamInvitation>> SqliteTeamRepository::ListPendingInvitations(
    std::string_view email) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare(CREDITD_INVITATION_COLUMNS
                  "WHERE i.email = ? AND i.accepted_at IS NULL ORDER BY i.id DESC LIMIT 100"));
  statement.Bind(1, email);
  std::vector<domain::TeamInvitation> invitations;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    CREDITD_ASSIGN_OR_RETURN(domain::TeamInvitation invitation, ReadInvitation(row));
    invitations.push_back(std::move(invitation));
    return Status::Ok();
  }));
  return invitations;
}

Result<bool> SqliteTeamRepository::MarkInvitationAccepted(int64_t id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE team_invitations SET accepted_at = ? WHERE id = ? AND accepted_at IS "
                  "NULL"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, id);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

#undef CREDITD_INVITATION_COLUMNS

}  // namespace creditd::storage::sqlite
