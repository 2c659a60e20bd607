// Conformance of the money repositories: accounts and the ledger (grants, entries, movements).
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "app/ports/account_repository.h"
#include "app/ports/ledger_repository.h"
#include "common/status_macros.h"
#include "storage_conformance/storage_conformance_test.h"

namespace creditd::conformance {
namespace {

class AccountRepositoryConformanceTest : public StorageConformanceTest {
 protected:
  domain::Account Get(int64_t id) {
    return Read([&](UnitOfWork& uow) { return uow.accounts().Get(id); }).value();
  }
};

TEST_P(AccountRepositoryConformanceTest, CreateReturnsAnEmptyAccountThatGetReadsBack) {
  const int64_t owner = AddUser("o@b.co");
  const auto created = Write([&](UnitOfWork& uow) {
    return uow.accounts().Create(domain::AccountKind::kTeam, owner, now_);
  });
  ASSERT_TRUE(created.ok());
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->kind, domain::AccountKind::kTeam);
  EXPECT_EQ(created->owner_user_id, owner);
  EXPECT_EQ(created->balance, 0);
  EXPECT_EQ(created->held, 0);
  const domain::Account stored = Get(created->id);
  EXPECT_EQ(stored.id, created->id);
  EXPECT_EQ(stored.kind, domain::AccountKind::kTeam);
  EXPECT_EQ(stored.owner_user_id, owner);
  EXPECT_EQ(stored.balance, 0);
  EXPECT_EQ(stored.held, 0);
  EXPECT_FALSE(stored.member_expired_at.has_value());
  EXPECT_EQ(stored.frozen_reason, "");
  EXPECT_EQ(stored.created_at, now_);
  EXPECT_EQ(stored.updated_at, now_);
  const domain::Account personal = Get(AddAccount());
  EXPECT_EQ(personal.kind, domain::AccountKind::kPersonal);
  EXPECT_FALSE(personal.owner_user_id.has_value());
}

TEST_P(AccountRepositoryConformanceTest, GetAndGetForUpdateOfAMissingAccountAreNotFound) {
  const int64_t missing = AddAccount() + 100;
  const auto get = Read([&](UnitOfWork& uow) { return uow.accounts().Get(missing); });
  EXPECT_EQ(get.status().reason(), "account_not_found");
  EXPECT_EQ(get.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Write([&](UnitOfWork& uow) { return uow.accounts().GetForUpdate(missing); })
                .status()
                .reason(),
            "account_not_found");
}

TEST_P(AccountRepositoryConformanceTest, UpdateBalanceAfterGetForUpdateStoresBalanceAndHeld) {
  const int64_t id = AddAccount();
  const int64_t other = AddAccount();
  const Timestamp later = now_ + hours(1);
  ASSERT_TRUE(Write([&](UnitOfWork& uow) -> Status {
                const auto locked = uow.accounts().GetForUpdate(id);
                if (!locked.ok()) {
                  return locked.status();
                }
                EXPECT_EQ(locked->balance, 0);
                return uow.accounts().UpdateBalance(id, 500, 120, later);
              }).ok());
  const domain::Account account = Get(id);
  EXPECT_EQ(account.balance, 500);
  EXPECT_EQ(account.held, 120);
  EXPECT_EQ(account.available(), 380);
  EXPECT_EQ(account.updated_at, later);
  EXPECT_EQ(Get(other).balance, 0);
  EXPECT_EQ(Write([&](UnitOfWork& uow) -> Result<int64_t> {
              return uow.accounts().GetForUpdate(id).value().balance;
            }).value(),
            500);
  // The schema refuses a hold beyond the balance and a negative hold.
  EXPECT_FALSE(
      Write([&](UnitOfWork& uow) { return uow.accounts().UpdateBalance(id, 10, 11, now_); }).ok());
  EXPECT_FALSE(
      Write([&](UnitOfWork& uow) { return uow.accounts().UpdateBalance(id, 10, -1, now_); }).ok());
  EXPECT_EQ(Get(id).balance, 500);
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return uow.accounts().UpdateBalance(id + 100, 1, 0, now_);
            }).reason(),
            "account_not_found");
}

