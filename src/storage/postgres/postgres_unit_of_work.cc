#include "storage/postgres/postgres_unit_of_work.h"

#include "app/ports/account_repository.h"
#include "app/ports/api_key_repository.h"
#include "app/ports/catalog_repository.h"
#include "app/ports/idempotency_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/ports/meta_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/session_repository.h"
#include "app/ports/user_repository.h"
#include "storage/postgres/postgres_billing_repository.h"
#include "storage/postgres/postgres_charge_repository.h"
#include "storage/postgres/postgres_database.h"
#include "storage/postgres/postgres_subscription_repository.h"
#include "storage/postgres/postgres_team_repository.h"

namespace creditd::storage::postgres {

// The repository adapters; only this unit of work hands them out.
namespace {

class PostgresUserRepository final : public app::UserRepository {
 public:
  explicit PostgresUserRepository(PgConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const domain::User& user) override;
  Result<domain::User> FindByEmail(std::string_view email) override;
  Result<domain::User> FindById(int64_t id) override;
  Status SetAccount(int64_t user_id, int64_t account_id) override;
  Status UpdateRole(int64_t user_id, domain::Role role) override;
  Status UpdatePasswordHash(int64_t user_id, std::string_view password_hash) override;
  Result<int64_t> Count() override;

 private:
  PgConnection& db_;
};

class PostgresAccountRepository final : public app::AccountRepository {
 public:
  explicit PostgresAccountRepository(PgConnection& connection) : db_(connection) {}
  Result<domain::Account> Create(domain::AccountKind kind, std::optional<int64_t> owner_user_id,
                                 Timestamp now) override;
  Result<domain::Account> Get(int64_t account_id) override;
  Result<domain::Account> GetForUpdate(int64_t account_id) override;
  Status UpdateBalance(int64_t account_id, int64_t balance, int64_t held, Timestamp now) override;
  Status SetMemberExpiry(int64_t account_id, Timestamp expires_at, Timestamp now) override;
  Status SetFrozen(int64_t account_id, std::string_view reason, Timestamp now) override;
  Result<std::vector<int64_t>> ListFreeCreditsDue(Timestamp now, int limit) override;
  Status SetFreeCreditsDue(int64_t account_id, Timestamp due, Timestamp now) override;
  Result<std::vector<int64_t>> ListIds(int64_t after_id, int limit) override;

 private:
  PgConnection& db_;
};

class PostgresLedgerRepository final : public app::LedgerRepository {
 public:
  explicit PostgresLedgerRepository(PgConnection& connection) : db_(connection) {}
  Result<int64_t> InsertGrant(const domain::Grant& grant) override;
  Result<std::vector<domain::Grant>> ListOpenGrants(int64_t account_id) override;
  Result<std::vector<domain::Grant>> ListGrants(int64_t account_id) override;
  Status UpdateGrantRemaining(int64_t grant_id, int64_t remaining) override;
  Status AddToGrantRemaining(int64_t grant_id, int64_t delta) override;
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
  PgConnection& db_;
};

class PostgresSessionRepository final : public app::SessionRepository {
 public:
  explicit PostgresSessionRepository(PgConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const app::RefreshToken& token) override;
  Result<app::RefreshToken> FindByHash(std::string_view token_hash) override;
  Result<bool> MarkRotated(int64_t token_id, Timestamp now) override;
  Status RevokeFamily(std::string_view family_id, Timestamp now) override;
  Result<bool> IsFamilyActive(std::string_view family_id, Timestamp now) override;

 private:
  PgConnection& db_;
};

class PostgresCatalogRepository final : public app::CatalogRepository {
 public:
  explicit PostgresCatalogRepository(PgConnection& connection) : db_(connection) {}
  Status InsertCreditPack(const domain::CreditPack& pack) override;
  Status InsertMembershipPrice(const domain::MembershipPrice& membership) override;
  Status InsertTool(const domain::Tool& tool) override;
  Status InsertPlan(const domain::Plan& plan) override;
  Result<std::vector<domain::CreditPack>> ListCreditPacks() override;
  Result<std::vector<domain::MembershipPrice>> ListMembershipPrices() override;
  Result<domain::Catalog> Load() override;

 private:
  PgConnection& db_;
};

class PostgresMetaRepository final : public app::MetaRepository {
 public:
  explicit PostgresMetaRepository(PgConnection& connection) : db_(connection) {}
  Result<std::optional<std::string>> GetSetting(std::string_view key) override;
  Status PutSetting(std::string_view key, std::string_view value) override;
  Result<int64_t> NextOrderSequence(char prefix, std::string_view date) override;

 private:
  PgConnection& db_;
};

class PostgresIdempotencyRepository final : public app::IdempotencyRepository {
 public:
  explicit PostgresIdempotencyRepository(PgConnection& connection) : db_(connection) {}
  Result<std::optional<app::IdempotencyRecord>> Find(std::string_view scope,
                                                     std::string_view key) override;
  Status Insert(const app::IdempotencyRecord& record) override;
  Result<int64_t> DeleteOlderThan(Timestamp before, int limit) override;

 private:
  PgConnection& db_;
};

class PostgresOrderRepository final : public app::OrderRepository {
 public:
  explicit PostgresOrderRepository(PgConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const domain::Order& order) override;
  Status SetCheckout(int64_t order_id, std::string_view pay_url,
                     std::string_view checkout_ref) override;
  Result<std::string> PayUrl(int64_t order_id) override;
  Result<domain::Order> FindByNo(std::string_view order_no) override;
  Result<domain::Order> FindById(int64_t order_id) override;
  Result<std::optional<domain::Order>> FindByPaymentRef(std::string_view payment_ref) override;
  Result<app::OrderPage> ListForUser(int64_t user_id, domain::OrderKind kind, int64_t skip,
                                     int64_t limit) override;
  Result<bool> MarkPaid(int64_t order_id, const app::OrderPayment& payment) override;
  Status SetRefunded(int64_t order_id, int64_t refunded_minor, Timestamp now) override;
  Result<bool> MarkClosed(int64_t order_id, domain::OrderStatus status, Timestamp now) override;
  Result<std::vector<int64_t>> ListOverdue(Timestamp now, int limit) override;
  Result<std::vector<domain::Order>> ListUnpaidCheckouts(domain::PaymentMethod method,
                                                         Timestamp created_from,
                                                         Timestamp created_to, int limit) override;
  Result<std::vector<app::PaidTotal>> PaidTotals(int64_t user_id, domain::OrderKind kind) override;

 private:
  PgConnection& db_;
};

class PostgresApiKeyRepository final : public app::ApiKeyRepository {
 public:
  explicit PostgresApiKeyRepository(PgConnection& connection) : db_(connection) {}
  Result<int64_t> Insert(const app::ApiKey& key) override;
  Result<app::ApiKey> FindByHash(std::string_view key_hash) override;
  Result<std::vector<app::ApiKey>> List() override;
  Status Revoke(int64_t id, Timestamp now) override;

