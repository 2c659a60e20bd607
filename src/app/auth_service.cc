#include "app/auth_service.h"

#include <algorithm>
#include <chrono>

#include "app/ports/account_repository.h"
#include "app/ports/session_repository.h"
#include "app/ports/user_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"

namespace creditd::app {

using domain::User;

AuthService::AuthService(Database& database, PasswordHasher& hasher, AccessTokenCodec& codec,
                         OpaqueTokens& tokens, IdGenerator& ids, const Clock& clock,
                         AuthConfig config)
    : database_(database),
      hasher_(hasher),
      codec_(codec),
      tokens_(tokens),
      ids_(ids),
      clock_(clock),
      config_(config),
      throttle_(config.throttle) {
  // A real hash of a random secret: verifying any password against it costs what a real
  // verification costs and never succeeds.
  dummy_hash_ = hasher_.Hash(tokens_.NewToken("dummy")).value();
}

Result<User> AuthService::CreateUser(std::string_view email, std::string_view password,
                                     std::optional<std::string_view> display_name,
                                     domain::Role role) {
  CREDITD_ASSIGN_OR_RETURN(const std::string normalized, domain::NormalizeEmail(email));
  CREDITD_RETURN_IF_ERROR(domain::ValidatePassword(password));
  CREDITD_ASSIGN_OR_RETURN(const std::string name,
                           domain::NormalizeDisplayName(display_name.value_or(""), normalized));
  // Hash before the transaction: the write lock is never held across the slow part.
  CREDITD_ASSIGN_OR_RETURN(const std::string hash, hasher_.Hash(password));
  const Timestamp now = clock_.Now();
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<User> {
    User user;
    user.email = normalized;
    user.display_name = name;
    user.role = role;
    user.password_hash = hash;
    user.created_at = now;
    CREDITD_ASSIGN_OR_RETURN(user.id, uow.users().Insert(user));
    CREDITD_ASSIGN_OR_RETURN(const domain::Account account,
                             uow.accounts().Create(domain::AccountKind::kPersonal, user.id, now));
    CREDITD_RETURN_IF_ERROR(uow.users().SetAccount(user.id, account.id));
    user.account_id = account.id;
    return user;
  });
}

Result<AuthSession> AuthService::StartSession(UnitOfWork& uow, const User& user,
                                              const std::string& family_id, Timestamp now) {
  AuthSession session;
  session.user = user;
  session.refresh_token = tokens_.NewToken("rt");
  RefreshToken stored;
  stored.family_id = family_id;
  stored.user_id = user.id;
  stored.token_hash = tokens_.Hash(session.refresh_token);
  stored.created_at = now;
  stored.expires_at = now + config_.refresh_token_ttl;
  CREDITD_RETURN_IF_ERROR(uow.sessions().Insert(stored));
  AccessClaims claims;
  claims.user_id = user.id;
  claims.role = user.role;
  claims.session_id = family_id;
  claims.issued_at = now;
  claims.expires_at = now + config_.access_token_ttl;
  session.access_token = codec_.Encode(claims);
  session.expires_in = config_.access_token_ttl.count();
  session.refresh_expires_in = config_.refresh_token_ttl.count();
  return session;
}

Result<AuthSession> AuthService::Register(std::string_view email, std::string_view password,
                                          std::optional<std::string_view> display_name,
                                          const std::string& client_address) {
  // Validate before admitting, so malformed requests do not spend the address's budget.
  CREDITD_ASSIGN_OR_RETURN(const std::string normalized, domain::NormalizeEmail(email));
  CREDITD_RETURN_IF_ERROR(domain::ValidatePassword(password));
  CREDITD_RETURN_IF_ERROR(throttle_.Admit(normalized, client_address, clock_.Now()));
  CREDITD_ASSIGN_OR_RETURN(const User user,
                           CreateUser(email, password, display_name, domain::Role::kUser));
  const Timestamp now = clock_.Now();
  return InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) {
    return StartSession(uow, user, ids_.NewId("ses"), now);
  });
}