TEST_P(AccountRepositoryConformanceTest, LockWithOpenGrantsReturnsTheAccountAndItsOpenGrants) {
  const int64_t account = AddAccount();
  const int64_t other = AddAccount();
  const int64_t spent = AddGrant(account, 10);
  const int64_t open = AddGrant(account, 20, now_ + hours(1));
  const int64_t second = AddGrant(account, 30);
  AddGrant(other, 40);
  const auto locked = Write([&](UnitOfWork& uow) -> Result<app::LockedAccount> {
    CREDITD_RETURN_IF_ERROR(uow.ledger().UpdateGrantRemaining(spent, 0));
    CREDITD_RETURN_IF_ERROR(uow.accounts().UpdateBalance(account, 50, 5, now_));
    // Reads what this unit of work wrote before it (a deferred write is sent first).
    return uow.accounts().LockWithOpenGrants(account);
  });
  ASSERT_TRUE(locked.ok()) << locked.status().ToString();
  EXPECT_EQ(locked->account.id, account);
  EXPECT_EQ(locked->account.balance, 50);
  EXPECT_EQ(locked->account.held, 5);
  std::vector<domain::Grant> grants = locked->open_grants;
  std::sort(grants.begin(), grants.end(),
            [](const domain::Grant& a, const domain::Grant& b) { return a.id < b.id; });
  ASSERT_EQ(grants.size(), 2U);
  EXPECT_EQ(grants[0].id, open);
  EXPECT_EQ(grants[0].remaining, 20);
  EXPECT_EQ(grants[0].expires_at, now_ + hours(1));
  EXPECT_EQ(grants[1].id, second);
  EXPECT_EQ(Write([&](UnitOfWork& uow) { return uow.accounts().LockWithOpenGrants(other + 100); })
                .status()
                .reason(),
            "account_not_found");
}

TEST_P(AccountRepositoryConformanceTest, AFailedWriteFailsItsUnitOfWorkAndNothingOfItIsKept) {
  // Writes that may be deferred (unit_of_work.h) report a failure at the latest at Commit; the
  // writes before and after it are rolled back with it.
  const int64_t account = AddAccount();
  const int64_t grant = AddGrant(account, 10);
  const Status failed = Write([&](UnitOfWork& uow) -> Status {
    CREDITD_RETURN_IF_ERROR(uow.accounts().UpdateBalance(account, 70, 0, now_));
    CREDITD_RETURN_IF_ERROR(uow.ledger().AddToGrantRemaining(grant + 100, -1));
    return uow.ledger().UpdateGrantRemaining(grant, 3);
  });
  EXPECT_EQ(failed.reason(), "database_error");
  EXPECT_EQ(Get(account).balance, 0);
  const auto grants =
      Read([&](UnitOfWork& uow) { return uow.ledger().ListGrants(account); }).value();
  ASSERT_EQ(grants.size(), 1U);
  EXPECT_EQ(grants[0].remaining, 10);
  // The connection is fit for the next unit of work.
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.accounts().UpdateBalance(account, 9, 0, now_);
              }).ok());
  EXPECT_EQ(Get(account).balance, 9);
}

TEST_P(AccountRepositoryConformanceTest, ACommitReportsSuccessOnlyForWritesItKept) {
  // A caller that ignores a failed write and commits: on PostgreSQL the failure has aborted the
  // transaction and the server answers the COMMIT with ROLLBACK, which must not read as success.
  const int64_t account = AddAccount();
  const int64_t grant = AddGrant(account, 10);
  const Status committed = Write([&](UnitOfWork& uow) -> Status {
    CREDITD_RETURN_IF_ERROR(uow.accounts().UpdateBalance(account, 70, 0, now_));
    uow.ledger().AddToGrantRemaining(grant + 100, -1).IgnoreError();
    // On PostgreSQL this read carries the write's failure, ignored here as well.
    uow.ledger().ListGrants(account).status().IgnoreError();
    return Status::Ok();
  });
  EXPECT_EQ(Get(account).balance, committed.ok() ? 70 : 0) << committed.ToString();
}