 private:
  PgConnection& db_;
};

}  // namespace

using domain::Account;
using domain::Grant;
using domain::GrantMovement;
using domain::LedgerEntry;
using domain::User;

namespace {

Status UserNotFound() {
  return Status(reason::kUserNotFound, "user not found");
}
Status AccountNotFound() {
  return Status(reason::kAccountNotFound, "account not found");
}
Status OrderNotFound() {
  return Status(reason::kOrderNotFound, "order not found");
}

constexpr const char* kUserColumns =
    "SELECT id, email, display_name, role, password_hash, COALESCE(account_id, 0), created_at "
    "FROM users ";

Result<User> ReadUser(const PgRows& rows) {
  if (rows.size() == 0) {
    return UserNotFound();
  }
  User user;
  user.id = rows.Int64(0, 0);
  user.email = rows.Text(0, 1);
  user.display_name = rows.Text(0, 2);
  const auto role = domain::ParseRole(rows.Text(0, 3));
  if (!role) {
    return Corrupt("users.role");
  }
  user.role = *role;
  user.password_hash = rows.Text(0, 4);
  user.account_id = rows.Int64(0, 5);
  user.created_at = FromUnixSeconds(rows.Int64(0, 6));
  return user;
}

Result<Account> ReadAccount(const PgRows& rows) {
  if (rows.size() == 0) {
    return AccountNotFound();
  }
  Account account;
  account.id = rows.Int64(0, 0);
  const auto kind = domain::ParseAccountKind(rows.Text(0, 1));
  if (!kind) {
    return Corrupt("accounts.kind");
  }
  account.kind = *kind;
  account.owner_user_id = rows.OptionalInt64(0, 2);
  account.balance = rows.Int64(0, 3);
  account.held = rows.Int64(0, 4);
  account.created_at = FromUnixSeconds(rows.Int64(0, 5));
  account.updated_at = FromUnixSeconds(rows.Int64(0, 6));
  account.member_expired_at = OptionalTime(rows, 0, 7);
  account.frozen_reason = rows.Text(0, 8);
  return account;
}

Result<LedgerEntry> ReadEntry(const PgRows& rows, int row) {
  LedgerEntry entry;
  entry.id = rows.Int64(row, 0);
  entry.account_id = rows.Int64(row, 1);
  const auto type = domain::ParseEntryType(rows.Text(row, 2));
  if (!type) {
    return Corrupt("ledger_entries.type");
  }
  entry.type = *type;
  entry.amount = rows.Int64(row, 3);
  entry.balance_after = rows.Int64(row, 4);
  entry.order_id = rows.OptionalInt64(row, 5);
  entry.reference = rows.Text(row, 6);
  entry.description = rows.Text(row, 7);
  entry.created_at = FromUnixSeconds(rows.Int64(row, 8));
  return entry;
}

Result<std::vector<LedgerEntry>> ReadEntries(const PgRows& rows) {
  std::vector<LedgerEntry> entries;
  entries.reserve(static_cast<size_t>(rows.size()));
  for (int row = 0; row < rows.size(); ++row) {
    CREDITD_ASSIGN_OR_RETURN(LedgerEntry entry, ReadEntry(rows, row));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Status CatalogDuplicate(const std::string& what) {
  return Status(reason::kConfigInvalid, "catalog " + what + " is defined twice");
}

}  // namespace

// ----- users -----

Result<int64_t> PostgresUserRepository::Insert(const User& user) {
  bool duplicate = false;
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO users (email, display_name, role, password_hash, account_id, "
              "created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $6) RETURNING id")
          .Bind(user.email)
          .Bind(user.display_name)
          .Bind(domain::RoleName(user.role))
          .Bind(user.password_hash)
          .Bind(ToUnixSeconds(user.created_at))
          .Bind(ToUnixSeconds(user.created_at))
          .RunAllowingUnique(duplicate));
  if (duplicate) {
    return Status(reason::kEmailTaken, "an account with this e-mail already exists")
        .WithField("email");
  }
  return rows.Int64(0, 0);
}

Result<User> PostgresUserRepository::FindByEmail(std::string_view email) {
  static const std::string kSql = std::string(kUserColumns) + "WHERE email = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(email).Run());
  return ReadUser(rows);
}

Result<User> PostgresUserRepository::FindById(int64_t id) {
  static const std::string kSql = std::string(kUserColumns) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(id).Run());
  return ReadUser(rows);
}

Status PostgresUserRepository::SetAccount(int64_t user_id, int64_t account_id) {
  PgQuery query(db_, "UPDATE users SET account_id = $1 WHERE id = $2");
  query.Bind(account_id).Bind(user_id);
  return RunOne(query, UserNotFound());
}

Status PostgresUserRepository::UpdateRole(int64_t user_id, domain::Role role) {
  PgQuery query(db_, "UPDATE users SET role = $1 WHERE id = $2");
  query.Bind(domain::RoleName(role)).Bind(user_id);
  return RunOne(query, UserNotFound());
}

Status PostgresUserRepository::UpdatePasswordHash(int64_t user_id, std::string_view password_hash) {
  PgQuery query(db_, "UPDATE users SET password_hash = $1 WHERE id = $2");
  query.Bind(password_hash).Bind(user_id);
  return RunOne(query, UserNotFound());
}

Result<int64_t> PostgresUserRepository::Count() {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, "SELECT COUNT(*) FROM users").Run());
  return rows.Int64(0, 0);
}

// ----- accounts -----

namespace {
constexpr const char* kAccountById =
    "SELECT id, kind, owner_user_id, balance, held, created_at, updated_at, member_expired_at, "
    "frozen_reason FROM accounts WHERE id = $1";
constexpr const char* kAccountByIdForUpdate =
    "SELECT id, kind, owner_user_id, balance, held, created_at, updated_at, member_expired_at, "
    "frozen_reason FROM accounts WHERE id = $1 FOR UPDATE";
}  // namespace

Result<Account> PostgresAccountRepository::Create(domain::AccountKind kind,
                                                  std::optional<int64_t> owner_user_id,
                                                  Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO accounts (kind, owner_user_id, balance, held, created_at, updated_at) "
              "VALUES ($1, $2, 0, 0, $3, $4) RETURNING id")
          .Bind(domain::AccountKindName(kind))
          .Bind(owner_user_id)
          .Bind(ToUnixSeconds(now))
          .Bind(ToUnixSeconds(now))
          .Run());
  Account account;
  account.id = rows.Int64(0, 0);
  account.kind = kind;
  account.owner_user_id = owner_user_id;
  account.created_at = now;
  account.updated_at = now;
  return account;
}

Result<Account> PostgresAccountRepository::Get(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kAccountById).Bind(account_id).Run());
  return ReadAccount(rows);
}