Result<AuthSession> AuthService::Login(std::string_view email, std::string_view password,
                                       const std::string& client_address) {
  const auto normalized = domain::NormalizeEmail(email);
  if (!normalized.ok()) {
    return Status(reason::kInvalidCredentials, "e-mail or password is incorrect");
  }
  if (password.empty() || password.size() > 4 * static_cast<size_t>(domain::kPasswordLengthMax)) {
    return Status(reason::kInvalidCredentials, "e-mail or password is incorrect");
  }
  Timestamp now = clock_.Now();
  CREDITD_RETURN_IF_ERROR(throttle_.Admit(*normalized, client_address, now));
  auto user = InTransaction(database_, TransactionMode::kRead,
                            [&](UnitOfWork& uow) { return uow.users().FindByEmail(*normalized); });
  if (!user.ok() && user.status().code() != StatusCode::kNotFound) {
    return std::move(user).status();
  }
  bool matches = false;
  if (user.ok()) {
    matches = hasher_.Verify(user->password_hash, password);
  } else {
    static_cast<void>(hasher_.Verify(dummy_hash_, password));  // Same work, result unused.
  }
  now = clock_.Now();
  if (!matches) {
    throttle_.RecordFailure(*normalized, now);
    return Status(reason::kInvalidCredentials, "e-mail or password is incorrect");
  }
  throttle_.RecordSuccess(*normalized);
  // Upgrade the stored hash when the cost parameters changed since it was made.
  std::optional<std::string> new_hash;
  if (hasher_.NeedsRehash(user->password_hash)) {
    auto rehashed = hasher_.Hash(password);
    if (rehashed.ok()) {
      new_hash = std::move(rehashed).value();
    }
  }
  return InTransaction(
      database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<AuthSession> {
        if (new_hash) {
          CREDITD_RETURN_IF_ERROR(uow.users().UpdatePasswordHash(user->id, *new_hash));
        }
        return StartSession(uow, *user, ids_.NewId("ses"), now);
      });
}

Result<AuthSession> AuthService::Refresh(std::string_view refresh_token) {
  if (refresh_token.empty() || refresh_token.size() > 256) {
    return Status(reason::kInvalidRefreshToken, "refresh token is invalid or expired");
  }
  const std::string hash = tokens_.Hash(refresh_token);
  const Timestamp now = clock_.Now();
  // The outcome is decided and stored in one transaction; a detected reuse commits the
  // revocation and only then reports the error.
  bool reused = false;
  std::string family;
  auto session = InTransaction(
      database_, TransactionMode::kWrite,
      [&](UnitOfWork& uow) -> Result<std::optional<AuthSession>> {
        reused = false;  // The unit of work may run again after a conflict.
        CREDITD_ASSIGN_OR_RETURN(const RefreshToken token, uow.sessions().FindByHash(hash));
        family = token.family_id;
        if (token.state != RefreshTokenState::kActive) {
          reused = true;
          CREDITD_RETURN_IF_ERROR(uow.sessions().RevokeFamily(token.family_id, now));
          return std::optional<AuthSession>();
        }
        if (token.expires_at <= now) {
          return Status(reason::kInvalidRefreshToken, "refresh token is invalid or expired");
        }
        CREDITD_ASSIGN_OR_RETURN(const bool rotated, uow.sessions().MarkRotated(token.id, now));
        if (!rotated) {
          reused = true;
          CREDITD_RETURN_IF_ERROR(uow.sessions().RevokeFamily(token.family_id, now));
          return std::optional<AuthSession>();
        }
        CREDITD_ASSIGN_OR_RETURN(const User user, uow.users().FindById(token.user_id));
        CREDITD_ASSIGN_OR_RETURN(AuthSession next, StartSession(uow, user, token.family_id, now));
        return std::optional<AuthSession>(std::move(next));
      });
  if (reused) {
    ForgetSessions({family});  // The reuse revoked the whole family.
  }
  if (!session.ok()) {
    return std::move(session).status();
  }
  if (reused || !session->has_value()) {
    return Status(reason::kRefreshTokenReused,
                  "this refresh token was already used; the session has been revoked, sign in "
                  "again");
  }
  return std::move(**session);
}

