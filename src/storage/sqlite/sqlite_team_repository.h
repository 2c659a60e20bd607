// SqliteTeamRepository: app::TeamRepository over one SQLite connection. Handed out by
// SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/team_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteTeamRepository final : public app::TeamRepository {
 public:
  explicit SqliteTeamRepository(SqliteConnection& connection) : db_(connection) {}

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
  SqliteConnection& db_;
};

}  // namespace creditd::storage::sqlite