Result<Account> PostgresAccountRepository::GetForUpdate(int64_t account_id) {
  // The row lock serialises every money operation on this account across all processes until
  // the transaction ends.
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows,
                           PgQuery(db_, kAccountByIdForUpdate).Bind(account_id).Run());
  return ReadAccount(rows);
}

Status PostgresAccountRepository::UpdateBalance(int64_t account_id, int64_t balance, int64_t held,
                                                Timestamp now) {
  PgQuery query(db_, "UPDATE accounts SET balance = $1, held = $2, updated_at = $3 WHERE id = $4");
  query.Bind(balance).Bind(held).Bind(ToUnixSeconds(now)).Bind(account_id);
  return RunOne(query, AccountNotFound());
}

Status PostgresAccountRepository::SetMemberExpiry(int64_t account_id, Timestamp expires_at,
                                                  Timestamp now) {
  PgQuery query(db_, "UPDATE accounts SET member_expired_at = $1, updated_at = $2 WHERE id = $3");
  query.Bind(ToUnixSeconds(expires_at)).Bind(ToUnixSeconds(now)).Bind(account_id);
  return RunOne(query, AccountNotFound());
}

Status PostgresAccountRepository::SetFrozen(int64_t account_id, std::string_view reason,
                                            Timestamp now) {
  PgQuery query(db_, "UPDATE accounts SET frozen_reason = $1, updated_at = $2 WHERE id = $3");
  query.Bind(reason).Bind(ToUnixSeconds(now)).Bind(account_id);
  return RunOne(query, AccountNotFound());
}

Result<std::vector<int64_t>> PostgresAccountRepository::ListFreeCreditsDue(Timestamp now,
                                                                           int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows, PgQuery(db_,
                                 "SELECT id FROM accounts WHERE free_credits_due_at <= $1 ORDER BY "
                                 "free_credits_due_at, id LIMIT $2")
                             .Bind(ToUnixSeconds(now))
                             .Bind(int64_t{limit})
                             .Run());
  return Ids(rows);
}

Status PostgresAccountRepository::SetFreeCreditsDue(int64_t account_id, Timestamp due,
                                                    Timestamp now) {
  PgQuery query(db_, "UPDATE accounts SET free_credits_due_at = $1, updated_at = $2 WHERE id = $3");
  query.Bind(ToUnixSeconds(due)).Bind(ToUnixSeconds(now)).Bind(account_id);
  return RunOne(query, AccountNotFound());
}

Result<std::vector<int64_t>> PostgresAccountRepository::ListIds(int64_t after_id, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows, PgQuery(db_, "SELECT id FROM accounts WHERE id > $1 ORDER BY id LIMIT $2")
                             .Bind(after_id)
                             .Bind(int64_t{limit})
                             .Run());
  return Ids(rows);
}

// ----- ledger -----

namespace {
constexpr const char* kEntryColumns =
    "SELECT id, account_id, type, amount, balance_after, order_id, reference, description, "
    "created_at FROM ledger_entries ";
}  // namespace

Result<int64_t> PostgresLedgerRepository::InsertGrant(const Grant& grant) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO grants (account_id, source, priority, amount, remaining, expires_at, "
              "order_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
          .Bind(grant.account_id)
          .Bind(domain::GrantSourceName(grant.source))
          .Bind(int64_t{grant.priority})
          .Bind(grant.amount)
          .Bind(grant.remaining)
          .Bind(grant.expires_at ? std::optional<int64_t>(ToUnixSeconds(*grant.expires_at))
                                 : std::nullopt)
          .Bind(grant.order_id)
          .Bind(ToUnixSeconds(grant.created_at))
          .Run());
  return rows.Int64(0, 0);
}

Result<std::vector<Grant>> PostgresLedgerRepository::QueryGrants(const char* sql,
                                                                 int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, sql).Bind(account_id).Run());
  std::vector<Grant> grants;
  for (int row = 0; row < rows.size(); ++row) {
    Grant grant;
    grant.id = rows.Int64(row, 0);
    grant.account_id = rows.Int64(row, 1);
    const auto source = domain::ParseGrantSource(rows.Text(row, 2));
    if (!source) {
      return Corrupt("grants.source");
    }
    grant.source = *source;
    grant.priority = static_cast<int>(rows.Int64(row, 3));
    grant.amount = rows.Int64(row, 4);
    grant.remaining = rows.Int64(row, 5);
    grant.expires_at = OptionalTime(rows, row, 6);
    grant.order_id = rows.OptionalInt64(row, 7);
    grant.created_at = FromUnixSeconds(rows.Int64(row, 8));
    grants.push_back(std::move(grant));
  }
  return grants;
}

Result<std::vector<Grant>> PostgresLedgerRepository::ListOpenGrants(int64_t account_id) {
  return QueryGrants(
      "SELECT id, account_id, source, priority, amount, remaining, expires_at, order_id, "
      "created_at FROM grants WHERE account_id = $1 AND remaining > 0",
      account_id);
}

Result<std::vector<Grant>> PostgresLedgerRepository::ListGrants(int64_t account_id) {
  return QueryGrants(
      "SELECT id, account_id, source, priority, amount, remaining, expires_at, order_id, "
      "created_at FROM grants WHERE account_id = $1 ORDER BY id",
      account_id);
}

Status PostgresLedgerRepository::UpdateGrantRemaining(int64_t grant_id, int64_t remaining) {
  PgQuery query(db_, "UPDATE grants SET remaining = $1 WHERE id = $2");
  query.Bind(remaining).Bind(grant_id);
  return RunOne(query, Status(reason::kDatabaseError, "a storage error occurred")
                           .WithInternalDetail("grant " + std::to_string(grant_id) + " missing"));
}

Status PostgresLedgerRepository::AddToGrantRemaining(int64_t grant_id, int64_t delta) {
  PgQuery query(db_, "UPDATE grants SET remaining = remaining + $1 WHERE id = $2");
  query.Bind(delta).Bind(grant_id);
  return RunOne(query, Status(reason::kDatabaseError, "a storage error occurred")
                           .WithInternalDetail("grant " + std::to_string(grant_id) + " missing"));
}

