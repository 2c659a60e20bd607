// Teams (issue 6 point 2) under /api/v1/teams: create, list, members, invitations by e-mail
// address, accepting, removing and leaving. Members act for a team elsewhere with the
// X-Account-Id header (ActingAccount).
#include "common/status_macros.h"
#include "http/error_response.h"
#include "http/handlers/handler_support.h"
#include "http/handlers/routes.h"

namespace creditd::http {

using nlohmann::json;

namespace {

json TeamJson(const app::TeamView& view) {
  return {{"id", view.team.account_id},
          {"name", view.team.name},
          {"role", domain::TeamRoleName(view.role)},
          {"created_at", FormatRfc3339(view.team.created_at)}};
}

json InvitationJson(const domain::TeamInvitation& invitation) {
  return {{"id", invitation.id},
          {"team_id", invitation.account_id},
          {"team_name", invitation.team_name},
          {"email", invitation.email},
          {"role", domain::TeamRoleName(invitation.role)},
          {"created_at", FormatRfc3339(invitation.created_at)}};
}

}  // namespace

void RegisterTeamRoutes(Router& router, ApiServices& services) {
  app::AuthService& auth = services.auth;
  app::TeamService& teams = services.teams;

  router.Add(Method::kPost, "/api/v1/teams", [&auth, &teams](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(JsonObjectReader body, ReadJsonBody(request));
      const std::string name = body.RequiredString("name", domain::kTeamNameLengthMax);
      CREDITD_RETURN_IF_ERROR(body.Finish());
      CREDITD_ASSIGN_OR_RETURN(const app::TeamView team, teams.Create(principal.user_id, name));
      return Success(TeamJson(team), 201);
    });
  });

  router.Add(Method::kGet, "/api/v1/teams", [&auth, &teams](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const auto mine, teams.ListMine(principal.user_id));
      json items = json::array();
      for (const app::TeamView& team : mine) {
        items.push_back(TeamJson(team));
      }
      return Success({{"items", items}});
    });
  });

  router.Add(Method::kGet, "/api/v1/teams/{id}/members", [&auth, &teams](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_ASSIGN_OR_RETURN(const auto members, teams.Members(principal.user_id, id));
      json items = json::array();
      for (const domain::TeamMember& member : members) {
        items.push_back({{"user_id", member.user_id},
                         {"email", member.email},
                         {"role", domain::TeamRoleName(member.role)},
                         {"joined_at", FormatRfc3339(member.created_at)}});
      }
      return Success({{"items", items}});
    });
  });

  router.Add(Method::kPost, "/api/v1/teams/{id}/invitations", [&auth, &teams](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_ASSIGN_OR_RETURN(JsonObjectReader body, ReadJsonBody(request));
      const std::string email = body.RequiredString("email", domain::kEmailLengthMax);
      const std::string role_name = body.OptionalString("role", 16).value_or("member");
      CREDITD_RETURN_IF_ERROR(body.Finish());
      const auto role = domain::ParseTeamRole(role_name);
      if (!role) {
        return Status(reason::kInvalidField, "role must be admin or member").WithField("role");
      }
      CREDITD_ASSIGN_OR_RETURN(const auto invitation,
                               teams.Invite(principal.user_id, id, email, *role));
      return Success(InvitationJson(invitation), 201);
    });
  });

  router.Add(Method::kGet, "/api/v1/teams/invitations", [&auth, &teams](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const auto invitations, teams.MyInvitations(principal.user_id));
      json items = json::array();
      for (const domain::TeamInvitation& invitation : invitations) {
        items.push_back(InvitationJson(invitation));
      }
      return Success({{"items", items}});
    });
  });

  router.Add(
      Method::kPost, "/api/v1/teams/invitations/{id}/accept", [&auth, &teams](Request& request) {
        return Respond(request, [&]() -> Result<Response> {
          CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
          CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
          CREDITD_RETURN_IF_ERROR(ExpectNoBody(request));
          CREDITD_ASSIGN_OR_RETURN(const app::TeamView team, teams.Accept(principal.user_id, id));
          return Success(TeamJson(team));
        });
      });

  router.Add(
      Method::kDelete, "/api/v1/teams/{id}/members/{user_id}", [&auth, &teams](Request& request) {
        return Respond(request, [&]() -> Result<Response> {
          CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
          CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
          CREDITD_ASSIGN_OR_RETURN(const int64_t member, PathId(request, "user_id"));
          CREDITD_RETURN_IF_ERROR(teams.Remove(principal.user_id, id, member));
          return Success({{"success", true}});
        });
      });

  router.Add(Method::kPost, "/api/v1/teams/{id}/leave", [&auth, &teams](Request& request) {
    return Respond(request, [&]() -> Result<Response> {
      CREDITD_ASSIGN_OR_RETURN(const app::Principal principal, Authenticate(request, auth));
      CREDITD_ASSIGN_OR_RETURN(const int64_t id, PathId(request, "id"));
      CREDITD_RETURN_IF_ERROR(ExpectNoBody(request));
      CREDITD_RETURN_IF_ERROR(teams.Leave(principal.user_id, id));
      return Success({{"success", true}});
    });
  });
}

}  // namespace creditd::http