Status AuthService::Logout(const Principal& principal,
                           std::optional<std::string_view> refresh_token) {
  const Timestamp now = clock_.Now();
  std::vector<std::string> ended;
  Status status = InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Status {
    ended = {principal.session_id};  // The unit of work may run again after a conflict.
    CREDITD_RETURN_IF_ERROR(uow.sessions().RevokeFamily(principal.session_id, now));
    if (refresh_token && !refresh_token->empty()) {
      auto token = uow.sessions().FindByHash(tokens_.Hash(*refresh_token));
      // Only the caller's own tokens may be revoked through this call.
      if (token.ok() && token->user_id == principal.user_id) {
        CREDITD_RETURN_IF_ERROR(uow.sessions().RevokeFamily(token->family_id, now));
        ended.push_back(token->family_id);
      }
    }
    return Status::Ok();
  });
  ForgetSessions(ended);  // After the commit (forgetting what did not end is harmless).
  return status;
}

namespace {

// How long a session found alive is remembered at most (AuthConfig::remember_sessions).
constexpr std::chrono::seconds kRememberSessionFor{60};

}  // namespace

Result<Principal> AuthService::Authenticate(std::string_view access_token) {
  const Timestamp now = clock_.Now();
  CREDITD_ASSIGN_OR_RETURN(const AccessClaims claims, codec_.Decode(access_token, now));
  Principal principal{claims.user_id, claims.role, claims.session_id};
  uint64_t generation = 0;
  if (config_.remember_sessions) {
    const MutexLock lock(sessions_mutex_);
    const auto live = live_sessions_.find(claims.session_id);
    if (live != live_sessions_.end()) {
      if (now < live->second) {
        return principal;
      }
      live_sessions_.erase(live);  // Read again below.
    }
    generation = sessions_generation_;
  }
  CREDITD_ASSIGN_OR_RETURN(const std::optional<Timestamp> alive_until,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return uow.sessions().ActiveUntil(claims.session_id, now);
                           }));
  if (!alive_until) {
    return Status(reason::kInvalidToken, "the session has ended; sign in again");
  }
  if (config_.remember_sessions) {
    const MutexLock lock(sessions_mutex_);
    // A session ended since the read began may have been read alive: not remembered then.
    if (generation == sessions_generation_) {
      if (live_sessions_.size() >= 100'000) {
        live_sessions_.clear();
      }
      // At most a minute: bounds what a session ended outside this service could still do.
      live_sessions_[claims.session_id] = std::min(*alive_until, now + kRememberSessionFor);
    }
  }
  return principal;
}

void AuthService::ForgetSessions(const std::vector<std::string>& families) {
  if (!config_.remember_sessions) {
    return;
  }
  const MutexLock lock(sessions_mutex_);
  ++sessions_generation_;
  for (const std::string& family : families) {
    live_sessions_.erase(family);
  }
}

Result<User> AuthService::GetUser(int64_t user_id) {
  return InTransaction(database_, TransactionMode::kRead,
                       [&](UnitOfWork& uow) { return uow.users().FindById(user_id); });
}

Result<std::pair<User, bool>> AuthService::EnsureAdmin(std::string_view email,
                                                       std::string_view password) {
  CREDITD_ASSIGN_OR_RETURN(const std::string normalized, domain::NormalizeEmail(email));
  auto existing =
      InTransaction(database_, TransactionMode::kWrite, [&](UnitOfWork& uow) -> Result<User> {
        CREDITD_ASSIGN_OR_RETURN(User user, uow.users().FindByEmail(normalized));
        if (user.role != domain::Role::kAdmin) {
          CREDITD_RETURN_IF_ERROR(uow.users().UpdateRole(user.id, domain::Role::kAdmin));
          user.role = domain::Role::kAdmin;
        }
        return user;
      });
  if (existing.ok()) {
    return std::make_pair(std::move(existing).value(), false);
  }
  if (existing.status().code() != StatusCode::kNotFound) {
    return std::move(existing).status();
  }
  CREDITD_ASSIGN_OR_RETURN(User user,
                           CreateUser(normalized, password, std::nullopt, domain::Role::kAdmin));
  return std::make_pair(std::move(user), true);
}

}  // namespace creditd::app