Result<int64_t> PostgresLedgerRepository::AppendEntry(const LedgerEntry& entry,
                                                      const std::vector<GrantMovement>& movements) {
  // One round trip for the entry and all its movements: the entry's id flows from the INSERT
  // into the movements through the CTE, and the movements arrive as two parallel arrays.
  std::string grant_ids = "{";
  std::string amounts = "{";
  for (size_t i = 0; i < movements.size(); ++i) {
    grant_ids += (i > 0 ? "," : "") + std::to_string(movements[i].grant_id);
    amounts += (i > 0 ? "," : "") + std::to_string(movements[i].amount);
  }
  grant_ids += "}";
  amounts += "}";
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "WITH entry AS (INSERT INTO ledger_entries (account_id, type, amount, "
              "balance_after, order_id, reference, description, created_at) VALUES ($1, $2, $3, "
              "$4, $5, $6, $7, $8) RETURNING id), moved AS (INSERT INTO grant_movements "
              "(entry_id, grant_id, amount) SELECT entry.id, m.grant_id, m.amount FROM entry, "
              "unnest($9::BIGINT[], $10::BIGINT[]) AS m(grant_id, amount)) SELECT id FROM entry")
          .Bind(entry.account_id)
          .Bind(domain::EntryTypeName(entry.type))
          .Bind(entry.amount)
          .Bind(entry.balance_after)
          .Bind(entry.order_id)
          .Bind(entry.reference)
          .Bind(entry.description)
          .Bind(ToUnixSeconds(entry.created_at))
          .Bind(grant_ids)
          .Bind(amounts)
          .Run());
  return rows.Int64(0, 0);
}

Result<LedgerEntry> PostgresLedgerRepository::FindEntry(int64_t entry_id) {
  static const std::string kSql = std::string(kEntryColumns) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(entry_id).Run());
  if (rows.size() == 0) {
    return Status(reason::kAccountNotFound, "ledger entry not found");
  }
  return ReadEntry(rows, 0);
}

Result<app::EntryPage> PostgresLedgerRepository::ListEntries(const app::EntryQuery& query) {
  app::EntryPage page;
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
  static const std::string kSql = std::string(kEntryColumns) +
                                  "WHERE account_id = $1 AND ($2 = '' OR type = $2) "
                                  "ORDER BY id DESC LIMIT $3 OFFSET $4";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str())
                                                  .Bind(query.account_id)
                                                  .Bind(type)
                                                  .Bind(query.limit)
                                                  .Bind(query.skip)
                                                  .Run());
  CREDITD_ASSIGN_OR_RETURN(page.items, ReadEntries(rows));
  return page;
}

Result<std::vector<LedgerEntry>> PostgresLedgerRepository::ListAllEntries(int64_t account_id) {
  static const std::string kSql = std::string(kEntryColumns) + "WHERE account_id = $1 ORDER BY id";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(account_id).Run());
  return ReadEntries(rows);
}

Result<std::vector<GrantMovement>> PostgresLedgerRepository::ListMovements(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT m.entry_id, m.grant_id, m.amount FROM grant_movements m JOIN grants g ON "
              "g.id = m.grant_id WHERE g.account_id = $1 ORDER BY m.entry_id, m.grant_id")
          .Bind(account_id)
          .Run());
  std::vector<GrantMovement> movements;
  for (int row = 0; row < rows.size(); ++row) {
    movements.push_back({rows.Int64(row, 0), rows.Int64(row, 1), rows.Int64(row, 2)});
  }
  return movements;
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
  std::map<domain::EntryType, int64_t> sums;
  for (int row = 0; row < rows.size(); ++row) {
    const auto type = domain::ParseEntryType(rows.Text(row, 0));
    if (!type) {
      return Corrupt("ledger_entries.type");
    }
    sums[*type] = rows.Int64(row, 1);
  }
  return sums;
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
  std::vector<app::DailyTotal> totals;
  for (int row = 0; row < rows.size(); ++row) {
    const auto type = domain::ParseEntryType(rows.Text(row, 1));
    if (!type) {
      return Corrupt("ledger_entries.type");
    }
    totals.push_back({rows.Text(row, 0), *type, rows.Int64(row, 2)});
  }
  return totals;
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
  return Ids(rows);
}

// ----- sessions -----

namespace {
std::string_view StateName(app::RefreshTokenState state) {
  switch (state) {
    case app::RefreshTokenState::kActive:
      return "active";
    case app::RefreshTokenState::kRotated:
      return "rotated";
    case app::RefreshTokenState::kRevoked:
      return "revoked";
  }
  return "revoked";
}
}  // namespace

Result<int64_t> PostgresSessionRepository::Insert(const app::RefreshToken& token) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO refresh_tokens (family_id, user_id, token_hash, state, created_at, "
              "expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
          .Bind(token.family_id)
          .Bind(token.user_id)
          .Bind(token.token_hash)
          .Bind(StateName(token.state))
          .Bind(ToUnixSeconds(token.created_at))
          .Bind(ToUnixSeconds(token.expires_at))
          .Bind(ToUnixSeconds(token.created_at))
          .Run());
  return rows.Int64(0, 0);
}

Result<app::RefreshToken> PostgresSessionRepository::FindByHash(std::string_view token_hash) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT id, family_id, user_id, token_hash, state, created_at, expires_at FROM "
              "refresh_tokens WHERE token_hash = $1")
          .Bind(token_hash)
          .Run());
  if (rows.size() == 0) {
    return Status(reason::kInvalidRefreshToken, "refresh token is invalid or expired");
  }
  app::RefreshToken token;
  token.id = rows.Int64(0, 0);
  token.family_id = rows.Text(0, 1);
  token.user_id = rows.Int64(0, 2);
  token.token_hash = rows.Text(0, 3);
  const std::string state = rows.Text(0, 4);
  token.state = state == "active"    ? app::RefreshTokenState::kActive
                : state == "rotated" ? app::RefreshTokenState::kRotated
                                     : app::RefreshTokenState::kRevoked;
  token.created_at = FromUnixSeconds(rows.Int64(0, 5));
  token.expires_at = FromUnixSeconds(rows.Int64(0, 6));
  return token;
}

Result<bool> PostgresSessionRepository::MarkRotated(int64_t token_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "UPDATE refresh_tokens SET state = 'rotated', updated_at = $1 WHERE id = $2 AND "
              "state = 'active'")
          .Bind(ToUnixSeconds(now))
          .Bind(token_id)
          .Run());
  return rows.affected() == 1;
}

Status PostgresSessionRepository::RevokeFamily(std::string_view family_id, Timestamp now) {
  return PgQuery(db_,
                 "UPDATE refresh_tokens SET state = 'revoked', updated_at = $1 WHERE family_id = "
                 "$2 AND state <> 'revoked'")
      .Bind(ToUnixSeconds(now))
      .Bind(family_id)
      .Run()
      .status();
}

Result<bool> PostgresSessionRepository::IsFamilyActive(std::string_view family_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND state = 'active' AND "
              "expires_at > $2 LIMIT 1")
          .Bind(family_id)
          .Bind(ToUnixSeconds(now))
          .Run());
  return rows.size() > 0;
}

// ----- catalog -----

