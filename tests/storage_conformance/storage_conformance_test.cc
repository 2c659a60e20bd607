// The storage conformance suite: one set of behaviours every Database adapter must show,
// parameterized over the adapters: SQLite always, PostgreSQL when the test run provides a cluster.
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "app/ports/account_repository.h"
#include "app/ports/charge_repository.h"
#include "app/ports/idempotency_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/ports/meta_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/session_repository.h"
#include "app/ports/subscription_repository.h"
#include "app/ports/user_repository.h"
#include "app/transaction.h"
#include "common/status_macros.h"
#include "testing/test_database.h"

namespace creditd {
namespace {

using app::TransactionMode;
using app::UnitOfWork;

struct Backend {
  std::string name;
  // Opens the database in `dir`; opening twice reaches the same data (a restart).
  std::function<std::unique_ptr<app::Database>(const std::string& dir)> open;
};

// Names the backend in test output instead of dumping the struct's bytes.
[[maybe_unused]] void PrintTo(const Backend& backend, std::ostream* out) {
  *out << backend.name;
}

class StorageConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam().name == "postgres" && testing::PostgresAdminDsn().empty()) {
      GTEST_SKIP() << "set CREDITD_TEST_POSTGRES_DSN (make test does) to run on PostgreSQL";
    }
    database_ = GetParam().open(dir_.path());
  }

  void Restart() {
    database_->Close();
    database_ = GetParam().open(dir_.path());
  }

  template <typename Work>
  auto Write(Work&& work) {
    return app::InTransaction(*database_, TransactionMode::kWrite, std::forward<Work>(work));
  }
  template <typename Work>
  auto Read(Work&& work) {
    return app::InTransaction(*database_, TransactionMode::kRead, std::forward<Work>(work));
  }

  domain::User NewUser(const std::string& email) {
    domain::User user;
    user.email = email;
    user.display_name = "n";
    user.password_hash = "$argon2id$x";
    user.created_at = now_;
    return user;
  }

  const Timestamp now_ = FromUnixSeconds(1'800'000'000);
  testing::TempDir dir_;
  std::unique_ptr<app::Database> database_;
};

TEST_P(StorageConformanceTest, UsersHaveUniqueEmailsAndSurviveRestarts) {
  const auto id = Write([&](UnitOfWork& uow) { return uow.users().Insert(NewUser("a@b.co")); });
  ASSERT_TRUE(id.ok());
  const auto duplicate =
      Write([&](UnitOfWork& uow) { return uow.users().Insert(NewUser("a@b.co")); });
  EXPECT_EQ(duplicate.status().reason(), "email_taken");
  Restart();
  const auto found = Read([&](UnitOfWork& uow) { return uow.users().FindByEmail("a@b.co"); });
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, *id);
  EXPECT_EQ(
      Read([&](UnitOfWork& uow) { return uow.users().FindById(*id + 100); }).status().reason(),
      "user_not_found");
}

TEST_P(StorageConformanceTest, AnUncommittedUnitOfWorkLeavesNoTrace) {
  {
    auto uow = database_->Begin(TransactionMode::kWrite);
    ASSERT_TRUE(uow.ok());
    ASSERT_TRUE((*uow)->users().Insert(NewUser("ghost@b.co")).ok());
  }  // Destroyed without Commit: rolled back.
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.users().Count(); }).value(), 0);
}

