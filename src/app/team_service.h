// TeamService: teams (seed 003's tenants; issue 6 point 2). Any user creates a team and becomes
// its owner; owners and admins invite by e-mail address, and the invited user accepts while
// signed in with that address; owners and admins remove members (domain/team.h says who may
// remove whom); members leave, except the owner. A team is an account of kind team: members act
// for it by sending `X-Account-Id: <team account id>`, which ResolveAccount checks.
//
// Thread-safe; each method runs one unit of work.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/team.h"

namespace creditd::app {

struct TeamView {
  domain::Team team;
  domain::TeamRole role = domain::TeamRole::kMember;  // The caller's.
};

// The account a request acts for: the caller's personal account, or a team it belongs to.
struct ActingAccount {
  int64_t account_id = 0;
  std::optional<domain::TeamRole> team_role;  // nullopt: the personal account.

  // The personal account, or a team the caller manages (owner or admin).
  bool manages() const { return !team_role || domain::ManagesTeam(*team_role); }
};

class TeamService {
 public:
  TeamService(Database& database, const Clock& clock) : database_(database), clock_(clock) {}

  // Creates a team account named `name` (1..80 characters) with the caller as owner. Errors:
  // "invalid_field" (name), "user_not_found".
  Result<TeamView> Create(int64_t user_id, std::string_view name);

  // The caller's teams with its role in each.
  Result<std::vector<TeamView>> ListMine(int64_t user_id);

  // The members of a team the caller belongs to. "team_not_found" (also for non-members).
  Result<std::vector<domain::TeamMember>> Members(int64_t user_id, int64_t team_id);

  // Invites an address as admin or member. Errors: "team_not_found", "forbidden" (not a
  // manager), "invalid_field" (role owner), "invalid_email", "already_member",
  // "invitation_pending" (one is pending for that address).
  Result<domain::TeamInvitation> Invite(int64_t user_id, int64_t team_id, std::string_view email,
                                        domain::TeamRole role);

  // Pending invitations to the caller's e-mail address.
  Result<std::vector<domain::TeamInvitation>> MyInvitations(int64_t user_id);

  // Accepts a pending invitation to the caller's address: the caller joins with its role.
  // Errors: "invitation_not_found" (also for another address's or an accepted one),
  // "already_member".
  Result<TeamView> Accept(int64_t user_id, int64_t invitation_id);

  // Removes a member. Errors: "team_not_found", "forbidden" (domain::CheckRemove),
  // "user_not_found" (not a member).
  Status Remove(int64_t user_id, int64_t team_id, int64_t member_user_id);

  // The caller leaves a team. Errors: "team_not_found", "owner_cannot_leave".
  Status Leave(int64_t user_id, int64_t team_id);

  // The account a request acts for: `requested` (X-Account-Id) when it is the caller's
  // personal account or a team it belongs to, the personal account when absent. Errors:
  // "team_not_found" (field X-Account-Id), "user_not_found".
  Result<ActingAccount> ResolveAccount(int64_t user_id, std::optional<int64_t> requested);

 private:
  Database& database_;
  const Clock& clock_;
};

}  // namespace creditd::app