Status PostgresCatalogRepository::InsertCreditPack(const domain::CreditPack& pack) {
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(
      PgQuery(db_,
              "INSERT INTO credit_packs (id, amount, bonus, price_minor, currency, is_active, "
              "sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7)")
          .Bind(pack.id)
          .Bind(pack.amount)
          .Bind(pack.bonus)
          .Bind(pack.price_minor)
          .Bind(pack.currency)
          .Bind(int64_t{pack.is_active ? 1 : 0})
          .Bind(int64_t{pack.sort_order})
          .RunAllowingUnique(duplicate));
  return duplicate ? CatalogDuplicate("credit pack " + std::to_string(pack.id)) : Status::Ok();
}

Status PostgresCatalogRepository::InsertMembershipPrice(const domain::MembershipPrice& membership) {
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(
      PgQuery(db_,
              "INSERT INTO membership_prices (id, membership_type, duration_days, price_minor, "
              "original_price_minor, currency, is_active, sort_order) VALUES ($1, $2, $3, $4, "
              "$5, $6, $7, $8)")
          .Bind(membership.id)
          .Bind(membership.membership_type)
          .Bind(int64_t{membership.duration_days})
          .Bind(membership.price_minor)
          .Bind(membership.original_price_minor)
          .Bind(membership.currency)
          .Bind(int64_t{membership.is_active ? 1 : 0})
          .Bind(int64_t{membership.sort_order})
          .RunAllowingUnique(duplicate));
  return duplicate ? CatalogDuplicate("membership " + std::to_string(membership.id)) : Status::Ok();
}

Status PostgresCatalogRepository::InsertTool(const domain::Tool& tool) {
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(
      PgQuery(db_,
              "INSERT INTO tools (key, name, credits, unit, resource_type, required_feature, "
              "is_active, price_version, upstream_url, upstream_headers, upstream_timeout_ms, "
              "fail_percent) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
          .Bind(tool.key)
          .Bind(tool.name)
          .Bind(tool.credits)
          .Bind(tool.unit)
          .Bind(tool.resource_type)
          .Bind(tool.required_feature)
          .Bind(int64_t{tool.is_active ? 1 : 0})
          .Bind(tool.price_version)
          .Bind(tool.upstream_url)
          .Bind(domain::EncodeHeaderLines(tool.upstream_headers))
          .Bind(int64_t{tool.upstream_timeout_ms})
          .Bind(int64_t{tool.fail_percent})
          .RunAllowingUnique(duplicate));
  return duplicate ? CatalogDuplicate("tool " + tool.key) : Status::Ok();
}

Status PostgresCatalogRepository::InsertPlan(const domain::Plan& plan) {
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(
      PgQuery(db_,
              "INSERT INTO plans (key, name, monthly_price_minor, yearly_price_minor, currency, "
              "monthly_credits, trial_days, sort_order) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
          .Bind(plan.key)
          .Bind(plan.name)
          .Bind(plan.monthly_price_minor)
          .Bind(plan.yearly_price_minor)
          .Bind(plan.currency)
          .Bind(plan.monthly_credits)
          .Bind(int64_t{plan.trial_days})
          .Bind(int64_t{plan.sort_order})
          .RunAllowingUnique(duplicate));
  if (duplicate) {
    return CatalogDuplicate("plan " + plan.key);
  }
  for (const auto& feature : plan.features) {
    CREDITD_RETURN_IF_ERROR(PgQuery(db_,
                                    "INSERT INTO plan_features (plan_key, feature) VALUES ($1, "
                                    "$2) ON CONFLICT DO NOTHING")
                                .Bind(plan.key)
                                .Bind(feature)
                                .Run());
  }
  for (const auto& [resource, limit] : plan.quotas) {
    CREDITD_RETURN_IF_ERROR(PgQuery(db_,
                                    "INSERT INTO plan_quotas (plan_key, resource_type, "
                                    "monthly_limit) VALUES ($1, $2, $3)")
                                .Bind(plan.key)
                                .Bind(resource)
                                .Bind(limit)
                                .Run());
  }
  return Status::Ok();
}

Result<std::vector<domain::CreditPack>> PostgresCatalogRepository::ListCreditPacks() {
  std::vector<domain::CreditPack> result;
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows packs,
      PgQuery(db_,
              "SELECT id, amount, bonus, price_minor, currency, is_active, sort_order FROM "
              "credit_packs ORDER BY sort_order, id")
          .Run());
  for (int row = 0; row < packs.size(); ++row) {
    result.push_back({packs.Int64(row, 0), packs.Int64(row, 1), packs.Int64(row, 2),
                      packs.Int64(row, 3), packs.Text(row, 4), packs.Int64(row, 5) != 0,
                      static_cast<int>(packs.Int64(row, 6))});
  }
  return result;
}

Result<std::vector<domain::MembershipPrice>> PostgresCatalogRepository::ListMembershipPrices() {
  std::vector<domain::MembershipPrice> result;
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows memberships,
      PgQuery(db_,
              "SELECT id, membership_type, duration_days, price_minor, original_price_minor, "
              "currency, is_active, sort_order FROM membership_prices ORDER BY sort_order, id")
          .Run());
  for (int row = 0; row < memberships.size(); ++row) {
    result.push_back({memberships.Int64(row, 0), memberships.Text(row, 1),
                      static_cast<int>(memberships.Int64(row, 2)), memberships.Int64(row, 3),
                      memberships.Int64(row, 4), memberships.Text(row, 5),
                      memberships.Int64(row, 6) != 0, static_cast<int>(memberships.Int64(row, 7))});
  }
  return result;
}

Result<domain::Catalog> PostgresCatalogRepository::Load() {
  domain::Catalog catalog;
  CREDITD_ASSIGN_OR_RETURN(catalog.credit_packs, ListCreditPacks());
  CREDITD_ASSIGN_OR_RETURN(catalog.memberships, ListMembershipPrices());
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows tools,
      PgQuery(db_,
              "SELECT key, name, credits, unit, resource_type, required_feature, is_active, "
              "price_version, upstream_url, upstream_headers, upstream_timeout_ms, fail_percent "
              "FROM tools ORDER BY key")
          .Run());
  for (int row = 0; row < tools.size(); ++row) {
    domain::Tool tool;
    tool.key = tools.Text(row, 0);
    tool.name = tools.Text(row, 1);
    tool.credits = tools.Int64(row, 2);
    tool.unit = tools.Text(row, 3);
    tool.resource_type = tools.Text(row, 4);
    tool.required_feature = tools.Text(row, 5);
    tool.is_active = tools.Int64(row, 6) != 0;
    tool.price_version = tools.Int64(row, 7);
    tool.upstream_url = tools.Text(row, 8);
    tool.upstream_headers = domain::DecodeHeaderLines(tools.Text(row, 9));
    tool.upstream_timeout_ms = static_cast<int>(tools.Int64(row, 10));
    tool.fail_percent = static_cast<int>(tools.Int64(row, 11));
    catalog.tools.push_back(std::move(tool));
  }
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows plans,
      PgQuery(db_,
              "SELECT key, name, monthly_price_minor, yearly_price_minor, currency, "
              "monthly_credits, trial_days, sort_order FROM plans ORDER BY sort_order, key")
          .Run());
  for (int row = 0; row < plans.size(); ++row) {
    domain::Plan plan;
    plan.key = plans.Text(row, 0);
    plan.name = plans.Text(row, 1);
    plan.monthly_price_minor = plans.Int64(row, 2);
    plan.yearly_price_minor = plans.Int64(row, 3);
    plan.currency = plans.Text(row, 4);
    plan.monthly_credits = plans.Int64(row, 5);
    plan.trial_days = static_cast<int>(plans.Int64(row, 6));
    plan.sort_order = static_cast<int>(plans.Int64(row, 7));
    CREDITD_ASSIGN_OR_RETURN(
        const PgRows features,
        PgQuery(db_, "SELECT feature FROM plan_features WHERE plan_key = $1 ORDER BY feature")
            .Bind(plan.key)
            .Run());
    for (int f = 0; f < features.size(); ++f) {
      plan.features.push_back(features.Text(f, 0));
    }
    CREDITD_ASSIGN_OR_RETURN(
        const PgRows quotas,
        PgQuery(db_, "SELECT resource_type, monthly_limit FROM plan_quotas WHERE plan_key = $1")
            .Bind(plan.key)
            .Run());
    for (int q = 0; q < quotas.size(); ++q) {
      plan.quotas[quotas.Text(q, 0)] = quotas.Int64(q, 1);
    }
    catalog.plans.push_back(std::move(plan));
  }
  return catalog;
}

