// Accounts, grants, ledger entries and grant movements as rows: the column lists, the
// row-to-domain mappers and the parameter lists both backends share (see row_reader.h). Header
// only; thread-safe.
#pragma once

#include <string>
#include <utility>

#include "app/ports/ledger_repository.h"
#include "common/status_macros.h"
#include "domain/ledger.h"
#include "storage/common/row_reader.h"

namespace creditd::storage {

inline constexpr const char* kAccountSelect =
    "SELECT id, kind, owner_user_id, balance, held, created_at, updated_at, member_expired_at, "
    "frozen_reason FROM accounts ";

template <RowReader Row>
Result<domain::Account> MapAccount(const Row& row) {
  domain::Account account;
  account.id = row.Int64(0);
  CREDITD_ASSIGN_OR_RETURN(account.kind,
                           EnumColumn(row, 1, domain::ParseAccountKind, "accounts.kind"));
  account.owner_user_id = row.OptionalInt64(2);
  account.balance = row.Int64(3);
  account.held = row.Int64(4);
  account.created_at = TimeColumn(row, 5);
  account.updated_at = TimeColumn(row, 6);
  account.member_expired_at = OptionalTimeColumn(row, 7);
  account.frozen_reason = row.Text(8);
  return account;
}

// kind, owner_user_id, created_at, updated_at (= created_at) of a new, empty account.
template <ParamWriter Params>
void BindNewAccount(Params& params, domain::AccountKind kind, std::optional<int64_t> owner_user_id,
                    Timestamp now) {
  params.Bind(domain::AccountKindName(kind))
      .Bind(owner_user_id)
      .Bind(ToUnixSeconds(now))
      .Bind(ToUnixSeconds(now));
}

// The account Create returns: what was inserted, with its new id.
inline domain::Account NewAccount(int64_t id, domain::AccountKind kind,
                                  std::optional<int64_t> owner_user_id, Timestamp now) {
  domain::Account account;
  account.id = id;
  account.kind = kind;
  account.owner_user_id = owner_user_id;
  account.created_at = now;
  account.updated_at = now;
  return account;
}

inline constexpr const char* kGrantSelect =
    "SELECT id, account_id, source, priority, amount, remaining, expires_at, order_id, "
    "created_at FROM grants ";

template <RowReader Row>
Result<domain::Grant> MapGrant(const Row& row) {
  domain::Grant grant;
  grant.id = row.Int64(0);
  grant.account_id = row.Int64(1);
  CREDITD_ASSIGN_OR_RETURN(grant.source,
                           EnumColumn(row, 2, domain::ParseGrantSource, "grants.source"));
  grant.priority = IntColumn(row, 3);
  grant.amount = row.Int64(4);
  grant.remaining = row.Int64(5);
  grant.expires_at = OptionalTimeColumn(row, 6);
  grant.order_id = row.OptionalInt64(7);
  grant.created_at = TimeColumn(row, 8);
  return grant;
}

// account_id, source, priority, amount, remaining, expires_at, order_id, created_at.
template <ParamWriter Params>
void BindNewGrant(Params& params, const domain::Grant& grant) {
  params.Bind(grant.account_id)
      .Bind(domain::GrantSourceName(grant.source))
      .Bind(int64_t{grant.priority})
      .Bind(grant.amount)
      .Bind(grant.remaining)
      .Bind(OptionalSeconds(grant.expires_at))
      .Bind(grant.order_id)
      .Bind(ToUnixSeconds(grant.created_at));
}

inline constexpr const char* kEntrySelect =
    "SELECT id, account_id, type, amount, balance_after, order_id, reference, description, "
    "created_at FROM ledger_entries ";

template <RowReader Row>
Result<domain::LedgerEntry> MapLedgerEntry(const Row& row) {
  domain::LedgerEntry entry;
  entry.id = row.Int64(0);
  entry.account_id = row.Int64(1);
  CREDITD_ASSIGN_OR_RETURN(entry.type,
                           EnumColumn(row, 2, domain::ParseEntryType, "ledger_entries.type"));
  entry.amount = row.Int64(3);
  entry.balance_after = row.Int64(4);
  entry.order_id = row.OptionalInt64(5);
  entry.reference = row.Text(6);
  entry.description = row.Text(7);
  entry.created_at = TimeColumn(row, 8);
  return entry;
}

// account_id, type, amount, balance_after, order_id, reference, description, created_at.
template <ParamWriter Params>
void BindNewEntry(Params& params, const domain::LedgerEntry& entry) {
  params.Bind(entry.account_id)
      .Bind(domain::EntryTypeName(entry.type))
      .Bind(entry.amount)
      .Bind(entry.balance_after)
      .Bind(entry.order_id)
      .Bind(entry.reference)
      .Bind(entry.description)
      .Bind(ToUnixSeconds(entry.created_at));
}

// An account's grants that still hold credits; the account id is the one parameter (`$1` reads
// the same in both dialects: SQLite takes it for a named parameter, the first and so number 1).
// Served by grants_open (account_id) WHERE remaining > 0.
inline const char* OpenGrantsOfAccountSql() {
  static const std::string kSql =
      std::string(kGrantSelect) + "WHERE account_id = $1 AND remaining > 0";
  return kSql.c_str();
}

// ledger_entries.grant_id and grant_amount (schema 12): the one movement of an entry that moves
// exactly one grant, stored in the entry's row; null for an entry whose movements are rows of
// grant_movements (several grants, or entries written before version 12) or that has none.
template <ParamWriter Params>
void BindInlineMovement(Params& params, const std::vector<domain::GrantMovement>& movements) {
  if (movements.size() == 1) {
    params.Bind(movements.front().grant_id).Bind(movements.front().amount);
  } else {
    params.Bind(std::optional<int64_t>()).Bind(std::optional<int64_t>());
  }
}

template <RowReader Row>
Result<domain::GrantMovement> MapGrantMovement(const Row& row) {
  return domain::GrantMovement{row.Int64(0), row.Int64(1), row.Int64(2)};
}

// (type, sum) rows of SumByType.
template <RowReader Row>
Result<std::pair<domain::EntryType, int64_t>> MapTypeSum(const Row& row) {
  CREDITD_ASSIGN_OR_RETURN(const domain::EntryType type,
                           EnumColumn(row, 0, domain::ParseEntryType, "ledger_entries.type"));
  return std::pair<domain::EntryType, int64_t>(type, row.Int64(1));
}

// (day, type, sum) rows of DailyTotals.
template <RowReader Row>
Result<app::DailyTotal> MapDailyTotal(const Row& row) {
  CREDITD_ASSIGN_OR_RETURN(const domain::EntryType type,
                           EnumColumn(row, 1, domain::ParseEntryType, "ledger_entries.type"));
  return app::DailyTotal{row.Text(0), type, row.Int64(2)};
}

}  // namespace creditd::storage
