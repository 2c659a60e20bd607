// SqliteUnitOfWork: one SQLite transaction on a pooled connection, with the repositories of
// app/ports implemented over it. Rolls back on destruction unless committed, then returns the
// connection to the pool. Used by one thread at a time (see app/ports/unit_of_work.h).
#pragma once

#include <memory>

#include "app/ports/account_repository.h"
#include "app/ports/api_key_repository.h"
#include "app/ports/catalog_repository.h"
#include "app/ports/idempotency_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/ports/meta_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/session_repository.h"
#include "app/ports/unit_of_work.h"
#include "app/ports/user_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

class SqliteDatabase;

class SqliteUserRepository final : public app::UserRepository {
 public:
  explicit SqliteUserRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const domain::User& user) override;
  Result<domain::User> FindByEmail(std::string_view email) override;
  Result<domain::User> FindById(int64_t id) override;
  Status SetAccount(int64_t user_id, int64_t account_id) override;
  Status UpdateRole(int64_t user_id, domain::Role role) override;
  Status UpdatePasswordHash(int64_t user_id, std::string_view password_hash) override;
  Result<int64_t> Count() override;

 private:
  SqliteConnection& db_;
};

class SqliteAccountRepository final : public app::AccountRepository {
 public:
  explicit SqliteAccountRepository(SqliteConnection& connection) : db_(connection) {}
  Result<domain::Account> Create(domain::AccountKind kind, std::optional<int64_t> owner_user_id,
                                 Timestamp now) override;
  Result<domain::Account> Get(int64_t account_id) override;
  Result<domain::Account> GetForUpdate(int64_t account_id) override;
  Status UpdateBalance(int64_t account_id, int64_t balance, int64_t held, Timestamp now) override;
  Status SetMemberExpiry(int64_t account_id, Timestamp expires_at, Timestamp now) override;
  Result<std::vector<int64_t>> ListIds(int64_t after_id, int limit) override;

 private:
  SqliteConnection& db_;
};

class SqliteLedgerRepository final : public app::LedgerRepository {
 public:
  explicit SqliteLedgerRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> InsertGrant(const domain::Grant& grant) override;
  Result<std::vector<domain::Grant>> ListOpenGrants(int64_t account_id) override;
  Result<std::vector<domain::Grant>> ListGrants(int64_t account_id) override;
  Status UpdateGrantRemaining(int64_t grant_id, int64_t remaining) override;
  Result<int64_t> AppendEntry(const domain::LedgerEntry& entry,
                              const std::vector<domain::GrantMovement>& movements) override;
  Result<domain::LedgerEntry> FindEntry(int64_t entry_id) override;
  Result<app::EntryPage> ListEntries(const app::EntryQuery& query) override;
  Result<std::vector<domain::LedgerEntry>> ListAllEntries(int64_t account_id) override;
  Result<std::vector<domain::GrantMovement>> ListMovements(int64_t account_id) override;
  Result<std::map<domain::EntryType, int64_t>> SumByType(int64_t account_id) override;
  Result<std::vector<app::DailyTotal>> DailyTotals(int64_t account_id, Timestamp since) override;
  Result<std::vector<int64_t>> ListAccountsWithDueGrants(Timestamp now, int limit) override;

 private:
  Result<std::vector<domain::Grant>> QueryGrants(const char* sql, int64_t account_id);
  SqliteConnection& db_;
};

class SqliteSessionRepository final : public app::SessionRepository {
 public:
  explicit SqliteSessionRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const app::RefreshToken& token) override;
  Result<app::RefreshToken> FindByHash(std::string_view token_hash) override;
  Result<bool> MarkRotated(int64_t token_id, Timestamp now) override;
  Status RevokeFamily(std::string_view family_id, Timestamp now) override;
  Result<bool> IsFamilyActive(std::string_view family_id, Timestamp now) override;

 private:
  SqliteConnection& db_;
};

class SqliteCatalogRepository final : public app::CatalogRepository {
 public:
  explicit SqliteCatalogRepository(SqliteConnection& connection) : db_(connection) {}
  Status InsertCreditPack(const domain::CreditPack& pack) override;
  Status InsertMembershipPrice(const domain::MembershipPrice& membership) override;
  Status InsertTool(const domain::Tool& tool) override;
  Status InsertPlan(const domain::Plan& plan) override;
  Result<domain::Catalog> Load() override;