// ----- meta -----

Result<std::optional<std::string>> PostgresMetaRepository::GetSetting(std::string_view key) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows, PgQuery(db_, "SELECT value FROM settings WHERE key = $1").Bind(key).Run());
  if (rows.size() == 0) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(rows.Text(0, 0));
}

Status PostgresMetaRepository::PutSetting(std::string_view key, std::string_view value) {
  return PgQuery(db_,
                 "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE "
                 "SET value = excluded.value")
      .Bind(key)
      .Bind(value)
      .Run()
      .status();
}

Result<int64_t> PostgresMetaRepository::NextOrderSequence(char prefix, std::string_view date) {
  // One statement, atomic under concurrency: the row lock of the upsert orders the callers.
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO order_sequences (prefix, day, last_value) VALUES ($1, $2, 1) ON "
              "CONFLICT (prefix, day) DO UPDATE SET last_value = order_sequences.last_value + 1 "
              "RETURNING last_value")
          .Bind(std::string_view(&prefix, 1))
          .Bind(date)
          .Run());
  return rows.Int64(0, 0);
}

// ----- idempotency -----

Result<std::optional<app::IdempotencyRecord>> PostgresIdempotencyRepository::Find(
    std::string_view scope, std::string_view key) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT request_fingerprint, result_ref, created_at, response_status, "
              "response_body FROM idempotency_keys WHERE scope = $1 AND key = $2")
          .Bind(scope)
          .Bind(key)
          .Run());
  if (rows.size() == 0) {
    return std::optional<app::IdempotencyRecord>();
  }
  return std::optional<app::IdempotencyRecord>(app::IdempotencyRecord{
      std::string(scope), std::string(key), rows.Text(0, 0), rows.Text(0, 1),
      static_cast<int>(rows.Int64(0, 3)), rows.Text(0, 4), FromUnixSeconds(rows.Int64(0, 2))});
}

Status PostgresIdempotencyRepository::Insert(const app::IdempotencyRecord& record) {
  bool duplicate = false;
  CREDITD_RETURN_IF_ERROR(
      PgQuery(db_,
              "INSERT INTO idempotency_keys (scope, key, request_fingerprint, result_ref, "
              "created_at, response_status, response_body) VALUES ($1, $2, $3, $4, $5, $6, $7)")
          .Bind(record.scope)
          .Bind(record.key)
          .Bind(record.request_fingerprint)
          .Bind(record.result_ref)
          .Bind(ToUnixSeconds(record.created_at))
          .Bind(int64_t{record.response_status})
          .Bind(record.response_body)
          .RunAllowingUnique(duplicate));
  if (duplicate) {
    return Status(reason::kIdempotencyKeyInFlight,
                  "a request with this Idempotency-Key is in progress; retry shortly");
  }
  return Status::Ok();
}

Result<int64_t> PostgresIdempotencyRepository::DeleteOlderThan(Timestamp before, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "DELETE FROM idempotency_keys WHERE (scope, key) IN (SELECT scope, key FROM "
              "idempotency_keys WHERE created_at < $1 LIMIT $2)")
          .Bind(ToUnixSeconds(before))
          .Bind(int64_t{limit})
          .Run());
  return rows.affected();
}

// ----- orders -----

namespace {
constexpr const char* kOrderColumns =
    "SELECT id, order_no, kind, user_id, account_id, price_id, amount, bonus, membership_type, "
    "duration_days, price_minor, currency, payment_method, status, created_at, expires_at, "
    "paid_at, start_date, end_date, checkout_ref, payment_ref, credit_entry_id, refunded_minor "
    "FROM orders ";

Result<domain::Order> ReadOrder(const PgRows& rows, int row) {
  domain::Order order;
  order.id = rows.Int64(row, 0);
  order.order_no = rows.Text(row, 1);
  const auto kind = domain::ParseOrderKind(rows.Text(row, 2));
  const auto method = domain::ParsePaymentMethod(rows.Text(row, 12));
  const auto status = domain::ParseOrderStatus(rows.Text(row, 13));
  if (!kind || !method || !status) {
    return Corrupt("orders.kind/payment_method/status");
  }
  order.kind = *kind;
  order.user_id = rows.Int64(row, 3);
  order.account_id = rows.Int64(row, 4);
  order.price_id = rows.Int64(row, 5);
  order.amount = rows.Int64(row, 6);
  order.bonus = rows.Int64(row, 7);
  order.membership_type = rows.Text(row, 8);
  order.duration_days = static_cast<int>(rows.Int64(row, 9));
  order.price_minor = rows.Int64(row, 10);
  order.currency = rows.Text(row, 11);
  order.payment_method = *method;
  order.status = *status;
  order.created_at = FromUnixSeconds(rows.Int64(row, 14));
  order.expires_at = FromUnixSeconds(rows.Int64(row, 15));
  order.paid_at = OptionalTime(rows, row, 16);
  order.start_date = OptionalTime(rows, row, 17);
  order.end_date = OptionalTime(rows, row, 18);
  order.checkout_ref = rows.Text(row, 19);
  order.payment_ref = rows.Text(row, 20);
  order.credit_entry_id = rows.OptionalInt64(row, 21);
  order.refunded_minor = rows.Int64(row, 22);
  return order;
}
}  // namespace

