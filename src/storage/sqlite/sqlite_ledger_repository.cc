#include "storage/sqlite/sqlite_ledger_repository.h"

#include <string>

#include "storage/common/ledger_rows.h"
#include "storage/sqlite/sqlite_chains.h"

namespace creditd::storage::sqlite {

Result<int64_t> SqliteLedgerRepository::InsertGrant(const domain::Grant& grant) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO grants (account_id, source, priority, amount, remaining, "
                  "expires_at, order_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  ParamBinder params(statement);
  BindNewGrant(params, grant);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<std::vector<domain::Grant>> SqliteLedgerRepository::QueryGrants(const char* sql,
                                                                       int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(sql));
  statement.Bind(1, account_id);
  return CollectRows(statement, MapGrant<Statement>);
}

Result<std::vector<domain::Grant>> SqliteLedgerRepository::ListOpenGrants(int64_t account_id) {
  return QueryGrants(OpenGrantsOfAccountSql(), account_id);
}

Result<std::vector<domain::Grant>> SqliteLedgerRepository::ListGrants(int64_t account_id) {
  static const std::string kSql = std::string(kGrantSelect) + "WHERE account_id = ? ORDER BY id";
  return QueryGrants(kSql.c_str(), account_id);
}

Status SqliteLedgerRepository::UpdateGrantRemaining(int64_t grant_id, int64_t remaining) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE grants SET remaining = ? WHERE id = ?"));
  statement.Bind(1, remaining).Bind(2, grant_id);
  return RunOne(db_, statement, GrantMissing(grant_id));
}

Status SqliteLedgerRepository::AddToGrantRemaining(int64_t grant_id, int64_t delta) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE grants SET remaining = remaining + ? WHERE id = ?"));
  statement.Bind(1, delta).Bind(2, grant_id);
  return RunOne(db_, statement, GrantMissing(grant_id));
}

Result<int64_t> SqliteLedgerRepository::AppendEntry(
    const domain::LedgerEntry& entry, const std::vector<domain::GrantMovement>& movements) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO ledger_entries (account_id, type, amount, balance_after, "
                  "order_id, reference, description, created_at, grant_id, grant_amount, prev_id) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT last_entry_id FROM accounts "
                  "WHERE id = ?1))"));
  ParamBinder params(statement);
  BindNewEntry(params, entry);
  BindInlineMovement(params, movements);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  const int64_t entry_id = db_.LastInsertRowId();
  if (movements.size() < 2) {
    return entry_id;  // None, or the one in the entry's row.
  }
  CREDITD_ASSIGN_OR_RETURN(
      Statement movement,
      db_.Prepare("INSERT INTO grant_movements (entry_id, grant_id, amount) VALUES (?, ?, ?)"));
  for (const domain::GrantMovement& move : movements) {
    movement.Reset();
    movement.Bind(1, entry_id).Bind(2, move.grant_id).Bind(3, move.amount);
    CREDITD_RETURN_IF_ERROR(movement.Run());
  }
  return entry_id;
}

Status SqliteLedgerRepository::RecordEntry(const domain::LedgerEntry& entry,
                                           const std::vector<domain::GrantMovement>& movements) {
  return AppendEntry(entry, movements).status();  // In-process: nothing to save by deferring.
}

Result<domain::LedgerEntry> SqliteLedgerRepository::FindEntry(int64_t entry_id) {
  static const std::string kSql = std::string(kEntrySelect) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, entry_id);
  return OneRow(statement, MapLedgerEntry<Statement>, EntryNotFound());
}

namespace {

// kEntrySelect reading the walk (sqlite_chains.h) instead of the table.
std::string EntryColumnsOfChain() {
  constexpr std::string_view kFrom = "FROM ledger_entries";
  std::string select = kEntrySelect;
  return select.replace(select.find(kFrom), kFrom.size(), "FROM chain");
}

}  // namespace

