// PostgresTeamRepository: app::TeamRepository over one PostgreSQL connection. Handed out by
// PostgresUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/team_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresTeamRepository final : public app::TeamRepository {
 public:
  explicit PostgresTeamRepository(PgConnection& connection) : db_(connection) {}

  Status InsertTeam(const domain::Team& team) override;
  Result<std::optional<domain::Team>> FindTeam(int64_t account_id) override;
  Result<bool> InsertMember(const domain::TeamMember& member) override;
  Result<std::optional<domain::TeamMember>> FindMember(int64_t account_id,
                                                       int64_t user_id) override;
  Result<std::vector<domain::TeamMember>> ListMembers(int64_t account_id) override;
  Result<std::vector<std::pair<domain::Team, domain::TeamRole>>> ListTeamsOfUser(
      int64_t user_id) override;
  Result<bool> DeleteMember(int64_t account_id, int64_t user_id) override;
  Result<std::optional<int64_t>> InsertInvitation(
      const domain::TeamInvitation& invitation) override;
  Result<std::optional<domain::TeamInvitation>> FindInvitation(int64_t id) override;
  Result<std::vector<domain::TeamInvitation>> ListPendingInvitations(
      std::string_view email) override;
  Result<bool> MarkInvitationAccepted(int64_t id, Timestamp now) override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
