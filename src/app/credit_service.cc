#include "app/credit_service.h"

#include "app/ports/account_repository.h"
#include "app/ports/account_snapshots.h"
#include "app/ports/catalog_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/user_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"
#include "domain/order.h"

namespace creditd::app {

namespace {
Result<domain::Account> AccountOfUser(UnitOfWork& uow, int64_t user_id) {
  CREDITD_ASSIGN_OR_RETURN(const domain::User user, uow.users().FindById(user_id));
  return uow.accounts().Get(user.account_id);
}

std::string IsoDate(Timestamp t) {
  const std::string compact = FormatCompactDate(t);
  return compact.substr(0, 4) + "-" + compact.substr(4, 2) + "-" + compact.substr(6, 2);
}
}  // namespace

Result<Balance> CreditService::GetBalance(int64_t user_id) {
  const Timestamp now = clock_.Now();
  CREDITD_ASSIGN_OR_RETURN(const domain::Account account, LatestAccount(user_id, std::nullopt));
  return BalanceOf(account, now);
}

Result<Balance> CreditService::GetAccountBalance(int64_t account_id) {
  const Timestamp now = clock_.Now();
  CREDITD_ASSIGN_OR_RETURN(const domain::Account account, LatestAccount(std::nullopt, account_id));
  return BalanceOf(account, now);
}

Result<domain::Account> CreditService::LatestAccount(std::optional<int64_t> user_id,
                                                     std::optional<int64_t> account_id) {
  AccountSnapshots* snapshots = database_.account_snapshots();
  uint64_t seen = 0;
  if (snapshots != nullptr) {
    // A balance read is the hottest read there is: held accounts cost no transaction (on
    // SQLite a read transaction takes file locks shared by every thread).
    const std::optional<int64_t> id = account_id ? account_id : snapshots->AccountOfUser(*user_id);
    if (id) {
      if (std::optional<domain::Account> held = snapshots->Find(*id)) {
        return std::move(*held);
      }
    }
    seen = snapshots->generation();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::Account account,
                           InTransaction(database_, TransactionMode::kRead, [&](UnitOfWork& uow) {
                             return account_id ? uow.accounts().Get(*account_id)
                                               : AccountOfUser(uow, *user_id);
                           }));
  if (snapshots != nullptr) {
    snapshots->Offer(account, account_id ? std::nullopt : user_id, seen);
  }
  return account;
}

Balance CreditService::BalanceOf(const domain::Account& account, Timestamp now) {
  Balance balance;
  balance.credits = account.available();
  balance.is_member = domain::IsMember(account.member_expired_at, now);
  balance.member_expired_at = account.member_expired_at;
  return balance;
}

Result<EntryPage> CreditService::ListTransactions(int64_t user_id,
                                                  std::optional<domain::EntryType> type,
                                                  int64_t skip, int64_t limit) {
  return InTransaction(
      database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<EntryPage> {
        CREDITD_ASSIGN_OR_RETURN(const domain::Account account, AccountOfUser(uow, user_id));
        return uow.ledger().ListEntries({account.id, type, skip, limit});
      });
}

Result<CreditStatistics> CreditService::GetStatistics(int64_t user_id) {
  const Timestamp now = clock_.Now();
  const Timestamp today = std::chrono::floor<std::chrono::days>(now);
  const Timestamp since = today - std::chrono::days(kStatisticsDays - 1);
  return InTransaction(
      database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<CreditStatistics> {
        CREDITD_ASSIGN_OR_RETURN(const domain::Account account, AccountOfUser(uow, user_id));
        CreditStatistics statistics;
        CREDITD_ASSIGN_OR_RETURN(statistics.totals, uow.ledger().SumByType(account.id));
        statistics.balance = account.balance;
        statistics.credits = account.available();
        CREDITD_ASSIGN_OR_RETURN(const auto daily, uow.ledger().DailyTotals(account.id, since));
        for (int i = 0; i < kStatisticsDays; ++i) {
          statistics.daily.push_back({IsoDate(since + std::chrono::days(i)), {}});
        }
        for (const DailyTotal& total : daily) {
          for (auto& day : statistics.daily) {
            if (day.date == total.day) {
              day.totals[total.type] += total.amount;
            }
          }
        }
        return statistics;
      });
}

Result<MembershipStatistics> CreditService::GetMembershipStatistics(int64_t user_id) {
  const Timestamp now = clock_.Now();
  return InTransaction(
      database_, TransactionMode::kRead, [&](UnitOfWork& uow) -> Result<MembershipStatistics> {
        CREDITD_ASSIGN_OR_RETURN(const domain::Account account, AccountOfUser(uow, user_id));
        MembershipStatistics statistics;
        CREDITD_ASSIGN_OR_RETURN(const auto totals,
                                 uow.orders().PaidTotals(user_id, domain::OrderKind::kMembership));
        CREDITD_ASSIGN_OR_RETURN(const auto prices, uow.catalog().ListMembershipPrices());
        // Memberships are sold in one currency (the catalog's); report that one.
        const Currency currency = prices.empty() ? Currency::Cny() : prices.front().currency();
        statistics.total_spent = Money(0, currency);
        for (const PaidTotal& total : totals) {
          statistics.paid_orders += total.orders;
          if (total.currency == currency.code()) {
            statistics.total_spent = statistics.total_spent + Money(total.total_minor, currency);
          }
        }
        statistics.is_member = domain::IsMember(account.member_expired_at, now);
        statistics.member_expired_at = account.member_expired_at;
        statistics.days_left = domain::MembershipDaysLeft(account.member_expired_at, now);
        return statistics;
      });
}

namespace {
template <typename Price>
std::vector<Price> ActiveOnly(std::vector<Price> prices) {
  std::erase_if(prices, [](const Price& price) { return !price.is_active; });
  return prices;
}
}  // namespace

Result<std::vector<domain::CreditPack>> CreditService::ListCreditPacks() {
  CREDITD_ASSIGN_OR_RETURN(
      auto packs, InTransaction(database_, TransactionMode::kRead,
                                [](UnitOfWork& uow) { return uow.catalog().ListCreditPacks(); }));
  return ActiveOnly(std::move(packs));
}

Result<std::vector<domain::MembershipPrice>> CreditService::ListMembershipPrices() {
  CREDITD_ASSIGN_OR_RETURN(auto prices,
                           InTransaction(database_, TransactionMode::kRead, [](UnitOfWork& uow) {
                             return uow.catalog().ListMembershipPrices();
                           }));
  return ActiveOnly(std::move(prices));
}

}  // namespace creditd::app
