// CreditService: what a user reads about their credits and membership (seed 002): balance,
// transactions, statistics, membership statistics, and the public price lists.
//
// Read-only; each method runs one read unit of work, except that a balance is answered from the
// database's AccountSnapshots when it holds the account (then with no transaction at all).
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/ports/ledger_repository.h"
#include "app/ports/unit_of_work.h"
#include "common/clock.h"
#include "common/result.h"
#include "domain/catalog.h"
#include "domain/ledger.h"

namespace creditd::app {

struct Balance {
  int64_t credits = 0;  // Spendable now: balance minus pending holds.
  bool is_member = false;
  std::optional<Timestamp> member_expired_at;
};

struct CreditStatistics {
  // Sum of entry amounts per type over the account's whole history (signed as recorded).
  std::map<domain::EntryType, int64_t> totals;
  int64_t balance = 0;
  int64_t credits = 0;
  // One row per UTC day of the last `days` days, oldest first, with per-type sums (zeros kept).
  struct Day {
    std::string date;  // "2026-01-22".
    std::map<domain::EntryType, int64_t> totals;
  };
  std::vector<Day> daily;
};

struct MembershipStatistics {
  // Paid membership orders in the catalog's membership currency (orders in another are counted
  // in paid_orders only).
  Money total_spent{0, Currency::Cny()};
  int64_t paid_orders = 0;
  bool is_member = false;
  std::optional<Timestamp> member_expired_at;
  int64_t days_left = 0;
};

// The length of the statistics' daily series.
inline constexpr int kStatisticsDays = 30;

class CreditService {
 public:
  CreditService(Database& database, const Clock& clock) : database_(database), clock_(clock) {}

  // Errors: "user_not_found".
  Result<Balance> GetBalance(int64_t user_id);
  // The balance of an account the caller acts for (a team's, resolved by TeamService).
  // "account_not_found".
  Result<Balance> GetAccountBalance(int64_t account_id);

  // A page of the user's entries, newest first, optionally of one type. "user_not_found".
  Result<EntryPage> ListTransactions(int64_t user_id, std::optional<domain::EntryType> type,
                                     int64_t skip, int64_t limit);

  // Totals per type, the balance, and a kStatisticsDays per-day series ending today (UTC).
  Result<CreditStatistics> GetStatistics(int64_t user_id);

  // Money spent on memberships, paid orders, and the current membership.
  Result<MembershipStatistics> GetMembershipStatistics(int64_t user_id);

  // The active credit packs and membership prices, in sort order.
  Result<std::vector<domain::CreditPack>> ListCreditPacks();
  Result<std::vector<domain::MembershipPrice>> ListMembershipPrices();

 private:
  static Balance BalanceOf(const domain::Account& account, Timestamp now);
  // The newest committed row of the account `account_id`, or else of `user_id`'s account: from
  // the database's AccountSnapshots when held there, else read (and offered to them).
  Result<domain::Account> LatestAccount(std::optional<int64_t> user_id,
                                        std::optional<int64_t> account_id);
  Database& database_;
  const Clock& clock_;
};

}  // namespace creditd::app