TEST_P(AccountRepositoryConformanceTest, SetMemberExpiryAndSetFrozenChangeOneAccount) {
  const int64_t id = AddAccount();
  const int64_t other = AddAccount();
  const Timestamp expiry = now_ + hours(24 * 30);
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.accounts().SetMemberExpiry(id, expiry, now_);
              }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.accounts().SetFrozen(id, "chargeback", now_);
              }).ok());
  domain::Account account = Get(id);
  EXPECT_EQ(account.member_expired_at, expiry);
  EXPECT_EQ(account.frozen_reason, "chargeback");
  EXPECT_FALSE(Get(other).member_expired_at.has_value());
  EXPECT_EQ(Get(other).frozen_reason, "");
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.accounts().SetFrozen(id, "", now_); }).ok());
  EXPECT_EQ(Get(id).frozen_reason, "");
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return uow.accounts().SetMemberExpiry(id + 100, expiry, now_);
            }).reason(),
            "account_not_found");
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return uow.accounts().SetFrozen(id + 100, "x", now_);
            }).reason(),
            "account_not_found");
}

TEST_P(AccountRepositoryConformanceTest, FreeCreditsAreDueSoonestFirstUpToTheLimit) {
  const int64_t never_set = AddAccount();  // Due at 0: at once.
  const int64_t later = AddAccount();
  const int64_t recent = AddAccount();
  const int64_t oldest = AddAccount();
  const auto set_due = [&](int64_t id, Timestamp due) {
    ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                  return uow.accounts().SetFreeCreditsDue(id, due, now_);
                }).ok());
  };
  set_due(later, now_ + seconds(1));
  set_due(recent, now_);
  set_due(oldest, now_ - hours(2));
  const auto due = [&](int limit) {
    return Read([&](UnitOfWork& uow) { return uow.accounts().ListFreeCreditsDue(now_, limit); })
        .value();
  };
  EXPECT_EQ(due(10), (std::vector<int64_t>{never_set, oldest, recent}));
  EXPECT_EQ(due(2), (std::vector<int64_t>{never_set, oldest}));
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return uow.accounts().SetFreeCreditsDue(oldest + 100, now_, now_);
            }).reason(),
            "account_not_found");
}

TEST_P(AccountRepositoryConformanceTest, SumAllCountsAccountsAndAddsTheirBalancesAndHolds) {
  const auto sum = [&] {
    return Read([&](UnitOfWork& uow) { return uow.accounts().SumAll(); }).value();
  };
  EXPECT_EQ(sum().accounts, 0);
  EXPECT_EQ(sum().balance, 0);
  const int64_t first = AddAccount();
  const int64_t second = AddAccount();
  AddAccount();  // Empty: counted, adds nothing.
  ASSERT_TRUE(Write([&](UnitOfWork& uow) -> Status {
                CREDITD_RETURN_IF_ERROR(uow.accounts().UpdateBalance(first, 500, 120, now_));
                return uow.accounts().UpdateBalance(second, 4'000'000'000'000, 0, now_);
              }).ok());
  const auto totals = sum();
  EXPECT_EQ(totals.accounts, 3);
  EXPECT_EQ(totals.balance, 4'000'000'000'500);
  EXPECT_EQ(totals.held, 120);
}

