#include "app/team_service.h"

#include "app/ports/account_repository.h"
#include "app/ports/team_repository.h"
#include "app/ports/user_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"
#include "common/strings.h"
#include "domain/user.h"

namespace creditd::app {

using domain::TeamRole;

namespace {

Status TeamNotFound() {
  return Status(reason::kTeamNotFound, "no such team, or you are not a member of it");
}

// The caller's membership of a team; "team_not_found" when it has none.
Result<domain::TeamMember> MembershipOf(UnitOfWork& uow, int64_t team_id, int64_t user_id) {
  CREDITD_ASSIGN_OR_RETURN(const auto member, uow.teams().FindMember(team_id, user_id));
  if (!member) {
    return TeamNotFound();
  }
  return *member;
}

}  // namespace

Result<TeamView> TeamService::Create(int64_t user_id, std::string_view name) {
  const std::string trimmed(TrimAscii(name));
  const long length = CountUtf8CodePoints(trimmed);  // NOLINT(google-runtime-int)
  if (length < 1 || length > domain::kTeamNameLengthMax) {
    return Status(reason::kInvalidField, "name must be 1 to 80 characters").WithField("name");
  }
  const Timestamp now = clock_.Now();
  return InTransaction(
      database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<TeamView> {
        CREDITD_RETURN_IF_ERROR(uow.users().FindById(user_id).status());
        CREDITD_ASSIGN_OR_RETURN(const domain::Account account,
                                 uow.accounts().Create(domain::AccountKind::kTeam, user_id, now));
        const domain::Team team{account.id, trimmed, now};
        CREDITD_RETURN_IF_ERROR(uow.teams().InsertTeam(team));
        CREDITD_RETURN_IF_ERROR(
            uow.teams().InsertMember({account.id, user_id, "", TeamRole::kOwner, now}).status());
        return TeamView{team, TeamRole::kOwner};
      });
}

Result<std::vector<TeamView>> TeamService::ListMine(int64_t user_id) {
  return InTransaction(
      database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<std::vector<TeamView>> {
        CREDITD_ASSIGN_OR_RETURN(const auto teams, uow.teams().ListTeamsOfUser(user_id));
        std::vector<TeamView> out;
        out.reserve(teams.size());
        for (const auto& [team, role] : teams) {
          out.push_back({team, role});
        }
        return out;
      });
}

Result<std::vector<domain::TeamMember>> TeamService::Members(int64_t user_id, int64_t team_id) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) -> Result<std::vector<domain::TeamMember>> {
                         CREDITD_RETURN_IF_ERROR(MembershipOf(uow, team_id, user_id).status());
                         return uow.teams().ListMembers(team_id);
                       });
}

Result<domain::TeamInvitation> TeamService::Invite(int64_t user_id, int64_t team_id,
                                                   std::string_view email, TeamRole role) {
  CREDITD_ASSIGN_OR_RETURN(const std::string address, domain::NormalizeEmail(email));
  const Timestamp now = clock_.Now();
  return InTransaction(
      database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<domain::TeamInvitation> {
        CREDITD_ASSIGN_OR_RETURN(const domain::TeamMember actor,
                                 MembershipOf(uow, team_id, user_id));
        CREDITD_RETURN_IF_ERROR(domain::CheckInvite(actor.role, role));
        CREDITD_ASSIGN_OR_RETURN(const auto team, uow.teams().FindTeam(team_id));
        const auto invitee = uow.users().FindByEmail(address);
        if (invitee.ok()) {
          CREDITD_ASSIGN_OR_RETURN(const auto member, uow.teams().FindMember(team_id, invitee->id));
          if (member) {
            return Status(reason::kAlreadyMember, address + " is a member of the team already")
                .WithField("email");
          }
        }
        domain::TeamInvitation invitation;
        invitation.account_id = team_id;
        invitation.team_name = team->name;
        invitation.email = address;
        invitation.role = role;
        invitation.invited_by = user_id;
        invitation.created_at = now;
        CREDITD_ASSIGN_OR_RETURN(const auto id, uow.teams().InsertInvitation(invitation));
        if (!id) {
          return Status(reason::kInvitationPending,
                        address + " has a pending invitation to the team already")
              .WithField("email");
        }
        invitation.id = *id;
        return invitation;
      });
}

Result<std::vector<domain::TeamInvitation>> TeamService::MyInvitations(int64_t user_id) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) -> Result<std::vector<domain::TeamInvitation>> {
                         CREDITD_ASSIGN_OR_RETURN(const domain::User user,
                                                  uow.users().FindById(user_id));
                         return uow.teams().ListPendingInvitations(user.email);
                       });
}

Result<TeamView> TeamService::Accept(int64_t user_id, int64_t invitation_id) {
  const Timestamp now = clock_.Now();
  return InTransaction(
      database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<TeamView> {
        CREDITD_ASSIGN_OR_RETURN(const domain::User user, uow.users().FindById(user_id));
        CREDITD_ASSIGN_OR_RETURN(const auto invitation, uow.teams().FindInvitation(invitation_id));
        // Another address's invitation looks the same as none: it is not the caller's to see.
        if (!invitation || invitation->email != user.email || invitation->accepted_at) {
          return Status(reason::kInvitationNotFound, "no pending invitation with this id for you");
        }
        CREDITD_ASSIGN_OR_RETURN(const bool accepted,
                                 uow.teams().MarkInvitationAccepted(invitation_id, now));
        CREDITD_ASSIGN_OR_RETURN(
            const bool joined,
            uow.teams().InsertMember({invitation->account_id, user_id, "", invitation->role, now}));
        if (!accepted || !joined) {
          return Status(reason::kAlreadyMember, "you are a member of this team already");
        }
        CREDITD_ASSIGN_OR_RETURN(const auto team, uow.teams().FindTeam(invitation->account_id));
        return TeamView{*team, invitation->role};
      });
}

Status TeamService::Remove(int64_t user_id, int64_t team_id, int64_t member_user_id) {
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
    CREDITD_ASSIGN_OR_RETURN(const domain::TeamMember actor, MembershipOf(uow, team_id, user_id));
    CREDITD_ASSIGN_OR_RETURN(const auto target, uow.teams().FindMember(team_id, member_user_id));
    if (!target) {
      return Status(reason::kUserNotFound, "the user is not a member of this team");
    }
    CREDITD_RETURN_IF_ERROR(domain::CheckRemove(actor.role, target->role));
    return uow.teams().DeleteMember(team_id, member_user_id).status();
  });
}

Status TeamService::Leave(int64_t user_id, int64_t team_id) {
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
    CREDITD_ASSIGN_OR_RETURN(const domain::TeamMember member, MembershipOf(uow, team_id, user_id));
    if (member.role == TeamRole::kOwner) {
      return Status(reason::kOwnerCannotLeave,
                    "the owner cannot leave the team; remove the other members instead");
    }
    return uow.teams().DeleteMember(team_id, user_id).status();
  });
}

Result<ActingAccount> TeamService::ResolveAccount(int64_t user_id,
                                                  std::optional<int64_t> requested) {
  return InTransaction(
      database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<ActingAccount> {
        CREDITD_ASSIGN_OR_RETURN(const domain::User user, uow.users().FindById(user_id));
        if (!requested || *requested == user.account_id) {
          return ActingAccount{user.account_id, std::nullopt};
        }
        CREDITD_ASSIGN_OR_RETURN(const auto member, uow.teams().FindMember(*requested, user_id));
        if (!member) {
          return TeamNotFound().WithField("X-Account-Id");
        }
        return ActingAccount{*requested, member->role};
      });
}

}  // namespace creditd::app
