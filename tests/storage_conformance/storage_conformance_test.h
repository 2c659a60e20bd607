// The storage conformance fixture: one database per test on every adapter (SQLite always,
// PostgreSQL when the test run provides a cluster), with helpers that write the rows the
// repository tests build on. Each *_conformance_test.cc file derives one fixture per group of
// repositories and instantiates it over Backends(), so the suites read per repository in the
// test output ("Backends/LedgerRepositoryConformanceTest.X/postgres").
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "app/ports/account_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/unit_of_work.h"
#include "app/ports/user_repository.h"
#include "app/transaction.h"
#include "common/clock.h"
#include "testing/test_database.h"

namespace creditd::conformance {

// What every conformance file writes with.
using app::UnitOfWork;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

struct Backend {
  std::string name;
  // Opens the database in `dir`; opening twice reaches the same data (a restart).
  std::function<std::unique_ptr<app::Database>(const std::string& dir)> open;
};

// Names the backend in test output instead of dumping the struct's bytes.
inline void PrintTo(const Backend& backend, std::ostream* out) {
  *out << backend.name;
}

// SQLite, and PostgreSQL (whose tests skip without CREDITD_TEST_POSTGRES_DSN).
std::vector<Backend> Backends();

// The name of a parameterized test instance: the backend's.
inline std::string BackendName(const ::testing::TestParamInfo<Backend>& param_info) {
  return param_info.param.name;
}

class StorageConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;

  // Closes the database and opens it again: what a committed write must survive.
  void Restart();

  template <typename Work>
  auto Write(Work&& work) {
    return app::InTransaction(*database_, app::TransactionMode::kWrite, std::forward<Work>(work));
  }
  template <typename Work>
  auto Read(Work&& work) {
    return app::InTransaction(*database_, app::TransactionMode::kRead, std::forward<Work>(work));
  }

  domain::User NewUser(const std::string& email) const;
  // Inserts a user with its personal account and returns the user's id (account in account_id).
  int64_t AddUser(const std::string& email, int64_t* account_id = nullptr);
  int64_t AddAccount(domain::AccountKind kind = domain::AccountKind::kPersonal,
                     std::optional<int64_t> owner = std::nullopt);
  int64_t AddGrant(int64_t account_id, int64_t amount,
                   std::optional<Timestamp> expires_at = std::nullopt);
  // Appends an entry of `type` and `amount` (no movements) created at `at`.
  int64_t AddEntry(int64_t account_id, domain::EntryType type, int64_t amount, Timestamp at);
  domain::Order NewOrder(const std::string& order_no, int64_t user_id, int64_t account_id,
                         Timestamp created) const;
  int64_t AddOrder(const domain::Order& order);

  const Timestamp now_ = FromUnixSeconds(1'800'000'000);
  testing::TempDir dir_;
  std::unique_ptr<app::Database> database_;
};

}  // namespace creditd::conformance

// Runs every test of the fixture `suite` on each backend, named by it
// ("Backends/Suite.Test/sqlite").
#define CREDITD_ON_EVERY_BACKEND(suite)                                             \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                         \
                           ::testing::ValuesIn(::creditd::conformance::Backends()), \
                           ::creditd::conformance::BackendName)
