// AuthService: sign-up, sign-in, refresh-token rotation with reuse detection, sign-out, and
// bearer-token authentication (DESIGN.md section 5, PROTOCOLS.md section 6).
//
// Passwords are hashed through the PasswordHasher port; callers run these methods on worker
// threads because hashing takes tens of milliseconds. Each method runs its own units of work.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/login_throttle.h"
#include "app/ports/password_hasher.h"
#include "app/ports/token_codec.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/ids.h"
#include "common/mutex.h"
#include "common/result.h"
#include "domain/user.h"

namespace creditd::app {

struct AuthConfig {
  std::chrono::seconds access_token_ttl{15 * 60};
  std::chrono::seconds refresh_token_ttl{30 * 24 * 3600};
  LoginThrottleLimits throttle;
  // Whether Authenticate may remember live sessions (for up to a minute) instead of reading each
  // one per request. Only where every session is ended through this process's AuthService (the
  // embedded SQLite database, one process by design): it forgets a session as soon as it ends
  // one. Never with a database shared by several processes, where another one may end it. A
  // new way of ending sessions must go through AuthService and forget them (ForgetSessions).
  bool remember_sessions = false;
};

struct AuthSession {
  domain::User user;
  std::string access_token;
  std::string refresh_token;
  int64_t expires_in = 0;          // Seconds until the access token expires.
  int64_t refresh_expires_in = 0;  // Seconds until the refresh token expires.
};

// Who is calling, as established from a bearer token.
struct Principal {
  int64_t user_id = 0;
  domain::Role role = domain::Role::kUser;
  std::string session_id;
};

class AuthService {
 public:
  AuthService(Database& database, PasswordHasher& hasher, AccessTokenCodec& codec,
              OpaqueTokens& tokens, IdGenerator& ids, const Clock& clock, AuthConfig config);

  // Creates a user with a personal account and signs it in. Errors: "invalid_email",
  // "invalid_password", "invalid_field" (display_name), "email_taken", and
  // "too_many_attempts" when `client_address` exceeds its attempt budget (hashing is costly, so
  // sign-ups share the sign-in budget of the address). Not idempotent: a second call with the
  // same e-mail is "email_taken".
  Result<AuthSession> Register(std::string_view email, std::string_view password,
                               std::optional<std::string_view> display_name,
                               const std::string& client_address);

  // Signs in. Errors: "invalid_credentials" (same answer for an unknown e-mail and a wrong
  // password, after the same hashing work; also for a malformed e-mail), "too_many_attempts"
  // (with Retry-After). `client_address` keys the throttle.
  Result<AuthSession> Login(std::string_view email, std::string_view password,
                            const std::string& client_address);

  // Rotates a refresh token: the presented token becomes unusable and a new pair is returned.
  // Presenting a token that was already rotated (or revoked) revokes its whole family and
  // returns "refresh_token_reused"; an unknown or expired one is "invalid_refresh_token".
  Result<AuthSession> Refresh(std::string_view refresh_token);

  // Ends the caller's session family; with `refresh_token`, also that token's family.
  Status Logout(const Principal& principal, std::optional<std::string_view> refresh_token);

  // Verifies a bearer access token and that its session is still alive. Errors:
  // "invalid_token", "token_expired". With AuthConfig::remember_sessions a session found alive
  // is remembered for up to a minute (never past its refresh tokens' expiry) unless this service
  // ends it (Logout, a detected refresh-token reuse), so most calls read nothing.
  Result<Principal> Authenticate(std::string_view access_token) EXCLUDES(sessions_mutex_);

  // Returns the user, or "user_not_found".
  Result<domain::User> GetUser(int64_t user_id);

  // Creates an admin (CLI and first start). If the e-mail exists the user is made admin and
  // keeps its password; returns the user and whether it was created.
  Result<std::pair<domain::User, bool>> EnsureAdmin(std::string_view email,
                                                    std::string_view password);

 private:
  Result<AuthSession> StartSession(UnitOfWork& uow, const domain::User& user,
                                   const std::string& family_id, Timestamp now);
  Result<domain::User> CreateUser(std::string_view email, std::string_view password,
                                  std::optional<std::string_view> display_name, domain::Role role);

  // Forgets `families` after their revocation committed, and makes sure no read that began
  // before it is remembered (the generation changes).
  void ForgetSessions(const std::vector<std::string>& families) EXCLUDES(sessions_mutex_);

  Database& database_;
  PasswordHasher& hasher_;
  AccessTokenCodec& codec_;
  OpaqueTokens& tokens_;
  IdGenerator& ids_;
  const Clock& clock_;
  const AuthConfig config_;
  LoginThrottle throttle_;
  std::string dummy_hash_;  // Verified against for unknown e-mails, so timing does not tell.
  // Live sessions (family id -> when its last active refresh token expires), with
  // remember_sessions only; bounded (cleared past 100,000 entries).
  Mutex sessions_mutex_;
  std::unordered_map<std::string, Timestamp> live_sessions_ GUARDED_BY(sessions_mutex_);
  uint64_t sessions_generation_ GUARDED_BY(sessions_mutex_) = 0;
};

}  // namespace creditd::app