Result<int64_t> PostgresOrderRepository::Insert(const domain::Order& order) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO orders (order_no, kind, user_id, account_id, price_id, amount, bonus, "
              "membership_type, duration_days, price_minor, currency, payment_method, status, "
              "created_at, expires_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
              "$10, $11, $12, $13, $14, $15, $16) RETURNING id")
          .Bind(order.order_no)
          .Bind(domain::OrderKindName(order.kind))
          .Bind(order.user_id)
          .Bind(order.account_id)
          .Bind(order.price_id)
          .Bind(order.amount)
          .Bind(order.bonus)
          .Bind(order.membership_type)
          .Bind(int64_t{order.duration_days})
          .Bind(order.price_minor)
          .Bind(order.currency)
          .Bind(domain::PaymentMethodName(order.payment_method))
          .Bind(domain::OrderStatusName(order.status))
          .Bind(ToUnixSeconds(order.created_at))
          .Bind(ToUnixSeconds(order.expires_at))
          .Bind(ToUnixSeconds(order.created_at))
          .Run());
  return rows.Int64(0, 0);
}

Status PostgresOrderRepository::SetCheckout(int64_t order_id, std::string_view pay_url,
                                            std::string_view checkout_ref) {
  PgQuery query(db_, "UPDATE orders SET pay_url = $1, checkout_ref = $2 WHERE id = $3");
  query.Bind(pay_url).Bind(checkout_ref).Bind(order_id);
  return RunOne(query, OrderNotFound());
}

Result<std::string> PostgresOrderRepository::PayUrl(int64_t order_id) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_, "SELECT pay_url FROM orders WHERE id = $1").Bind(order_id).Run());
  if (rows.size() == 0) {
    return OrderNotFound();
  }
  return rows.Text(0, 0);
}

Result<domain::Order> PostgresOrderRepository::FindByNo(std::string_view order_no) {
  static const std::string kSql = std::string(kOrderColumns) + "WHERE order_no = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(order_no).Run());
  if (rows.size() == 0) {
    return OrderNotFound();
  }
  return ReadOrder(rows, 0);
}

Result<domain::Order> PostgresOrderRepository::FindById(int64_t order_id) {
  static const std::string kSql = std::string(kOrderColumns) + "WHERE id = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(order_id).Run());
  if (rows.size() == 0) {
    return OrderNotFound();
  }
  return ReadOrder(rows, 0);
}

Result<std::optional<domain::Order>> PostgresOrderRepository::FindByPaymentRef(
    std::string_view payment_ref) {
  static const std::string kSql = std::string(kOrderColumns) + "WHERE payment_ref = $1 LIMIT 1";
  if (payment_ref.empty()) {
    return std::optional<domain::Order>();
  }
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(payment_ref).Run());
  if (rows.size() == 0) {
    return std::optional<domain::Order>();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::Order order, ReadOrder(rows, 0));
  return std::optional<domain::Order>(std::move(order));
}

Result<app::OrderPage> PostgresOrderRepository::ListForUser(int64_t user_id, domain::OrderKind kind,
                                                            int64_t skip, int64_t limit) {
  app::OrderPage page;
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows count,
      PgQuery(db_, "SELECT COUNT(*) FROM orders WHERE user_id = $1 AND kind = $2")
          .Bind(user_id)
          .Bind(domain::OrderKindName(kind))
          .Run());
  page.total = count.Int64(0, 0);
  static const std::string kSql = std::string(kOrderColumns) +
                                  "WHERE user_id = $1 AND kind = $2 ORDER BY id DESC LIMIT $3 "
                                  "OFFSET $4";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str())
                                                  .Bind(user_id)
                                                  .Bind(domain::OrderKindName(kind))
                                                  .Bind(limit)
                                                  .Bind(skip)
                                                  .Run());
  for (int row = 0; row < rows.size(); ++row) {
    CREDITD_ASSIGN_OR_RETURN(domain::Order order, ReadOrder(rows, row));
    page.items.push_back(std::move(order));
  }
  return page;
}

Result<bool> PostgresOrderRepository::MarkPaid(int64_t order_id, const app::OrderPayment& payment) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "UPDATE orders SET status = 'paid', paid_at = $1, start_date = $2, end_date = $3, "
              "credit_entry_id = $4, payment_ref = $5, updated_at = $6 WHERE id = $7 AND "
              "(status = 'pending' OR ($8 = 1 AND status <> 'paid'))")
          .Bind(ToUnixSeconds(payment.paid_at))
          .Bind(OptionalSeconds(payment.start_date))
          .Bind(OptionalSeconds(payment.end_date))
          .Bind(payment.credit_entry_id)
          .Bind(payment.payment_ref)
          .Bind(ToUnixSeconds(payment.paid_at))
          .Bind(order_id)
          .Bind(int64_t{payment.accept_closed ? 1 : 0})
          .Run());
  return rows.affected() == 1;
}

Status PostgresOrderRepository::SetRefunded(int64_t order_id, int64_t refunded_minor,
                                            Timestamp now) {
  PgQuery query(db_, "UPDATE orders SET refunded_minor = $1, updated_at = $2 WHERE id = $3");
  query.Bind(refunded_minor).Bind(ToUnixSeconds(now)).Bind(order_id);
  return RunOne(query, OrderNotFound());
}

Result<bool> PostgresOrderRepository::MarkClosed(int64_t order_id, domain::OrderStatus status,
                                                 Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = "
              "'pending'")
          .Bind(domain::OrderStatusName(status))
          .Bind(ToUnixSeconds(now))
          .Bind(order_id)
          .Run());
  return rows.affected() == 1;
}

Result<std::vector<int64_t>> PostgresOrderRepository::ListOverdue(Timestamp now, int limit) {
  // SKIP LOCKED lets several processes' expiry jobs take disjoint batches.
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT id FROM orders WHERE status = 'pending' AND expires_at <= $1 ORDER BY "
              "expires_at LIMIT $2 FOR UPDATE SKIP LOCKED")
          .Bind(ToUnixSeconds(now))
          .Bind(int64_t{limit})
          .Run());
  return Ids(rows);
}

Result<std::vector<domain::Order>> PostgresOrderRepository::ListUnpaidCheckouts(
    domain::PaymentMethod method, Timestamp created_from, Timestamp created_to, int limit) {
  static const std::string kSql =
      std::string(kOrderColumns) +
      "WHERE payment_method = $1 AND status IN ('pending', 'expired') AND checkout_ref <> '' AND "
      "created_at >= $2 AND created_at < $3 ORDER BY created_at LIMIT $4";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str())
                                                  .Bind(domain::PaymentMethodName(method))
                                                  .Bind(ToUnixSeconds(created_from))
                                                  .Bind(ToUnixSeconds(created_to))
                                                  .Bind(int64_t{limit})
                                                  .Run());
  std::vector<domain::Order> orders;
  for (int row = 0; row < rows.size(); ++row) {
    CREDITD_ASSIGN_OR_RETURN(domain::Order order, ReadOrder(rows, row));
    orders.push_back(std::move(order));
  }
  return orders;
}

