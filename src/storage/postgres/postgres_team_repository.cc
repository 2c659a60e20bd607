#include "storage/postgres/postgres_team_repository.h"

#include <string>

#include "storage/common/team_rows.h"

namespace creditd::storage::postgres {

Status PostgresTeamRepository::InsertTeam(const domain::Team& team) {
  return PgQuery(db_, "INSERT INTO teams (account_id, name, created_at) VALUES ($1, $2, $3)")
      .Bind(team.account_id)
      .Bind(team.name)
      .Bind(ToUnixSeconds(team.created_at))
      .Run()
      .status();
}

Result<std::optional<domain::Team>> PostgresTeamRepository::FindTeam(int64_t account_id) {
  static const std::string kSql = std::string(kTeamSelect) + "WHERE account_id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(account_id).Run());
  return FirstRow(rows, MapTeam<PgRow>);
}

Result<bool> PostgresTeamRepository::InsertMember(const domain::TeamMember& member) {
  PgQuery query(db_,
                "INSERT INTO team_members (account_id, user_id, role, created_at) VALUES ($1, $2, "
                "$3, $4) ON CONFLICT DO NOTHING");
  BindNewMember(query, member);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.affected() == 1;
}

Result<std::optional<domain::TeamMember>> PostgresTeamRepository::FindMember(int64_t account_id,
                                                                             int64_t user_id) {
  static const std::string kSql =
      std::string(kMemberSelect) + "WHERE m.account_id = $1 AND m.user_id = $2";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kSql.c_str()).Bind(account_id).Bind(user_id).Run());
  return FirstRow(rows, MapTeamMember<PgRow>);
}

Result<std::vector<domain::TeamMember>> PostgresTeamRepository::ListMembers(int64_t account_id) {
  static const std::string kSql =
      std::string(kMemberSelect) +
      "WHERE m.account_id = $1 ORDER BY m.role <> 'owner', m.created_at, m.user_id";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(account_id).Run());
  return CollectRows(rows, MapTeamMember<PgRow>);
}

Result<std::vector<std::pair<domain::Team, domain::TeamRole>>>
PostgresTeamRepository::ListTeamsOfUser(int64_t user_id) {
  static const std::string kSql =
      std::string(kTeamWithRoleSelect) + "WHERE m.user_id = $1 ORDER BY t.account_id";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(user_id).Run());
  return CollectRows(rows, MapTeamWithRole<PgRow>);
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
  PgQuery query(db_,
                "INSERT INTO team_invitations (account_id, email, role, invited_by, created_at) "
                "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id");
  BindNewInvitation(query, invitation);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return FirstRow(rows, MapId<PgRow>);
}

Result<std::optional<domain::TeamInvitation>> PostgresTeamRepository::FindInvitation(int64_t id) {
  static const std::string kSql = std::string(kInvitationSelect) + "WHERE i.id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(id).Run());
  return FirstRow(rows, MapInvitation<PgRow>);
}

Result<std::vector<domain::TeamInvitation>> PostgresTeamRepository::ListPendingInvitations(
    std::string_view email) {
  static const std::string kSql =
      std::string(kInvitationSelect) +
      "WHERE i.email = $1 AND i.accepted_at IS NULL ORDER BY i.id DESC LIMIT 100";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(email).Run());
  return CollectRows(rows, MapInvitation<PgRow>);
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

}  // namespace creditd::storage::postgres
