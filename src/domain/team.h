// Teams (seed 003's tenants, DESIGN.md section 4): an account of kind team whose members act
// for it. Roles: the owner (who created it; cannot leave or be removed), admins (manage
// members and the subscription) and members (spend the team's credits). The rules of who may do
// what live here.
//
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"

namespace creditd::domain {

enum class TeamRole { kOwner, kAdmin, kMember };
std::string_view TeamRoleName(TeamRole role);
std::optional<TeamRole> ParseTeamRole(std::string_view name);

inline constexpr int kTeamNameLengthMax = 80;

struct Team {
  int64_t account_id = 0;
  std::string name;
  Timestamp created_at{};
};

struct TeamMember {
  int64_t account_id = 0;
  int64_t user_id = 0;
  std::string email;  // Read with the member, for listings.
  TeamRole role = TeamRole::kMember;
  Timestamp created_at{};
};

struct TeamInvitation {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string team_name;  // Read with the invitation, for listings.
  std::string email;      // Normalised like users' e-mail addresses.
  TeamRole role = TeamRole::kMember;
  int64_t invited_by = 0;
  Timestamp created_at{};
  std::optional<Timestamp> accepted_at;
};

// Owners and admins manage members, invitations and the team's subscription.
bool ManagesTeam(TeamRole role);

// Whether `actor` may invite someone as `role`: managers may invite admins and members; nobody
// is invited as owner. Returns kPermissionDenied/"forbidden" or kInvalidArgument/"invalid_field"
// (field "role") otherwise.
Status CheckInvite(TeamRole actor, TeamRole role);

// Whether `actor` may remove a member whose role is `target`: the owner removes anyone but
// itself, an admin removes members only. Returns kPermissionDenied/"forbidden" otherwise.
Status CheckRemove(TeamRole actor, TeamRole target);

}  // namespace creditd::domain
