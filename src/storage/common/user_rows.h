// Users as rows: the column lists, the row-to-domain mappers and the parameter
// lists both backends share (see row_reader.h). Header only; thread-safe.
#pragma once

#include "common/status_macros.h"
#include "domain/user.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

// A user without an account reads as account_id 0.
inline constexpr const char* kUserSelect =
    "SELECT id, email, display_name, role, password_hash, COALESCE(account_id, 0), created_at "
    "FROM users ";

template <RowReader Row>
Result<domain::User> MapUser(const Row& row) {
  domain::User user;
  user.id = row.Int64(0);
  user.email = row.Text(1);
  user.display_name = row.Text(2);
  CREDITD_ASSIGN_OR_RETURN(user.role, EnumColumn(row, 3, domain::ParseRole, "users.role"));
  user.password_hash = row.Text(4);
  user.account_id = row.Int64(5);
  user.created_at = TimeColumn(row, 6);
  return user;
}

// email, display_name, role, password_hash, created_at, updated_at (= created_at).
template <ParamWriter Params>
void BindNewUser(Params& params, const domain::User& user) {
  params.Bind(user.email)
      .Bind(user.display_name)
      .Bind(domain::RoleName(user.role))
      .Bind(user.password_hash)
      .Bind(ToUnixSeconds(user.created_at))
      .Bind(ToUnixSeconds(user.created_at));
}

}  // namespace creditd::storage