TEST_P(StorageConformanceTest, EntriesPageNewestFirstAndFilterByType) {
  const auto account = Write([&](UnitOfWork& uow) {
    return uow.accounts().Create(domain::AccountKind::kPersonal, std::nullopt, now_);
  });
  ASSERT_TRUE(account.ok());
  const auto grant = Write([&](UnitOfWork& uow) {
    domain::Grant g;
    g.account_id = account->id;
    g.amount = 100;
    g.remaining = 100;
    g.created_at = now_;
    return uow.ledger().InsertGrant(g);
  });
  ASSERT_TRUE(grant.ok());
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                  domain::LedgerEntry entry;
                  entry.account_id = account->id;
                  entry.type =
                      i % 2 == 0 ? domain::EntryType::kRecharge : domain::EntryType::kConsume;
                  entry.amount = i % 2 == 0 ? 10 : -1;
                  entry.balance_after = i;
                  entry.order_id = i == 0 ? std::optional<int64_t>(77) : std::nullopt;
                  entry.description = "e" + std::to_string(i);
                  entry.created_at = now_;
                  return uow.ledger().AppendEntry(entry, {{0, *grant, entry.amount}});
                }).ok());
  }
  const auto page = Read([&](UnitOfWork& uow) {
    return uow.ledger().ListEntries({account->id, domain::EntryType::kRecharge, 1, 1});
  });
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
  ASSERT_EQ(page->items.size(), 1U);
  EXPECT_EQ(page->items[0].description, "e2");
  const auto all = Read([&](UnitOfWork& uow) { return uow.ledger().ListAllEntries(account->id); });
  ASSERT_EQ(all->size(), 5U);
  EXPECT_EQ((*all)[0].order_id, 77);
  EXPECT_FALSE((*all)[1].order_id.has_value());
  const auto movements =
      Read([&](UnitOfWork& uow) { return uow.ledger().ListMovements(account->id); });
  EXPECT_EQ(movements->size(), 5U);
}

TEST_P(StorageConformanceTest, OrderSequencesCountPerPrefixAndDay) {
  const auto next = [&](char prefix, const char* day) {
    return Write([&](UnitOfWork& uow) { return uow.meta().NextOrderSequence(prefix, day); })
        .value();
  };
  EXPECT_EQ(next('R', "20260122"), 1);
  EXPECT_EQ(next('R', "20260122"), 2);
  EXPECT_EQ(next('M', "20260122"), 1);
  EXPECT_EQ(next('R', "20260123"), 1);
  Restart();
  EXPECT_EQ(next('R', "20260122"), 3);
}

TEST_P(StorageConformanceTest, OrdersPaidThroughAProviderCheckout) {
  int64_t account_id = 0;
  const auto user_id = Write([&](UnitOfWork& uow) -> Result<int64_t> {
    CREDITD_ASSIGN_OR_RETURN(
        const domain::Account account,
        uow.accounts().Create(domain::AccountKind::kPersonal, std::nullopt, now_));
    account_id = account.id;
    return uow.users().Insert(NewUser("o@b.co"));
  });
  ASSERT_TRUE(user_id.ok()) << user_id.status().ToString();
  const auto insert = [&](const std::string& order_no, Timestamp created) {
    domain::Order order;
    order.order_no = order_no;
    order.user_id = *user_id;
    order.account_id = account_id;
    order.price_id = 1;
    order.amount = 100;
    order.price_minor = 990;
    order.currency = "CNY";
    order.payment_method = domain::PaymentMethod::kStripe;
    order.created_at = created;
    order.expires_at = created + std::chrono::minutes(30);
    const auto id = Write([&](UnitOfWork& uow) { return uow.orders().Insert(order); });
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  };
  const int64_t early = insert("R1", now_ - std::chrono::hours(3));
  const int64_t late = insert("R2", now_ - std::chrono::minutes(5));
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.orders().SetCheckout(early, "https://checkout/cs_1", "cs_1");
              }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.orders().SetCheckout(late, "https://checkout/cs_2", "cs_2");
              }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) {
                return uow.orders().MarkClosed(early, domain::OrderStatus::kExpired, now_);
              }).value());
  // Only checkouts created in the window, pending or expired.
  const auto unpaid = Read([&](UnitOfWork& uow) {
    return uow.orders().ListUnpaidCheckouts(domain::PaymentMethod::kStripe,
                                            now_ - std::chrono::hours(26),
                                            now_ - std::chrono::hours(1), 10);
  });
  ASSERT_TRUE(unpaid.ok());
  ASSERT_EQ(unpaid->size(), 1U);
  EXPECT_EQ((*unpaid)[0].order_no, "R1");
  EXPECT_EQ((*unpaid)[0].checkout_ref, "cs_1");
  EXPECT_EQ((*unpaid)[0].payment_method, domain::PaymentMethod::kStripe);

  app::OrderPayment payment;
  payment.paid_at = now_;
  payment.credit_entry_id = 42;
  payment.payment_ref = "pi_1";
  // An expired order is paid only when the provider says it took the money.
  EXPECT_FALSE(
      Write([&](UnitOfWork& uow) { return uow.orders().MarkPaid(early, payment); }).value());
  payment.accept_closed = true;
  EXPECT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.orders().MarkPaid(early, payment); }).value());
  EXPECT_FALSE(
      Write([&](UnitOfWork& uow) { return uow.orders().MarkPaid(early, payment); }).value());
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.orders().SetRefunded(early, 495, now_); }).ok());
  Restart();
  const auto found = Read([&](UnitOfWork& uow) { return uow.orders().FindByPaymentRef("pi_1"); });
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->order_no, "R1");
  EXPECT_EQ((*found)->status, domain::OrderStatus::kPaid);
  EXPECT_EQ((*found)->credit_entry_id, 42);
  EXPECT_EQ((*found)->refunded_minor, 495);
  EXPECT_FALSE(
      Read([&](UnitOfWork& uow) { return uow.orders().FindByPaymentRef("pi_none"); })->has_value());
  // More refunded than paid is refused by the schema.
  EXPECT_FALSE(
      Write([&](UnitOfWork& uow) { return uow.orders().SetRefunded(early, 991, now_); }).ok());
}

