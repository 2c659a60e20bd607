#include "domain/team.h"

namespace creditd::domain {

std::string_view TeamRoleName(TeamRole role) {
  switch (role) {
    case TeamRole::kOwner:
      return "owner";
    case TeamRole::kAdmin:
      return "admin";
    case TeamRole::kMember:
      return "member";
  }
  return "member";
}

std::optional<TeamRole> ParseTeamRole(std::string_view name) {
  for (const TeamRole role : {TeamRole::kOwner, TeamRole::kAdmin, TeamRole::kMember}) {
    if (TeamRoleName(role) == name) {
      return role;
    }
  }
  return std::nullopt;
}

bool ManagesTeam(TeamRole role) {
  return role == TeamRole::kOwner || role == TeamRole::kAdmin;
}

Status CheckInvite(TeamRole actor, TeamRole role) {
  if (!ManagesTeam(actor)) {
    return Status(reason::kForbidden, "only the team's owner and admins invite members");
  }
  if (role == TeamRole::kOwner) {
    return Status(reason::kInvalidField, "role must be admin or member").WithField("role");
  }
  return Status::Ok();
}

Status CheckRemove(TeamRole actor, TeamRole target) {
  if (target == TeamRole::kOwner) {
    return Status(reason::kForbidden, "the team's owner cannot be removed");
  }
  if (actor == TeamRole::kOwner || (actor == TeamRole::kAdmin && target == TeamRole::kMember)) {
    return Status::Ok();
  }
  return Status(reason::kForbidden, actor == TeamRole::kAdmin
                                        ? "an admin removes members only; ask the owner"
                                        : "only the team's owner and admins remove members");
}

}  // namespace creditd::domain
