#include "storage/sqlite/sqlite_account_repository.h"

#include <string>

#include "storage/common/ledger_rows.h"
#include "storage/sqlite/sqlite_ledger_repository.h"

namespace creditd::storage::sqlite {

Result<domain::Account> SqliteAccountRepository::Create(domain::AccountKind kind,
                                                        std::optional<int64_t> owner_user_id,
                                                        Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO accounts (kind, owner_user_id, balance, held, created_at, "
                  "updated_at) VALUES (?, ?, 0, 0, ?, ?)"));
  ParamBinder params(statement);
  BindNewAccount(params, kind, owner_user_id, now);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  const int64_t id = db_.LastInsertRowId();
  writes_.TouchAccount(id);
  return NewAccount(id, kind, owner_user_id, now);
}

Status SqliteAccountRepository::RunAccountUpdate(Statement& statement, int64_t account_id) {
  CREDITD_RETURN_IF_ERROR(RunOne(db_, statement, AccountNotFound()));
  writes_.TouchAccount(account_id);
  return Status::Ok();
}

Result<domain::Account> SqliteAccountRepository::Get(int64_t account_id) {
  static const std::string kSql = std::string(kAccountSelect) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id);
  return OneRow(statement, MapAccount<Statement>, AccountNotFound());
}

Result<domain::Account> SqliteAccountRepository::GetForUpdate(int64_t account_id) {
  // A write unit of work began with BEGIN IMMEDIATE and holds SQLite's single write lock, so
  // the row is already protected from other writers; a plain read is enough here.
  return Get(account_id);
}

Result<app::LockedAccount> SqliteAccountRepository::LockWithOpenGrants(int64_t account_id) {
  // In-process, two statements cost no round trip.
  app::LockedAccount locked;
  CREDITD_ASSIGN_OR_RETURN(locked.account, GetForUpdate(account_id));
  CREDITD_ASSIGN_OR_RETURN(locked.open_grants,
                           SqliteLedgerRepository(db_).ListOpenGrants(account_id));
  return locked;
}

Status SqliteAccountRepository::UpdateBalance(int64_t account_id, int64_t balance, int64_t held,
                                              Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE accounts SET balance = ?, held = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, balance).Bind(2, held).Bind(3, ToUnixSeconds(now)).Bind(4, account_id);
  return RunAccountUpdate(statement, account_id);
}

Status SqliteAccountRepository::SetMemberExpiry(int64_t account_id, Timestamp expires_at,
                                                Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE accounts SET member_expired_at = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, ToUnixSeconds(expires_at)).Bind(2, ToUnixSeconds(now)).Bind(3, account_id);
  return RunAccountUpdate(statement, account_id);
}

Status SqliteAccountRepository::SetFrozen(int64_t account_id, std::string_view reason,
                                          Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE accounts SET frozen_reason = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, reason).Bind(2, ToUnixSeconds(now)).Bind(3, account_id);
  return RunAccountUpdate(statement, account_id);
}

Result<std::vector<int64_t>> SqliteAccountRepository::ListFreeCreditsDue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id FROM accounts WHERE free_credits_due_at <= ? ORDER BY "
                  "free_credits_due_at, id LIMIT ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, int64_t{limit});
  return CollectRows(statement, MapId<Statement>);
}

Status SqliteAccountRepository::SetFreeCreditsDue(int64_t account_id, Timestamp due,
                                                  Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE accounts SET free_credits_due_at = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, ToUnixSeconds(due)).Bind(2, ToUnixSeconds(now)).Bind(3, account_id);
  return RunAccountUpdate(statement, account_id);
}

Result<std::vector<int64_t>> SqliteAccountRepository::ListIds(int64_t after_id, int limit) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("SELECT id FROM accounts WHERE id > ? ORDER BY id LIMIT ?"));
  statement.Bind(1, after_id).Bind(2, int64_t{limit});
  return CollectRows(statement, MapId<Statement>);
}

Result<app::AccountRepository::Totals> SqliteAccountRepository::SumAll() {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT COUNT(*), COALESCE(SUM(balance), 0), COALESCE(SUM(held), 0) FROM "
                  "accounts"));
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return db_.Error("sum accounts");
  }
  return Totals{
      .accounts = statement.Int64(0), .balance = statement.Int64(1), .held = statement.Int64(2)};
}

}  // namespace creditd::storage::sqlite