TEST_P(StorageConformanceTest, SubscriptionsAndMonthlyUsage) {
  const auto account = Write([&](UnitOfWork& uow) {
    return uow.accounts().Create(domain::AccountKind::kPersonal, std::nullopt, now_);
  });
  ASSERT_TRUE(account.ok());
  EXPECT_FALSE(Read([&](UnitOfWork& uow) {
                 return uow.subscriptions().FindCurrent(account->id);
               })->has_value());
  domain::Subscription subscription;
  subscription.account_id = account->id;
  subscription.provider = "stripe";
  subscription.provider_customer_id = "cus_1";
  subscription.provider_subscription_id = "sub_1";
  subscription.price_id = "price_pro_monthly";
  subscription.plan_key = "pro";
  subscription.interval = "month";
  subscription.status = domain::SubscriptionStatus::kPastDue;
  subscription.current_period_start = now_;
  subscription.current_period_end = now_ + std::chrono::hours(24 * 30);
  subscription.cancel_at_period_end = true;
  subscription.created_at = now_;
  subscription.updated_at = now_;
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.subscriptions().Insert(subscription); }).ok());
  subscription.provider_subscription_id = "sub_2";
  subscription.plan_key = "premium";
  subscription.status = domain::SubscriptionStatus::kTrialing;
  ASSERT_TRUE(
      Write([&](UnitOfWork& uow) { return uow.subscriptions().Insert(subscription); }).ok());
  Restart();
  const auto current =
      Read([&](UnitOfWork& uow) { return uow.subscriptions().FindCurrent(account->id); });
  ASSERT_TRUE(current.ok() && current->has_value());
  EXPECT_EQ((*current)->plan_key, "premium");  // The newest.
  EXPECT_EQ((*current)->status, domain::SubscriptionStatus::kTrialing);
  EXPECT_EQ((*current)->provider_customer_id, "cus_1");
  EXPECT_TRUE((*current)->cancel_at_period_end);
  EXPECT_EQ((*current)->current_period_end, subscription.current_period_end);

  // Usage sums captured charges' units per tool within the period.
  for (const auto& [tool, units, status, at] :
       std::vector<std::tuple<std::string, int64_t, domain::HoldStatus, Timestamp>>{
           {"nano-banana", 2, domain::HoldStatus::kCaptured, now_},
           {"nano-banana", 3, domain::HoldStatus::kCaptured, now_ + std::chrono::hours(1)},
           {"llm-chat", 7, domain::HoldStatus::kCaptured, now_},
           {"llm-chat", 5, domain::HoldStatus::kReleased, now_},
           {"nano-banana", 9, domain::HoldStatus::kCaptured, now_ + std::chrono::hours(24 * 40)}}) {
    domain::Charge charge;
    charge.account_id = account->id;
    charge.tool_key = tool;
    charge.price_version = 1;
    charge.units = units;
    charge.status = status;
    charge.metadata = "{}";
    charge.source = "test";
    charge.created_at = at;
    charge.expires_at = at;
    charge.updated_at = at;
    ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.charges().Insert(charge); }).ok());
  }
  const auto sums = Read([&](UnitOfWork& uow) {
    return uow.charges().SumCapturedUnitsByTool(account->id, now_,
                                                now_ + std::chrono::hours(24 * 30));
  });
  ASSERT_TRUE(sums.ok()) << sums.status().ToString();
  EXPECT_EQ(*sums, (std::map<std::string, int64_t>{{"llm-chat", 7}, {"nano-banana", 5}}));
}