TEST_P(AccountRepositoryConformanceTest, ListIdsPagesAscendingAfterAnId) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(AddAccount());
  }
  const auto list = [&](int64_t after, int limit) {
    return Read([&](UnitOfWork& uow) { return uow.accounts().ListIds(after, limit); }).value();
  };
  EXPECT_EQ(list(0, 100), ids);
  EXPECT_EQ(list(0, 2), (std::vector<int64_t>{ids[0], ids[1]}));
  EXPECT_EQ(list(ids[1], 2), (std::vector<int64_t>{ids[2], ids[3]}));
  EXPECT_EQ(list(ids[4], 2), std::vector<int64_t>{});
}

class LedgerRepositoryConformanceTest : public StorageConformanceTest {
 protected:
  std::vector<domain::Grant> Grants(int64_t account) {
    return Read([&](UnitOfWork& uow) { return uow.ledger().ListGrants(account); }).value();
  }
  // A CONSUME entry of `amount` (negative) on `account`, created now.
  domain::LedgerEntry NewConsumeEntry(int64_t account, int64_t amount, int64_t balance_after,
                                      const std::string& reference,
                                      const std::string& description) const {
    domain::LedgerEntry entry;
    entry.account_id = account;
    entry.type = domain::EntryType::kConsume;
    entry.amount = amount;
    entry.balance_after = balance_after;
    entry.reference = reference;
    entry.description = description;
    entry.created_at = now_;
    return entry;
  }
};

TEST_P(LedgerRepositoryConformanceTest, GrantsReadBackInIdOrderWithEveryField) {
  const int64_t account = AddAccount();
  const int64_t other = AddAccount();
  domain::Grant grant;
  grant.account_id = account;
  grant.source = domain::GrantSource::kPlanAllowance;
  grant.priority = domain::kPriorityPlanAllowance;
  grant.amount = 300;
  grant.remaining = 250;
  grant.expires_at = now_ + hours(24);
  grant.order_id = 42;
  grant.created_at = now_;
  const int64_t first =
      Write([&](UnitOfWork& uow) { return uow.ledger().InsertGrant(grant); }).value();
  const int64_t second = AddGrant(account, 50);
  AddGrant(other, 70);
  const std::vector<domain::Grant> grants = Grants(account);
  ASSERT_EQ(grants.size(), 2U);
  EXPECT_EQ(grants[0].id, first);
  EXPECT_EQ(grants[0].account_id, account);
  EXPECT_EQ(grants[0].source, domain::GrantSource::kPlanAllowance);
  EXPECT_EQ(grants[0].priority, domain::kPriorityPlanAllowance);
  EXPECT_EQ(grants[0].amount, 300);
  EXPECT_EQ(grants[0].remaining, 250);
  EXPECT_EQ(grants[0].expires_at, now_ + hours(24));
  EXPECT_EQ(grants[0].order_id, 42);
  EXPECT_EQ(grants[0].created_at, now_);
  EXPECT_EQ(grants[1].id, second);
  EXPECT_FALSE(grants[1].expires_at.has_value());
  EXPECT_FALSE(grants[1].order_id.has_value());
}

TEST_P(LedgerRepositoryConformanceTest, OpenGrantsAreThoseWithCreditsLeft) {
  const int64_t account = AddAccount();
  const int64_t spent = AddGrant(account, 10);
  const int64_t open = AddGrant(account, 20);
  const int64_t topped = AddGrant(account, 30);
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.ledger().UpdateGrantRemaining(spent, 0); }).ok());
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.ledger().AddToGrantRemaining(open, -5); }).ok());
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.ledger().UpdateGrantRemaining(topped, 0); }).ok());
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.ledger().AddToGrantRemaining(topped, 7); }).ok());
  auto open_grants =
      Read([&](UnitOfWork& uow) { return uow.ledger().ListOpenGrants(account); }).value();
  std::sort(open_grants.begin(), open_grants.end(),
            [](const domain::Grant& a, const domain::Grant& b) { return a.id < b.id; });
  ASSERT_EQ(open_grants.size(), 2U);
  EXPECT_EQ(open_grants[0].id, open);
  EXPECT_EQ(open_grants[0].remaining, 15);
  EXPECT_EQ(open_grants[1].id, topped);
  EXPECT_EQ(open_grants[1].remaining, 7);
  EXPECT_EQ(Grants(account)[0].remaining, 0);
}

