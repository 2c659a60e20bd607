#include "storage/postgres/postgres_account_repository.h"

#include <string>

#include "storage/common/ledger_rows.h"

namespace creditd::storage::postgres {

Result<domain::Account> PostgresAccountRepository::Create(domain::AccountKind kind,
                                                          std::optional<int64_t> owner_user_id,
                                                          Timestamp now) {
  PgQuery query(db_,
                "INSERT INTO accounts (kind, owner_user_id, balance, held, created_at, updated_at) "
                "VALUES ($1, $2, 0, 0, $3, $4) RETURNING id");
  BindNewAccount(query, kind, owner_user_id, now);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return NewAccount(rows.Int64(0, 0), kind, owner_user_id, now);
}

Result<domain::Account> PostgresAccountRepository::Get(int64_t account_id) {
  static const std::string kSql = std::string(kAccountSelect) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(account_id).Run());
  return OneRow(rows, MapAccount<PgRow>, AccountNotFound());
}

namespace {
// The row lock serialises every money operation on this account across all processes until the
// transaction ends.
const char* LockAccountSql() {
  static const std::string kSql = std::string(kAccountSelect) + "WHERE id = $1 FOR UPDATE";
  return kSql.c_str();
}
}  // namespace

Result<domain::Account> PostgresAccountRepository::GetForUpdate(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, LockAccountSql()).Bind(account_id).Run());
  return OneRow(rows, MapAccount<PgRow>, AccountNotFound());
}

Result<app::LockedAccount> PostgresAccountRepository::LockWithOpenGrants(int64_t account_id) {
  // Pipelined: the grants are read by the statement after the lock, so under it.
  PgQuery lock(db_, LockAccountSql());
  lock.Bind(account_id);
  PgQuery grants(db_, OpenGrantsOfAccountSql());
  grants.Bind(account_id);
  CREDITD_ASSIGN_OR_RETURN(const auto rows, lock.RunWith(grants));
  app::LockedAccount locked;
  CREDITD_ASSIGN_OR_RETURN(locked.account,
                           OneRow(rows.first, MapAccount<PgRow>, AccountNotFound()));
  CREDITD_ASSIGN_OR_RETURN(locked.open_grants, CollectRows(rows.second, MapGrant<PgRow>));
  return locked;
}

Status PostgresAccountRepository::UpdateBalance(int64_t account_id, int64_t balance, int64_t held,
                                                Timestamp now) {
  PgQuery query(db_,
                "WITH changed AS (UPDATE accounts SET balance = $1, held = $2, updated_at = $3 "
                "WHERE id = $4 RETURNING 1) SELECT creditd_exactly_one(COUNT(*), 'accounts') FROM "
                "changed");
  query.Bind(balance).Bind(held).Bind(ToUnixSeconds(now)).Bind(account_id);
  query.DeferOne(AccountNotFound());  // Sent with the next statement or the COMMIT.
  return Status::Ok();
}

Status PostgresAccountRepository::SetMemberExpiry(int64_t account_id, Timestamp expires_at,
                                                  Timestamp now) {
  PgQuery query(db_, "UPDATE accounts SET member_expired_at = $1, updated_at = $2 WHERE id = $3");
  query.Bind(ToUnixSeconds(expires_at)).Bind(ToUnixSeconds(now)).Bind(account_id);
  return RunOne(query, AccountNotFound());
}

Status PostgresAccountRepository::SetFrozen(int64_t account_id, std::string_view reason,
                                            Timestamp now) {
  PgQuery query(db_, "UPDATE accounts SET frozen_reason = $1, updated_at = $2 WHERE id = $3");
  query.Bind(reason).Bind(ToUnixSeconds(now)).Bind(account_id);
  return RunOne(query, AccountNotFound());
}

Result<std::vector<int64_t>> PostgresAccountRepository::ListFreeCreditsDue(Timestamp now,
                                                                           int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows, PgQuery(db_,
                                 "SELECT id FROM accounts WHERE free_credits_due_at <= $1 ORDER BY "
                                 "free_credits_due_at, id LIMIT $2")
                             .Bind(ToUnixSeconds(now))
                             .Bind(int64_t{limit})
                             .Run());
  return CollectRows(rows, MapId<PgRow>);
}

Status PostgresAccountRepository::SetFreeCreditsDue(int64_t account_id, Timestamp due,
                                                    Timestamp now) {
  PgQuery query(db_, "UPDATE accounts SET free_credits_due_at = $1, updated_at = $2 WHERE id = $3");
  query.Bind(ToUnixSeconds(due)).Bind(ToUnixSeconds(now)).Bind(account_id);
  return RunOne(query, AccountNotFound());
}

Result<std::vector<int64_t>> PostgresAccountRepository::ListIds(int64_t after_id, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows, PgQuery(db_, "SELECT id FROM accounts WHERE id > $1 ORDER BY id LIMIT $2")
                             .Bind(after_id)
                             .Bind(int64_t{limit})
                             .Run());
  return CollectRows(rows, MapId<PgRow>);
}

Result<app::AccountRepository::Totals> PostgresAccountRepository::SumAll() {
  // SUM of BIGINT is NUMERIC in PostgreSQL: cast back (a total past 2^63 credits is impossible).
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_,
                                   "SELECT COUNT(*), COALESCE(SUM(balance), 0)::BIGINT, "
                                   "COALESCE(SUM(held), 0)::BIGINT FROM accounts")
                               .Run());
  return Totals{
      .accounts = rows.Int64(0, 0), .balance = rows.Int64(0, 1), .held = rows.Int64(0, 2)};
}

}  // namespace creditd::storage::postgres
