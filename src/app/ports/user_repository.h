// Users: sign-up identities with their role and password hash. Part of a UnitOfWork; not
// thread-safe on its own (see unit_of_work.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "domain/user.h"

namespace creditd::app {

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // Inserts `user` (its id is ignored) and returns the new id. Returns
  // kAlreadyExists/"email_taken" if the normalised e-mail is registered already.
  virtual Result<int64_t> Insert(const domain::User& user) = 0;

  // Returns the user with `email` (normalised), or kNotFound/"user_not_found".
  virtual Result<domain::User> FindByEmail(std::string_view email) = 0;

  // Returns the user with `id`, or kNotFound/"user_not_found".
  virtual Result<domain::User> FindById(int64_t id) = 0;

  // Points the user at its personal account (set once, right after the account exists).
  virtual Status SetAccount(int64_t user_id, int64_t account_id) = 0;

  // Replaces the role and/or the password hash. Returns kNotFound/"user_not_found".
  virtual Status UpdateRole(int64_t user_id, domain::Role role) = 0;
  virtual Status UpdatePasswordHash(int64_t user_id, std::string_view password_hash) = 0;

  // Returns how many users exist.
  virtual Result<int64_t> Count() = 0;
};

}  // namespace creditd::app
