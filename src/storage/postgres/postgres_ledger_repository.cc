#include "storage/postgres/postgres_ledger_repository.h"

#include <string>

#include "storage/common/ledger_rows.h"

namespace creditd::storage::postgres {

Result<int64_t> PostgresLedgerRepository::InsertGrant(const domain::Grant& grant) {
  PgQuery query(db_,
                "INSERT INTO grants (account_id, source, priority, amount, remaining, expires_at, "
                "order_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id");
  BindNewGrant(query, grant);
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, query.Run());
  return rows.Int64(0, 0);
}

Result<std::vector<domain::Grant>> PostgresLedgerRepository::QueryGrants(const char* sql,
                                                                         int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, sql).Bind(account_id).Run());
  return CollectRows(rows, MapGrant<PgRow>);
}

Result<std::vector<domain::Grant>> PostgresLedgerRepository::ListOpenGrants(int64_t account_id) {
  return QueryGrants(OpenGrantsOfAccountSql(), account_id);
}

Result<std::vector<domain::Grant>> PostgresLedgerRepository::ListGrants(int64_t account_id) {
  static const std::string kSql = std::string(kGrantSelect) + "WHERE account_id = $1 ORDER BY id";
  return QueryGrants(kSql.c_str(), account_id);
}

Status PostgresLedgerRepository::UpdateGrantRemaining(int64_t grant_id, int64_t remaining) {
  PgQuery query(db_,
                "WITH changed AS (UPDATE grants SET remaining = $1 WHERE id = $2 RETURNING 1) "
                "SELECT creditd_exactly_one(COUNT(*), 'grants') FROM changed");
  query.Bind(remaining).Bind(grant_id);
  query.DeferOne(GrantMissing(grant_id));  // Sent with the next statement or the COMMIT.
  return Status::Ok();
}

Status PostgresLedgerRepository::AddToGrantRemaining(int64_t grant_id, int64_t delta) {
  PgQuery query(db_,
                "WITH changed AS (UPDATE grants SET remaining = remaining + $1 WHERE id = $2 "
                "RETURNING 1) SELECT creditd_exactly_one(COUNT(*), 'grants') FROM changed");
  query.Bind(delta).Bind(grant_id);
  query.DeferOne(GrantMissing(grant_id));
  return Status::Ok();
}

namespace {

// One statement for the entry and all its movements.
PgQuery EntryInsert(PgConnection& db, const domain::LedgerEntry& entry,
                    const std::vector<domain::GrantMovement>& movements) {
  if (movements.size() < 2) {
    // None, or the one kept in the entry's row.
    PgQuery query(db,
                  "INSERT INTO ledger_entries (account_id, type, amount, balance_after, order_id, "
                  "reference, description, created_at, grant_id, grant_amount) VALUES ($1, $2, "
                  "$3, $4, $5, $6, $7, $8, $9, $10) RETURNING id");
    BindNewEntry(query, entry);
    BindInlineMovement(query, movements);
    return query;
  }
  // The entry's id flows from the INSERT into the movements through the CTE, and the movements
  // arrive as two parallel arrays.
  std::string grant_ids = "{";
  std::string amounts = "{";
  for (size_t i = 0; i < movements.size(); ++i) {
    grant_ids += (i > 0 ? "," : "") + std::to_string(movements[i].grant_id);
    amounts += (i > 0 ? "," : "") + std::to_string(movements[i].amount);
  }
  grant_ids += "}";
  amounts += "}";
  PgQuery query(db,
                "WITH entry AS (INSERT INTO ledger_entries (account_id, type, amount, "
                "balance_after, order_id, reference, description, created_at) VALUES ($1, $2, $3, "
                "$4, $5, $6, $7, $8) RETURNING id), moved AS (INSERT INTO grant_movements "
                "(entry_id, grant_id, amount) SELECT entry.id, m.grant_id, m.amount FROM entry, "
                "unnest($9::BIGINT[], $10::BIGINT[]) AS m(grant_id, amount)) SELECT id FROM entry");
  BindNewEntry(query, entry);
  query.Bind(grant_ids).Bind(amounts);
  return query;
}

}  // namespace

Result<int64_t> PostgresLedgerRepository::AppendEntry(
    const domain::LedgerEntry& entry, const std::vector<domain::GrantMovement>& movements) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, EntryInsert(db_, entry, movements).Run());
  return rows.Int64(0, 0);
}

