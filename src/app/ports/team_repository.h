// Teams, their members and invitations. Part of a UnitOfWork; not thread-safe on its own (see
// unit_of_work.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "domain/team.h"

namespace creditd::app {

class TeamRepository {
 public:
  virtual ~TeamRepository() = default;

  // Records the team of an existing team account.
  virtual Status InsertTeam(const domain::Team& team) = 0;
  virtual Result<std::optional<domain::Team>> FindTeam(int64_t account_id) = 0;

  // Adds a member; returns false when the user is a member already (nothing changes).
  virtual Result<bool> InsertMember(const domain::TeamMember& member) = 0;
  virtual Result<std::optional<domain::TeamMember>> FindMember(int64_t account_id,
                                                               int64_t user_id) = 0;
  // Members with their e-mail addresses, owner first, then by joining time.
  virtual Result<std::vector<domain::TeamMember>> ListMembers(int64_t account_id) = 0;
  // The teams a user belongs to (account id and role in TeamMember; email empty).
  virtual Result<std::vector<std::pair<domain::Team, domain::TeamRole>>> ListTeamsOfUser(
      int64_t user_id) = 0;
  // Removes a member; returns false when it was not one.
  virtual Result<bool> DeleteMember(int64_t account_id, int64_t user_id) = 0;

  // Inserts a pending invitation and returns its id; returns nullopt when one is pending for
  // the same team and address already.
  virtual Result<std::optional<int64_t>> InsertInvitation(
      const domain::TeamInvitation& invitation) = 0;
  virtual Result<std::optional<domain::TeamInvitation>> FindInvitation(int64_t id) = 0;
  // Pending invitations to an address, newest first, with their team names.
  virtual Result<std::vector<domain::TeamInvitation>> ListPendingInvitations(
      std::string_view email) = 0;
  // Marks a pending invitation accepted; returns false when it was not pending.
  virtual Result<bool> MarkInvitationAccepted(int64_t id, Timestamp now) = 0;
};

}  // namespace creditd::app