TEST_P(LedgerRepositoryConformanceTest, GrantUpdatesRefuseMissingGrantsAndBrokenBounds) {
  const int64_t account = AddAccount();
  const int64_t grant = AddGrant(account, 10);
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return uow.ledger().UpdateGrantRemaining(grant + 100, 1);
            }).reason(),
            "database_error");
  EXPECT_EQ(Write([&](UnitOfWork& uow) {
              return uow.ledger().AddToGrantRemaining(grant + 100, 1);
            }).reason(),
            "database_error");
  // remaining stays within [0, amount].
  EXPECT_FALSE(
      Write([&](UnitOfWork& uow) { return uow.ledger().AddToGrantRemaining(grant, 1); }).ok());
  EXPECT_FALSE(
      Write([&](UnitOfWork& uow) { return uow.ledger().UpdateGrantRemaining(grant, -1); }).ok());
  EXPECT_EQ(Grants(account)[0].remaining, 10);
}

TEST_P(LedgerRepositoryConformanceTest, AppendEntryStoresTheEntryAndItsMovements) {
  const int64_t account = AddAccount();
  const int64_t other = AddAccount();
  const int64_t g1 = AddGrant(account, 100);
  const int64_t g2 = AddGrant(account, 100);
  const int64_t foreign = AddGrant(other, 100);
  domain::LedgerEntry entry = NewConsumeEntry(account, -30, 170, "charge:7", "two grants");
  entry.order_id = 9;
  const int64_t id = Write([&](UnitOfWork& uow) {
                       return uow.ledger().AppendEntry(entry, {{0, g2, -10}, {0, g1, -20}});
                     }).value();
  entry.account_id = other;
  entry.amount = -5;
  const int64_t foreign_entry = Write([&](UnitOfWork& uow) {
                                  return uow.ledger().AppendEntry(entry, {{0, foreign, -5}});
                                }).value();
  EXPECT_GT(foreign_entry, id);
  const auto found = Read([&](UnitOfWork& uow) { return uow.ledger().FindEntry(id); });
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->account_id, account);
  EXPECT_EQ(found->type, domain::EntryType::kConsume);
  EXPECT_EQ(found->amount, -30);
  EXPECT_EQ(found->balance_after, 170);
  EXPECT_EQ(found->order_id, 9);
  EXPECT_EQ(found->reference, "charge:7");
  EXPECT_EQ(found->description, "two grants");
  EXPECT_EQ(found->created_at, now_);
  // Movements of the account only, by entry then grant.
  const auto movements =
      Read([&](UnitOfWork& uow) { return uow.ledger().ListMovements(account); }).value();
  ASSERT_EQ(movements.size(), 2U);
  EXPECT_EQ(movements[0].entry_id, id);
  EXPECT_EQ(movements[0].grant_id, g1);
  EXPECT_EQ(movements[0].amount, -20);
  EXPECT_EQ(movements[1].grant_id, g2);
  EXPECT_EQ(movements[1].amount, -10);
  // A movement of the account's entry onto another account's grant (a broken ledger) is listed
  // with the account's, so verify reports the unknown grant.
  entry.account_id = account;
  const int64_t stray = Write([&](UnitOfWork& uow) {
                          return uow.ledger().AppendEntry(entry, {{0, foreign, -5}});
                        }).value();
  const auto with_stray =
      Read([&](UnitOfWork& uow) { return uow.ledger().ListMovements(account); }).value();
  ASSERT_EQ(with_stray.size(), 3U);
  EXPECT_EQ(with_stray[2].entry_id, stray);
  EXPECT_EQ(with_stray[2].grant_id, foreign);
  const auto missing = Read([&](UnitOfWork& uow) { return uow.ledger().FindEntry(id + 100); });
  EXPECT_EQ(missing.status().reason(), "account_not_found");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST_P(LedgerRepositoryConformanceTest, RecordEntryStoresTheEntryAndItsMovementsAsAppendEntry) {
  const int64_t account = AddAccount();
  const int64_t grant = AddGrant(account, 100);
  const domain::LedgerEntry entry = NewConsumeEntry(account, -4, 96, "charge:3", "recorded");
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.ledger().RecordEntry(entry, {{0, grant, -4}});
              }).ok());
  const auto entries =
      Read([&](UnitOfWork& uow) { return uow.ledger().ListAllEntries(account); }).value();
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].amount, -4);
  EXPECT_EQ(entries[0].balance_after, 96);
  EXPECT_EQ(entries[0].reference, "charge:3");
  EXPECT_EQ(entries[0].description, "recorded");
  const auto movements =
      Read([&](UnitOfWork& uow) { return uow.ledger().ListMovements(account); }).value();
  ASSERT_EQ(movements.size(), 1U);
  EXPECT_EQ(movements[0].entry_id, entries[0].id);
  EXPECT_EQ(movements[0].grant_id, grant);
  EXPECT_EQ(movements[0].amount, -4);
}