Status PostgresLedgerRepository::RecordEntry(const domain::LedgerEntry& entry,
                                             const std::vector<domain::GrantMovement>& movements) {
  EntryInsert(db_, entry, movements).Defer();  // Sent with the next statement or the COMMIT.
  return Status::Ok();
}

Result<domain::LedgerEntry> PostgresLedgerRepository::FindEntry(int64_t entry_id) {
  static const std::string kSql = std::string(kEntrySelect) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(entry_id).Run());
  return OneRow(rows, MapLedgerEntry<PgRow>, EntryNotFound());
}

Result<app::EntryPage> PostgresLedgerRepository::ListEntries(const app::EntryQuery& query) {
  app::EntryPage page;
  // An empty type parameter matches every type.
  const std::string type = query.type ? std::string(domain::EntryTypeName(*query.type)) : "";
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows count,
      PgQuery(db_,
              "SELECT COUNT(*) FROM ledger_entries WHERE account_id = $1 AND ($2 = '' OR type = "
              "$2)")
          .Bind(query.account_id)
          .Bind(type)
          .Run());
  page.total = count.Int64(0, 0);
  static const std::string kSql = std::string(kEntrySelect) +
                                  "WHERE account_id = $1 AND ($2 = '' OR type = $2) "
                                  "ORDER BY id DESC LIMIT $3 OFFSET $4";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str())
                                                  .Bind(query.account_id)
                                                  .Bind(type)
                                                  .Bind(query.limit)
                                                  .Bind(query.skip)
                                                  .Run());
  CREDITD_ASSIGN_OR_RETURN(page.items, CollectRows(rows, MapLedgerEntry<PgRow>));
  return page;
}

Result<std::vector<domain::LedgerEntry>> PostgresLedgerRepository::ListAllEntries(
    int64_t account_id) {
  static const std::string kSql = std::string(kEntrySelect) + "WHERE account_id = $1 ORDER BY id";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(account_id).Run());
  return CollectRows(rows, MapLedgerEntry<PgRow>);
}

Result<std::vector<domain::GrantMovement>> PostgresLedgerRepository::ListMovements(
    int64_t account_id) {
  // Inline movements and rows of grant_movements, reached through the account's entries
  // (ledger_entries_account) and the movements' primary key (entry_id, grant_id). A movement of
  // one of the account's entries onto another account's grant is listed too, so verify reports it.
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT id, grant_id, grant_amount FROM ledger_entries WHERE account_id = $1 AND "
              "grant_id IS NOT NULL UNION ALL SELECT m.entry_id, m.grant_id, m.amount FROM "
              "ledger_entries e JOIN grant_movements m ON m.entry_id = e.id WHERE e.account_id = "
              "$1 ORDER BY 1, 2")
          .Bind(account_id)
          .Run());
  return CollectRows(rows, MapGrantMovement<PgRow>);
}

Result<std::map<domain::EntryType, int64_t>> PostgresLedgerRepository::SumByType(
    int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT type, SUM(amount)::BIGINT FROM ledger_entries WHERE account_id = $1 GROUP "
              "BY type")
          .Bind(account_id)
          .Run());
  CREDITD_ASSIGN_OR_RETURN(const auto sums, CollectRows(rows, MapTypeSum<PgRow>));
  return std::map<domain::EntryType, int64_t>(sums.begin(), sums.end());
}

Result<std::vector<app::DailyTotal>> PostgresLedgerRepository::DailyTotals(int64_t account_id,
                                                                           Timestamp since) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT to_char(to_timestamp(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, "
              "type, SUM(amount)::BIGINT FROM ledger_entries WHERE account_id = $1 AND created_at "
              ">= $2 GROUP BY day, type ORDER BY day, type")
          .Bind(account_id)
          .Bind(ToUnixSeconds(since))
          .Run());
  return CollectRows(rows, MapDailyTotal<PgRow>);
}

Result<std::vector<int64_t>> PostgresLedgerRepository::ListAccountsWithDueGrants(Timestamp now,
                                                                                 int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT DISTINCT account_id FROM grants WHERE remaining > 0 AND expires_at IS NOT "
              "NULL AND expires_at <= $1 ORDER BY account_id LIMIT $2")
          .Bind(ToUnixSeconds(now))
          .Bind(int64_t{limit})
          .Run());
  return CollectRows(rows, MapId<PgRow>);
}

}  // namespace creditd::storage::postgres