Result<std::vector<app::PaidTotal>> PostgresOrderRepository::PaidTotals(int64_t user_id,
                                                                        domain::OrderKind kind) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "SELECT currency, SUM(price_minor)::BIGINT, COUNT(*) FROM orders WHERE user_id = $1 "
              "AND kind = $2 AND status = 'paid' GROUP BY currency ORDER BY currency")
          .Bind(user_id)
          .Bind(domain::OrderKindName(kind))
          .Run());
  std::vector<app::PaidTotal> totals;
  for (int row = 0; row < rows.size(); ++row) {
    totals.push_back({rows.Text(row, 0), rows.Int64(row, 1), rows.Int64(row, 2)});
  }
  return totals;
}

// ----- API keys -----

namespace {
constexpr const char* kApiKeyColumns =
    "SELECT id, name, prefix, key_hash, created_at, last_used_at, revoked_at FROM api_keys ";

app::ApiKey ReadApiKey(const PgRows& rows, int row) {
  app::ApiKey key;
  key.id = rows.Int64(row, 0);
  key.name = rows.Text(row, 1);
  key.prefix = rows.Text(row, 2);
  key.key_hash = rows.Text(row, 3);
  key.created_at = FromUnixSeconds(rows.Int64(row, 4));
  key.last_used_at = OptionalTime(rows, row, 5);
  key.revoked_at = OptionalTime(rows, row, 6);
  return key;
}
}  // namespace

Result<int64_t> PostgresApiKeyRepository::Insert(const app::ApiKey& key) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows,
      PgQuery(db_,
              "INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4) "
              "RETURNING id")
          .Bind(key.name)
          .Bind(key.prefix)
          .Bind(key.key_hash)
          .Bind(ToUnixSeconds(key.created_at))
          .Run());
  return rows.Int64(0, 0);
}

Result<app::ApiKey> PostgresApiKeyRepository::FindByHash(std::string_view key_hash) {
  static const std::string kSql = std::string(kApiKeyColumns) + "WHERE key_hash = $1";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Bind(key_hash).Run());
  if (rows.size() == 0) {
    return Status(reason::kInvalidApiKey, "the API key is invalid or revoked");
  }
  return ReadApiKey(rows, 0);
}

Result<std::vector<app::ApiKey>> PostgresApiKeyRepository::List() {
  static const std::string kSql = std::string(kApiKeyColumns) + "ORDER BY id";
  CREDITD_ASSIGN_OR_RETURN(const PgRows rows, PgQuery(db_, kSql.c_str()).Run());
  std::vector<app::ApiKey> keys;
  for (int row = 0; row < rows.size(); ++row) {
    keys.push_back(ReadApiKey(rows, row));
  }
  return keys;
}

Status PostgresApiKeyRepository::Revoke(int64_t id, Timestamp now) {
  PgQuery query(db_, "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2");
  query.Bind(ToUnixSeconds(now)).Bind(id);
  return RunOne(query, Status(reason::kApiKeyNotFound, "API key not found"));
}

// ----- unit of work -----

struct PostgresUnitOfWork::Repositories {
  explicit Repositories(PgConnection& connection)
      : users(connection),
        accounts(connection),
        ledger(connection),
        sessions(connection),
        catalog(connection),
        meta(connection),
        idempotency(connection),
        orders(connection),
        api_keys(connection),
        charges(connection),
        subscriptions(connection),
        billing(connection),
        teams(connection) {}
  PostgresUserRepository users;
  PostgresAccountRepository accounts;
  PostgresLedgerRepository ledger;
  PostgresSessionRepository sessions;
  PostgresCatalogRepository catalog;
  PostgresMetaRepository meta;
  PostgresIdempotencyRepository idempotency;
  PostgresOrderRepository orders;
  PostgresApiKeyRepository api_keys;
  PostgresChargeRepository charges;
  PostgresSubscriptionRepository subscriptions;
  PostgresBillingRepository billing;
  PostgresTeamRepository teams;
};

PostgresUnitOfWork::PostgresUnitOfWork(PostgresDatabase& database,
                                       std::unique_ptr<PgConnection> connection)
    : database_(database),
      connection_(std::move(connection)),
      repositories_(std::make_unique<Repositories>(*connection_)) {}

app::UserRepository& PostgresUnitOfWork::users() {
  return repositories_->users;
}
app::AccountRepository& PostgresUnitOfWork::accounts() {
  return repositories_->accounts;
}
app::LedgerRepository& PostgresUnitOfWork::ledger() {
  return repositories_->ledger;
}
app::SessionRepository& PostgresUnitOfWork::sessions() {
  return repositories_->sessions;
}
app::CatalogRepository& PostgresUnitOfWork::catalog() {
  return repositories_->catalog;
}
app::MetaRepository& PostgresUnitOfWork::meta() {
  return repositories_->meta;
}
app::IdempotencyRepository& PostgresUnitOfWork::idempotency() {
  return repositories_->idempotency;
}
app::OrderRepository& PostgresUnitOfWork::orders() {
  return repositories_->orders;
}
app::ApiKeyRepository& PostgresUnitOfWork::api_keys() {
  return repositories_->api_keys;
}

PostgresUnitOfWork::~PostgresUnitOfWork() {
  repositories_.reset();  // They refer to the connection, which goes back to the pool below.
  if (!finished_) {
    connection_->Exec("ROLLBACK").IgnoreError();  // Nothing to report: the work failed already.
  }
  database_.Release(std::move(connection_));
}

app::ChargeRepository& PostgresUnitOfWork::charges() {
  return repositories_->charges;
}
app::SubscriptionRepository& PostgresUnitOfWork::subscriptions() {
  return repositories_->subscriptions;
}
app::BillingRepository& PostgresUnitOfWork::billing() {
  return repositories_->billing;
}
app::TeamRepository& PostgresUnitOfWork::teams() {
  return repositories_->teams;
}

Status PostgresUnitOfWork::Savepoint() {
  return connection_->Exec("SAVEPOINT operation");
}
Status PostgresUnitOfWork::ReleaseSavepoint() {
  return connection_->Exec("RELEASE SAVEPOINT operation");
}
Status PostgresUnitOfWork::RollbackToSavepoint() {
  // Also recovers a transaction that an error inside the operation had aborted.
  return connection_->Exec("ROLLBACK TO SAVEPOINT operation; RELEASE SAVEPOINT operation");
}

Status PostgresUnitOfWork::Commit() {
  CREDITD_CHECK(!finished_);
  Status status = connection_->Exec("COMMIT");
  // After a failed COMMIT the transaction is over either way; the destructor must not roll back.
  finished_ = true;
  return status;
}

}  // namespace creditd::storage::postgres