TEST_P(LedgerRepositoryConformanceTest, EntriesPageNewestFirstAndFilterByType) {
  const int64_t account = AddAccount();
  const int64_t other = AddAccount();
  const int64_t grant = AddGrant(account, 100);
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                  domain::LedgerEntry entry;
                  entry.account_id = account;
                  entry.type =
                      i % 2 == 0 ? domain::EntryType::kRecharge : domain::EntryType::kConsume;
                  entry.amount = i % 2 == 0 ? 10 : -1;
                  entry.balance_after = i;
                  entry.order_id = i == 0 ? std::optional<int64_t>(77) : std::nullopt;
                  entry.description = "e" + std::to_string(i);
                  entry.created_at = now_;
                  return uow.ledger().AppendEntry(entry, {{0, grant, entry.amount}});
                }).ok());
  }
  AddEntry(other, domain::EntryType::kRecharge, 5, now_);
  const auto query = [&](std::optional<domain::EntryType> type, int64_t skip, int64_t limit) {
    return Read([&](UnitOfWork& uow) {
             return uow.ledger().ListEntries({account, type, skip, limit});
           })
        .value();
  };
  const app::EntryPage page = query(domain::EntryType::kRecharge, 1, 1);
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.items.size(), 1U);
  EXPECT_EQ(page.items[0].description, "e2");
  const app::EntryPage all = query(std::nullopt, 0, 20);
  EXPECT_EQ(all.total, 5);
  ASSERT_EQ(all.items.size(), 5U);
  EXPECT_EQ(all.items[0].description, "e4");
  EXPECT_EQ(all.items[4].description, "e0");
  const app::EntryPage beyond = query(std::nullopt, 5, 20);
  EXPECT_EQ(beyond.total, 5);
  EXPECT_TRUE(beyond.items.empty());
  EXPECT_EQ(query(domain::EntryType::kRefund, 0, 20).total, 0);
  const auto entries =
      Read([&](UnitOfWork& uow) { return uow.ledger().ListAllEntries(account); }).value();
  ASSERT_EQ(entries.size(), 5U);
  EXPECT_EQ(entries[0].description, "e0");  // In id order.
  EXPECT_EQ(entries[0].order_id, 77);
  EXPECT_FALSE(entries[1].order_id.has_value());
  EXPECT_EQ(entries[4].description, "e4");
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.ledger().ListMovements(account); })->size(), 5U);
}

