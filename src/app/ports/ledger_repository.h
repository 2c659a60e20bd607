// Grants, ledger entries and grant movements of the credit ledger. Entries and movements are
// append-only; only a grant's `remaining` ever changes. Part of a UnitOfWork; not thread-safe
// on its own (see unit_of_work.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "domain/ledger.h"

namespace creditd::app {

// A filter and page over one account's entries, newest first.
struct EntryQuery {
  int64_t account_id = 0;
  std::optional<domain::EntryType> type;
  int64_t skip = 0;
  int64_t limit = 20;
};

struct EntryPage {
  std::vector<domain::LedgerEntry> items;
  int64_t total = 0;  // Entries matching the filter, ignoring skip/limit.
};

// The sum of one account's entries of one type on one UTC day ("2026-01-22").
struct DailyTotal {
  std::string day;
  domain::EntryType type = domain::EntryType::kAdjust;
  int64_t amount = 0;
};

class LedgerRepository {
 public:
  virtual ~LedgerRepository() = default;

  // Inserts a grant (id ignored) and returns its id.
  virtual Result<int64_t> InsertGrant(const domain::Grant& grant) = 0;

  // Returns the account's grants with remaining > 0 (any order).
  virtual Result<std::vector<domain::Grant>> ListOpenGrants(int64_t account_id) = 0;

  // Returns all of the account's grants in id order.
  virtual Result<std::vector<domain::Grant>> ListGrants(int64_t account_id) = 0;

  // Sets a grant's remaining credits. May be deferred (unit_of_work.h).
  virtual Status UpdateGrantRemaining(int64_t grant_id, int64_t remaining) = 0;

  // Adds `delta` (either sign) to a grant's remaining credits. May be deferred.
  virtual Status AddToGrantRemaining(int64_t grant_id, int64_t delta) = 0;

  // Appends an entry (id ignored) with its movements (entry_id ignored) and returns the entry id.
  virtual Result<int64_t> AppendEntry(const domain::LedgerEntry& entry,
                                      const std::vector<domain::GrantMovement>& movements) = 0;

  // AppendEntry for a caller that needs no id. May be deferred (unit_of_work.h).
  virtual Status RecordEntry(const domain::LedgerEntry& entry,
                             const std::vector<domain::GrantMovement>& movements) = 0;

  // Returns the entry with `entry_id`, or kNotFound/"account_not_found" if it is absent.
  virtual Result<domain::LedgerEntry> FindEntry(int64_t entry_id) = 0;

  // Returns a page of entries, newest first.
  virtual Result<EntryPage> ListEntries(const EntryQuery& query) = 0;

  // Returns all of the account's entries in id order, and all its entries' movements, by entry
  // then grant (for audits: a movement onto another account's grant is listed, so verify sees it).
  virtual Result<std::vector<domain::LedgerEntry>> ListAllEntries(int64_t account_id) = 0;
  virtual Result<std::vector<domain::GrantMovement>> ListMovements(int64_t account_id) = 0;

  // Returns the sum of the account's entry amounts per type (types without entries are absent).
  virtual Result<std::map<domain::EntryType, int64_t>> SumByType(int64_t account_id) = 0;

  // Returns per-day, per-type sums of the account's entries created at or after `since`.
  virtual Result<std::vector<DailyTotal>> DailyTotals(int64_t account_id, Timestamp since) = 0;

  // Returns up to `limit` ids of accounts that have a grant with credits left whose expiry is
  // at or before `now`.
  virtual Result<std::vector<int64_t>> ListAccountsWithDueGrants(Timestamp now, int limit) = 0;
};

}  // namespace creditd::app