 private:
  SqliteConnection& db_;
};

class SqliteMetaRepository final : public app::MetaRepository {
 public:
  explicit SqliteMetaRepository(SqliteConnection& connection) : db_(connection) {}
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status PutSetting(std::string_view key, std::string_view value) override;
  Result<int64_t> NextOrderSequence(char prefix, std::string_view date) override;

 private:
  SqliteConnection& db_;
};

class SqliteIdempotencyRepository final : public app::IdempotencyRepository {
 public:
  explicit SqliteIdempotencyRepository(SqliteConnection& connection) : db_(connection) {}
  Result<std::optional<app::IdempotencyRecord>> Find(std::string_view scope,
                                                     std::string_view key) override;
  Status Insert(const app::IdempotencyRecord& record) override;

 private:
  SqliteConnection& db_;
};

class SqliteOrderRepository final : public app::OrderRepository {
 public:
  explicit SqliteOrderRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const domain::Order& order) override;
  Status SetPayUrl(int64_t order_id, std::string_view pay_url) override;
  Result<std::string> PayUrl(int64_t order_id) override;
  Result<domain::Order> FindByNo(std::string_view order_no) override;
  Result<domain::Order> FindById(int64_t order_id) override;
  Result<app::OrderPage> ListForUser(int64_t user_id, domain::OrderKind kind, int64_t skip,
                                     int64_t limit) override;
  Result<bool> MarkPaid(int64_t order_id, Timestamp paid_at, std::optional<Timestamp> start_date,
                        std::optional<Timestamp> end_date) override;
  Result<bool> MarkClosed(int64_t order_id, domain::OrderStatus status, Timestamp now) override;
  Result<std::vector<int64_t>> ListOverdue(Timestamp now, int limit) override;
  Result<std::vector<app::PaidTotal>> PaidTotals(int64_t user_id, domain::OrderKind kind) override;

 private:
  SqliteConnection& db_;
};

class SqliteApiKeyRepository final : public app::ApiKeyRepository {
 public:
  explicit SqliteApiKeyRepository(SqliteConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const app::ApiKey& key) override;
  Result<app::ApiKey> FindByHash(std::string_view key_hash) override;
  Result<std::vector<app::ApiKey>> List() override;
  Status Revoke(int64_t id, Timestamp now) override;

 private:
  SqliteConnection& db_;
};

class SqliteUnitOfWork final : public app::UnitOfWork {
 public:
  SqliteUnitOfWork(SqliteDatabase& database, std::unique_ptr<SqliteConnection> connection,
                   app::TransactionMode mode);
  SqliteUnitOfWork(const SqliteUnitOfWork&) = delete;
  SqliteUnitOfWork& operator=(const SqliteUnitOfWork&) = delete;
  ~SqliteUnitOfWork() override;

  app::UserRepository& users() override { return users_; }
  app::AccountRepository& accounts() override { return accounts_; }
  app::LedgerRepository& ledger() override { return ledger_; }
  app::SessionRepository& sessions() override { return sessions_; }
  app::CatalogRepository& catalog() override { return catalog_; }
  app::MetaRepository& meta() override { return meta_; }
  app::IdempotencyRepository& idempotency() override { return idempotency_; }
  app::OrderRepository& orders() override { return orders_; }
  app::ApiKeyRepository& api_keys() override { return api_keys_; }
  Status Commit() override;

 private:
  SqliteDatabase& database_;
  std::unique_ptr<SqliteConnection> connection_;
  bool finished_ = false;
  SqliteUserRepository users_;
  SqliteAccountRepository accounts_;
  SqliteLedgerRepository ledger_;
  SqliteSessionRepository sessions_;
  SqliteCatalogRepository catalog_;
  SqliteMetaRepository meta_;
  SqliteIdempotencyRepository idempotency_;
  SqliteOrderRepository orders_;
  SqliteApiKeyRepository api_keys_;
};

}  // namespace creditd::storage::sqlite