Result<app::EntryPage> SqliteLedgerRepository::ListEntries(const app::EntryQuery& query) {
  app::EntryPage page;
  // An empty type parameter matches every type, so one cached statement serves both cases.
  const std::string type = query.type ? std::string(domain::EntryTypeName(*query.type)) : "";
  {
    // The account counts all its entries (schema 14); one type's are counted along the chain.
    static const std::string kCountOfType =
        EntryChain() + "SELECT COUNT(*) FROM chain WHERE type = ?2";
    CREDITD_ASSIGN_OR_RETURN(
        Statement count,
        db_.Prepare(query.type
                        ? kCountOfType.c_str()
                        : "SELECT COALESCE((SELECT entry_count FROM accounts WHERE id = ?1), 0)"));
    count.Bind(1, query.account_id);
    if (query.type) {
      count.Bind(2, type);
    }
    CREDITD_ASSIGN_OR_RETURN(page.total,
                             OneRow(count, MapId<Statement>, Corrupt("ledger_entries: no count")));
  }
  // Without a type filter the walk stops once the page is complete (a negative limit or skip,
  // which SQLite reads as none, walks it all).
  static const std::string kSql =
      EntryChain("LIMIT CASE WHEN ?2 = '' AND ?3 >= 0 AND ?4 >= 0 THEN ?3 + ?4 ELSE -1 END") +
      EntryColumnsOfChain() + "WHERE ?2 = '' OR type = ?2 ORDER BY id DESC LIMIT ?3 OFFSET ?4";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, query.account_id).Bind(2, type).Bind(3, query.limit).Bind(4, query.skip);
  CREDITD_ASSIGN_OR_RETURN(page.items, CollectRows(statement, MapLedgerEntry<Statement>));
  return page;
}

Result<std::vector<domain::LedgerEntry>> SqliteLedgerRepository::ListAllEntries(
    int64_t account_id) {
  static const std::string kSql = EntryChain() + EntryColumnsOfChain() + "ORDER BY id";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id);
  return CollectRows(statement, MapLedgerEntry<Statement>);
}

Result<std::vector<domain::GrantMovement>> SqliteLedgerRepository::ListMovements(
    int64_t account_id) {
  // Inline movements and rows of grant_movements (by their primary key (entry_id, grant_id)).
  // A movement of one of the account's entries onto another account's grant is listed too, so
  // verify reports it.
  static const std::string kSql =
      EntryChain() +
      "SELECT id, grant_id, grant_amount FROM chain WHERE grant_id IS NOT NULL UNION ALL SELECT "
      "m.entry_id, m.grant_id, m.amount FROM chain c JOIN grant_movements m ON m.entry_id = c.id "
      "ORDER BY 1, 2";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id);
  return CollectRows(statement, MapGrantMovement<Statement>);
}

Result<std::map<domain::EntryType, int64_t>> SqliteLedgerRepository::SumByType(int64_t account_id) {
  static const std::string kSql =
      EntryChain() + "SELECT type, SUM(amount) FROM chain GROUP BY type";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id);
  CREDITD_ASSIGN_OR_RETURN(const auto sums, CollectRows(statement, MapTypeSum<Statement>));
  return std::map<domain::EntryType, int64_t>(sums.begin(), sums.end());
}

Result<std::vector<app::DailyTotal>> SqliteLedgerRepository::DailyTotals(int64_t account_id,
                                                                         Timestamp since) {
  static const std::string kSql =
      EntryChain("WHERE c.created_at >= ?3") +
      "SELECT date(created_at, 'unixepoch') AS day, type, SUM(amount) FROM chain WHERE "
      "created_at >= ?2 GROUP BY day, type ORDER BY day, type";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id).Bind(2, ToUnixSeconds(since)).Bind(3, ChainFloor(since));
  return CollectRows(statement, MapDailyTotal<Statement>);
}

Result<std::vector<int64_t>> SqliteLedgerRepository::ListAccountsWithDueGrants(Timestamp now,
                                                                               int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT DISTINCT account_id FROM grants WHERE remaining > 0 AND expires_at IS "
                  "NOT NULL AND expires_at <= ? ORDER BY account_id LIMIT ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, int64_t{limit});
  return CollectRows(statement, MapId<Statement>);
}

}  // namespace creditd::storage::sqlite