TEST_P(LedgerRepositoryConformanceTest, SumByTypeAddsTheAccountsEntriesPerType) {
  const int64_t account = AddAccount();
  const int64_t other = AddAccount();
  AddEntry(account, domain::EntryType::kRecharge, 100, now_);
  AddEntry(account, domain::EntryType::kRecharge, 50, now_);
  AddEntry(account, domain::EntryType::kConsume, -30, now_);
  AddEntry(other, domain::EntryType::kReward, 9, now_);
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.ledger().SumByType(account); }).value(),
            (std::map<domain::EntryType, int64_t>{{domain::EntryType::kRecharge, 150},
                                                  {domain::EntryType::kConsume, -30}}));
  EXPECT_TRUE(Read([&](UnitOfWork& uow) { return uow.ledger().SumByType(AddAccount()); })->empty());
}

TEST_P(LedgerRepositoryConformanceTest, DailyTotalsSumPerUtcDayAndTypeSinceATime) {
  // now_ is 2027-01-15T08:00:00Z.
  const Timestamp day_start = now_ - hours(8);
  const int64_t account = AddAccount();
  AddEntry(account, domain::EntryType::kRecharge, 7, day_start - seconds(1));  // Before `since`.
  AddEntry(account, domain::EntryType::kRecharge, 100, day_start);
  AddEntry(account, domain::EntryType::kConsume, -10,
           day_start + hours(23) + std::chrono::minutes(59));
  AddEntry(account, domain::EntryType::kConsume, -5, day_start + hours(12));
  AddEntry(account, domain::EntryType::kConsume, -1, day_start + hours(24));  // The next day.
  AddEntry(AddAccount(), domain::EntryType::kConsume, -99, now_);
  const auto totals =
      Read([&](UnitOfWork& uow) { return uow.ledger().DailyTotals(account, day_start); }).value();
  ASSERT_EQ(totals.size(), 3U);
  EXPECT_EQ(totals[0].day, "2027-01-15");
  EXPECT_EQ(totals[0].type, domain::EntryType::kConsume);
  EXPECT_EQ(totals[0].amount, -15);
  EXPECT_EQ(totals[1].day, "2027-01-15");
  EXPECT_EQ(totals[1].type, domain::EntryType::kRecharge);
  EXPECT_EQ(totals[1].amount, 100);
  EXPECT_EQ(totals[2].day, "2027-01-16");
  EXPECT_EQ(totals[2].type, domain::EntryType::kConsume);
  EXPECT_EQ(totals[2].amount, -1);
}

TEST_P(LedgerRepositoryConformanceTest, AccountsWithDueGrantsHaveExpiredCreditsLeft) {
  const int64_t due_twice = AddAccount();
  const int64_t not_yet = AddAccount();
  const int64_t spent = AddAccount();
  const int64_t no_expiry = AddAccount();
  const int64_t due = AddAccount();
  AddGrant(due_twice, 10, now_ - hours(1));
  AddGrant(due_twice, 10, now_);
  AddGrant(not_yet, 10, now_ + seconds(1));
  const int64_t spent_grant = AddGrant(spent, 10, now_ - hours(1));
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.ledger().UpdateGrantRemaining(spent_grant, 0);
              }).ok());
  AddGrant(no_expiry, 10);
  AddGrant(due, 10, now_ - hours(48));
  const auto list = [&](int limit) {
    return Read(
               [&](UnitOfWork& uow) { return uow.ledger().ListAccountsWithDueGrants(now_, limit); })
        .value();
  };
  EXPECT_EQ(list(10), (std::vector<int64_t>{due_twice, due}));
  EXPECT_EQ(list(1), (std::vector<int64_t>{due_twice}));
}

CREDITD_ON_EVERY_BACKEND(AccountRepositoryConformanceTest);
CREDITD_ON_EVERY_BACKEND(LedgerRepositoryConformanceTest);

}  // namespace
}  // namespace creditd::conformance
