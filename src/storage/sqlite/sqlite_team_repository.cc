#include "storage/sqlite/sqlite_team_repository.h"

#include <string>

#include "storage/common/team_rows.h"

namespace creditd::storage::sqlite {

Status SqliteTeamRepository::InsertTeam(const domain::Team& team) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO teams (account_id, name, created_at) VALUES (?, ?, ?)"));
  statement.Bind(1, team.account_id).Bind(2, team.name).Bind(3, ToUnixSeconds(team.created_at));
  return statement.Run();
}

Result<std::optional<domain::Team>> SqliteTeamRepository::FindTeam(int64_t account_id) {
  static const std::string kSql = std::string(kTeamSelect) + "WHERE account_id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id);
  return FirstRow(statement, MapTeam<Statement>);
}

Result<bool> SqliteTeamRepository::InsertMember(const domain::TeamMember& member) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO team_members (account_id, user_id, role, created_at) VALUES (?, "
                  "?, ?, ?) ON CONFLICT DO NOTHING"));
  ParamBinder params(statement);
  BindNewMember(params, member);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<std::optional<domain::TeamMember>> SqliteTeamRepository::FindMember(int64_t account_id,
                                                                           int64_t user_id) {
  static const std::string kSql =
      std::string(kMemberSelect) + "WHERE m.account_id = ? AND m.user_id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id).Bind(2, user_id);
  return FirstRow(statement, MapTeamMember<Statement>);
}

Result<std::vector<domain::TeamMember>> SqliteTeamRepository::ListMembers(int64_t account_id) {
  static const std::string kSql =
      std::string(kMemberSelect) +
      "WHERE m.account_id = ? ORDER BY m.role <> 'owner', m.created_at, m.user_id";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id);
  return CollectRows(statement, MapTeamMember<Statement>);
}

Result<std::vector<std::pair<domain::Team, domain::TeamRole>>>
SqliteTeamRepository::ListTeamsOfUser(int64_t user_id) {
  static const std::string kSql =
      std::string(kTeamWithRoleSelect) + "WHERE m.user_id = ? ORDER BY t.account_id";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, user_id);
  return CollectRows(statement, MapTeamWithRole<Statement>);
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
  ParamBinder params(statement);
  BindNewInvitation(params, invitation);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  if (db_.Changes() != 1) {
    return std::optional<int64_t>();
  }
  return std::optional<int64_t>(db_.LastInsertRowId());
}

Result<std::optional<domain::TeamInvitation>> SqliteTeamRepository::FindInvitation(int64_t id) {
  static const std::string kSql = std::string(kInvitationSelect) + "WHERE i.id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, id);
  return FirstRow(statement, MapInvitation<Statement>);
}

Result<std::vector<domain::TeamInvitation>> SqliteTeamRepository::ListPendingInvitations(
    std::string_view email) {
  static const std::string kSql =
      std::string(kInvitationSelect) +
      "WHERE i.email = ? AND i.accepted_at IS NULL ORDER BY i.id DESC LIMIT 100";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, email);
  return CollectRows(statement, MapInvitation<Statement>);
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

}  // namespace creditd::storage::sqlite