TEST_P(StorageConformanceTest, SettingsAndIdempotencyRecords) {
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.meta().PutSetting("k", "v1"); }).ok());
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.meta().PutSetting("k", "v2"); }).ok());
  EXPECT_EQ(Read([&](UnitOfWork& uow) { return uow.meta().GetSetting("k"); }).value(), "v2");
  EXPECT_FALSE(Read([&](UnitOfWork& uow) { return uow.meta().GetSetting("x"); })->has_value());
  const app::IdempotencyRecord record{"admin:1", "key", "fp", "entry:1", 201, "{\"a\":1}", now_};
  ASSERT_TRUE(Write([&](UnitOfWork& uow) { return uow.idempotency().Insert(record); }).ok());
  EXPECT_EQ(Write([&](UnitOfWork& uow) { return uow.idempotency().Insert(record); }).reason(),
            "idempotency_key_in_flight");
  const auto found =
      Read([&](UnitOfWork& uow) { return uow.idempotency().Find("admin:1", "key"); });
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->result_ref, "entry:1");
  EXPECT_EQ((*found)->response_status, 201);
  EXPECT_EQ((*found)->response_body, "{\"a\":1}");
  // Pruning removes only records older than the cut-off.
  EXPECT_EQ(*Write([&](UnitOfWork& uow) { return uow.idempotency().DeleteOlderThan(now_, 100); }),
            0);
  EXPECT_EQ(*Write([&](UnitOfWork& uow) {
    return uow.idempotency().DeleteOlderThan(now_ + std::chrono::seconds(1), 100);
  }),
            1);
  EXPECT_FALSE(
      Read([&](UnitOfWork& uow) { return uow.idempotency().Find("admin:1", "key"); })->has_value());
}

TEST_P(StorageConformanceTest, RefreshTokenStatesAndFamilies) {
  const auto user = Write([&](UnitOfWork& uow) { return uow.users().Insert(NewUser("t@b.co")); });
  app::RefreshToken token;
  token.family_id = "fam_1";
  token.user_id = *user;
  token.token_hash = "h1";
  token.created_at = now_;
  token.expires_at = now_ + std::chrono::hours(1);
  const auto id = Write([&](UnitOfWork& uow) { return uow.sessions().Insert(token); });
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE(*Read([&](UnitOfWork& uow) { return uow.sessions().IsFamilyActive("fam_1", now_); }));
  EXPECT_TRUE(*Write([&](UnitOfWork& uow) { return uow.sessions().MarkRotated(*id, now_); }));
  EXPECT_FALSE(*Write([&](UnitOfWork& uow) { return uow.sessions().MarkRotated(*id, now_); }));
  EXPECT_FALSE(
      *Read([&](UnitOfWork& uow) { return uow.sessions().IsFamilyActive("fam_1", now_); }));
  EXPECT_EQ(
      Read([&](UnitOfWork& uow) { return uow.sessions().FindByHash("nope"); }).status().reason(),
      "invalid_refresh_token");
}

std::vector<Backend> Backends() {
  std::vector<Backend> backends = {
      {"sqlite", [](const std::string& dir) -> std::unique_ptr<app::Database> {
         return testing::OpenSqlite(dir);
       }}};
  // PostgreSQL runs when the test run started a cluster (make test does), and skips otherwise.
  backends.push_back({"postgres", [](const std::string& dir) -> std::unique_ptr<app::Database> {
                        // One database per test, named after its unique temp directory.
                        std::string name = "conformance_" + dir.substr(dir.rfind('-') + 1);
                        for (char& c : name) {
                          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                        }
                        return testing::OpenPostgres(name);
                      }});
  return backends;
}

INSTANTIATE_TEST_SUITE_P(Backends, StorageConformanceTest, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                           return param_info.param.name;
                         });

}  // namespace
}  // namespace creditd
