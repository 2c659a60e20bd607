// Accounts: the billing subjects that own credits. Part of a UnitOfWork; not thread-safe on
// its own (see unit_of_work.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/ledger.h"

namespace creditd::app {

// An account locked for a money operation, with its grants that still hold credits.
struct LockedAccount {
  domain::Account account;
  std::vector<domain::Grant> open_grants;  // remaining > 0, any order.
};

class AccountRepository {
 public:
  virtual ~AccountRepository() = default;

  // Creates an account with zero balance and returns it.
  virtual Result<domain::Account> Create(domain::AccountKind kind,
                                         std::optional<int64_t> owner_user_id, Timestamp now) = 0;

  // Returns the account, or kNotFound/"account_not_found".
  virtual Result<domain::Account> Get(int64_t account_id) = 0;

  // Returns the account and locks it against concurrent writers until the unit of work ends
  // (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the write transaction already excludes other
  // writers). Every money operation on an account starts here, so operations on one account
  // are serialised. Returns kNotFound/"account_not_found".
  virtual Result<domain::Account> GetForUpdate(int64_t account_id) = 0;

  // GetForUpdate, then the account's open grants (as LedgerRepository::ListOpenGrants) read
  // under the lock, at the cost of one read (PostgreSQL: both statements in one round trip).
  // Returns kNotFound/"account_not_found".
  virtual Result<LockedAccount> LockWithOpenGrants(int64_t account_id) = 0;

  // Stores the new balance and held amount of an account locked by GetForUpdate. May be
  // deferred (unit_of_work.h); "account_not_found" then comes from a later call.
  virtual Status UpdateBalance(int64_t account_id, int64_t balance, int64_t held,
                               Timestamp now) = 0;

  // Sets the membership expiry of an account locked by GetForUpdate.
  virtual Status SetMemberExpiry(int64_t account_id, Timestamp expires_at, Timestamp now) = 0;

  // Freezes spending with a reason, or lifts the freeze with "". "account_not_found".
  virtual Status SetFrozen(int64_t account_id, std::string_view reason, Timestamp now) = 0;

  // Up to `limit` accounts whose free-plan credits are due at `now` (free_credits_due_at <=
  // now), soonest first.
  virtual Result<std::vector<int64_t>> ListFreeCreditsDue(Timestamp now, int limit) = 0;
  // Sets when the account's free-plan credits are next due.
  virtual Status SetFreeCreditsDue(int64_t account_id, Timestamp due, Timestamp now) = 0;

  // Returns up to `limit` account ids greater than `after_id`, ascending (for audits).
  virtual Result<std::vector<int64_t>> ListIds(int64_t after_id, int limit) = 0;

  // How many accounts there are and the sum of their balances and held credits (for /metrics:
  // the credits outstanding). One aggregate read.
  struct Totals {
    int64_t accounts = 0;
    int64_t balance = 0;
    int64_t held = 0;
  };
  virtual Result<Totals> SumAll() = 0;
};

}  // namespace creditd::app
