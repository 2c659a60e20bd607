#include "storage/sqlite/sqlite_unit_of_work.h"

#include "app/ports/account_repository.h"
#include "app/ports/api_key_repository.h"
#include "app/ports/catalog_repository.h"
#include "app/ports/idempotency_repository.h"
#include "app/ports/ledger_repository.h"
#include "app/ports/meta_repository.h"
#include "app/ports/order_repository.h"
#include "app/ports/session_repository.h"
#include "app/ports/user_repository.h"
#include "common/status_macros.h"
#include "storage/sqlite/sqlite_billing_repository.h"
#include "storage/sqlite/sqlite_charge_repository.h"
#include "storage/sqlite/sqlite_database.h"
#include "storage/sqlite/sqlite_subscription_repository.h"
#include "storage/sqlite/sqlite_team_repository.h"

namespace creditd::storage::sqlite {

// The repository adapters; only this unit of work hands them out.
namespace {

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
  Status SetFrozen(int64_t account_id, std::string_view reason, Timestamp now) override;
  Result<std::vector<int64_t>> ListFreeCreditsDue(Timestamp now, int limit) override;
  Status SetFreeCreditsDue(int64_t account_id, Timestamp due, Timestamp now) override;
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
  Result<std::vector<domain::CreditPack>> ListCreditPacks() override;
  Result<std::vector<domain::MembershipPrice>> ListMembershipPrices() override;
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
  Result<int64_t> DeleteOlderThan(Timestamp before, int limit) override;

 private:
  SqliteConnection& db_;
};

class SqliteOrderRepository final : public app::OrderRepository {
 public:
  explicit SqliteOrderRepository(SqliteConnection& connection) : db_(connection) {}
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

constexpr const char* kUserColumns =
    "SELECT id, email, display_name, role, password_hash, COALESCE(account_id, 0), created_at "
    "FROM users ";

Result<User> ReadUser(Statement& statement) {
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return UserNotFound();
  }
  User user;
  user.id = statement.Int64(0);
  user.email = statement.Text(1);
  user.display_name = statement.Text(2);
  const auto role = domain::ParseRole(statement.Text(3));
  if (!role) {
    return Corrupt("users.role");
  }
  user.role = *role;
  user.password_hash = statement.Text(4);
  user.account_id = statement.Int64(5);
  user.created_at = FromUnixSeconds(statement.Int64(6));
  return user;
}

Result<Account> ReadAccount(Statement& statement) {
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return AccountNotFound();
  }
  Account account;
  account.id = statement.Int64(0);
  const auto kind = domain::ParseAccountKind(statement.Text(1));
  if (!kind) {
    return Corrupt("accounts.kind");
  }
  account.kind = *kind;
  account.owner_user_id = statement.OptionalInt64(2);
  account.balance = statement.Int64(3);
  account.held = statement.Int64(4);
  account.created_at = FromUnixSeconds(statement.Int64(5));
  account.updated_at = FromUnixSeconds(statement.Int64(6));
  if (const auto expiry = statement.OptionalInt64(7)) {
    account.member_expired_at = FromUnixSeconds(*expiry);
  }
  account.frozen_reason = statement.Text(8);
  return account;
}

Result<LedgerEntry> ReadEntryRow(const Statement& statement) {
  LedgerEntry entry;
  entry.id = statement.Int64(0);
  entry.account_id = statement.Int64(1);
  const auto type = domain::ParseEntryType(statement.Text(2));
  if (!type) {
    return Corrupt("ledger_entries.type");
  }
  entry.type = *type;
  entry.amount = statement.Int64(3);
  entry.balance_after = statement.Int64(4);
  entry.order_id = statement.OptionalInt64(5);
  entry.reference = statement.Text(6);
  entry.description = statement.Text(7);
  entry.created_at = FromUnixSeconds(statement.Int64(8));
  return entry;
}

Result<std::vector<LedgerEntry>> ReadEntries(Statement& statement) {
  std::vector<LedgerEntry> entries;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    CREDITD_ASSIGN_OR_RETURN(LedgerEntry entry, ReadEntryRow(row));
    entries.push_back(std::move(entry));
    return Status::Ok();
  }));
  return entries;
}

Result<std::vector<int64_t>> ReadIds(Statement& statement) {
  std::vector<int64_t> ids;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    ids.push_back(row.Int64(0));
    return Status::Ok();
  }));
  return ids;
}

Status CatalogDuplicate(const std::string& what) {
  return Status(reason::kConfigInvalid, "catalog " + what + " is defined twice");
}

}  // namespace

// ----- users -----

Result<int64_t> SqliteUserRepository::Insert(const User& user) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO users (email, display_name, role, password_hash, account_id, "
                  "created_at, updated_at) VALUES (?, ?, ?, ?, NULL, ?, ?)"));
  statement.Bind(1, user.email)
      .Bind(2, user.display_name)
      .Bind(3, domain::RoleName(user.role))
      .Bind(4, user.password_hash)
      .Bind(5, ToUnixSeconds(user.created_at))
      .Bind(6, ToUnixSeconds(user.created_at));
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step == StepResult::kUniqueViolation) {
    return Status(reason::kEmailTaken, "an account with this e-mail already exists")
        .WithField("email");
  }
  return db_.LastInsertRowId();
}

Result<User> SqliteUserRepository::FindByEmail(std::string_view email) {
  static const std::string kSql = std::string(kUserColumns) + "WHERE email = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, email);
  return ReadUser(statement);
}

Result<User> SqliteUserRepository::FindById(int64_t id) {
  static const std::string kSql = std::string(kUserColumns) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, id);
  return ReadUser(statement);
}

Status SqliteUserRepository::SetAccount(int64_t user_id, int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE users SET account_id = ? WHERE id = ?"));
  statement.Bind(1, account_id).Bind(2, user_id);
  return RunOne(db_, statement, UserNotFound());
}

Status SqliteUserRepository::UpdateRole(int64_t user_id, domain::Role role) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE users SET role = ? WHERE id = ?"));
  statement.Bind(1, domain::RoleName(role)).Bind(2, user_id);
  return RunOne(db_, statement, UserNotFound());
}

Status SqliteUserRepository::UpdatePasswordHash(int64_t user_id, std::string_view password_hash) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE users SET password_hash = ? WHERE id = ?"));
  statement.Bind(1, password_hash).Bind(2, user_id);
  return RunOne(db_, statement, UserNotFound());
}

Result<int64_t> SqliteUserRepository::Count() {
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare("SELECT COUNT(*) FROM users"));
  CREDITD_RETURN_IF_ERROR(statement.Step());
  return statement.Int64(0);
}

// ----- accounts -----

namespace {
constexpr const char* kAccountById =
    "SELECT id, kind, owner_user_id, balance, held, created_at, updated_at, member_expired_at, "
    "frozen_reason FROM accounts WHERE id = ?";
}  // namespace

Result<Account> SqliteAccountRepository::Create(domain::AccountKind kind,
                                                std::optional<int64_t> owner_user_id,
                                                Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO accounts (kind, owner_user_id, balance, held, created_at, "
                  "updated_at) VALUES (?, ?, 0, 0, ?, ?)"));
  statement.Bind(1, domain::AccountKindName(kind))
      .Bind(2, owner_user_id)
      .Bind(3, ToUnixSeconds(now))
      .Bind(4, ToUnixSeconds(now));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  Account account;
  account.id = db_.LastInsertRowId();
  account.kind = kind;
  account.owner_user_id = owner_user_id;
  account.created_at = now;
  account.updated_at = now;
  return account;
}

Result<Account> SqliteAccountRepository::Get(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kAccountById));
  statement.Bind(1, account_id);
  return ReadAccount(statement);
}

Result<Account> SqliteAccountRepository::GetForUpdate(int64_t account_id) {
  // A write unit of work began with BEGIN IMMEDIATE and holds SQLite's single write lock, so
  // the row is already protected from other writers; a plain read is enough here.
  return Get(account_id);
}

Status SqliteAccountRepository::UpdateBalance(int64_t account_id, int64_t balance, int64_t held,
                                              Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE accounts SET balance = ?, held = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, balance).Bind(2, held).Bind(3, ToUnixSeconds(now)).Bind(4, account_id);
  return RunOne(db_, statement, AccountNotFound());
}

Status SqliteAccountRepository::SetMemberExpiry(int64_t account_id, Timestamp expires_at,
                                                Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE accounts SET member_expired_at = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, ToUnixSeconds(expires_at)).Bind(2, ToUnixSeconds(now)).Bind(3, account_id);
  return RunOne(db_, statement, AccountNotFound());
}

Status SqliteAccountRepository::SetFrozen(int64_t account_id, std::string_view reason,
                                          Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE accounts SET frozen_reason = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, reason).Bind(2, ToUnixSeconds(now)).Bind(3, account_id);
  return RunOne(db_, statement, AccountNotFound());
}

Result<std::vector<int64_t>> SqliteAccountRepository::ListFreeCreditsDue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id FROM accounts WHERE free_credits_due_at <= ? ORDER BY "
                  "free_credits_due_at, id LIMIT ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, int64_t{limit});
  return ReadIds(statement);
}

Status SqliteAccountRepository::SetFreeCreditsDue(int64_t account_id, Timestamp due,
                                                  Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE accounts SET free_credits_due_at = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, ToUnixSeconds(due)).Bind(2, ToUnixSeconds(now)).Bind(3, account_id);
  return RunOne(db_, statement, AccountNotFound());
}

Result<std::vector<int64_t>> SqliteAccountRepository::ListIds(int64_t after_id, int limit) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("SELECT id FROM accounts WHERE id > ? ORDER BY id LIMIT ?"));
  statement.Bind(1, after_id).Bind(2, int64_t{limit});
  return ReadIds(statement);
}

// ----- ledger -----

namespace {
constexpr const char* kEntryColumns =
    "SELECT id, account_id, type, amount, balance_after, order_id, reference, description, "
    "created_at FROM ledger_entries ";
}  // namespace

Result<int64_t> SqliteLedgerRepository::InsertGrant(const Grant& grant) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO grants (account_id, source, priority, amount, remaining, "
                  "expires_at, order_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, grant.account_id)
      .Bind(2, domain::GrantSourceName(grant.source))
      .Bind(3, int64_t{grant.priority})
      .Bind(4, grant.amount)
      .Bind(5, grant.remaining)
      .Bind(6, grant.expires_at ? std::optional<int64_t>(ToUnixSeconds(*grant.expires_at))
                                : std::nullopt)
      .Bind(7, grant.order_id)
      .Bind(8, ToUnixSeconds(grant.created_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<std::vector<Grant>> SqliteLedgerRepository::QueryGrants(const char* sql,
                                                               int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(sql));
  statement.Bind(1, account_id);
  std::vector<Grant> grants;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    Grant grant;
    grant.id = row.Int64(0);
    grant.account_id = row.Int64(1);
    const auto source = domain::ParseGrantSource(row.Text(2));
    if (!source) {
      return Corrupt("grants.source");
    }
    grant.source = *source;
    grant.priority = static_cast<int>(row.Int64(3));
    grant.amount = row.Int64(4);
    grant.remaining = row.Int64(5);
    if (const auto expires = row.OptionalInt64(6)) {
      grant.expires_at = FromUnixSeconds(*expires);
    }
    grant.order_id = row.OptionalInt64(7);
    grant.created_at = FromUnixSeconds(row.Int64(8));
    grants.push_back(std::move(grant));
    return Status::Ok();
  }));
  return grants;
}

Result<std::vector<Grant>> SqliteLedgerRepository::ListOpenGrants(int64_t account_id) {
  return QueryGrants(
      "SELECT id, account_id, source, priority, amount, remaining, expires_at, order_id, "
      "created_at FROM grants WHERE account_id = ? AND remaining > 0",
      account_id);
}

Result<std::vector<Grant>> SqliteLedgerRepository::ListGrants(int64_t account_id) {
  return QueryGrants(
      "SELECT id, account_id, source, priority, amount, remaining, expires_at, order_id, "
      "created_at FROM grants WHERE account_id = ? ORDER BY id",
      account_id);
}

Status SqliteLedgerRepository::UpdateGrantRemaining(int64_t grant_id, int64_t remaining) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE grants SET remaining = ? WHERE id = ?"));
  statement.Bind(1, remaining).Bind(2, grant_id);
  return RunOne(db_, statement,
                Status(reason::kDatabaseError, "a storage error occurred")
                    .WithInternalDetail("grant " + std::to_string(grant_id) + " missing"));
}

Status SqliteLedgerRepository::AddToGrantRemaining(int64_t grant_id, int64_t delta) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("UPDATE grants SET remaining = remaining + ? WHERE id = ?"));
  statement.Bind(1, delta).Bind(2, grant_id);
  return RunOne(db_, statement,
                Status(reason::kDatabaseError, "a storage error occurred")
                    .WithInternalDetail("grant " + std::to_string(grant_id) + " missing"));
}

Result<int64_t> SqliteLedgerRepository::AppendEntry(const LedgerEntry& entry,
                                                    const std::vector<GrantMovement>& movements) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO ledger_entries (account_id, type, amount, balance_after, "
                  "order_id, reference, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, entry.account_id)
      .Bind(2, domain::EntryTypeName(entry.type))
      .Bind(3, entry.amount)
      .Bind(4, entry.balance_after)
      .Bind(5, entry.order_id)
      .Bind(6, entry.reference)
      .Bind(7, entry.description)
      .Bind(8, ToUnixSeconds(entry.created_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  const int64_t entry_id = db_.LastInsertRowId();
  CREDITD_ASSIGN_OR_RETURN(
      Statement movement,
      db_.Prepare("INSERT INTO grant_movements (entry_id, grant_id, amount) VALUES (?, ?, ?)"));
  for (const GrantMovement& move : movements) {
    movement.Reset();
    movement.Bind(1, entry_id).Bind(2, move.grant_id).Bind(3, move.amount);
    CREDITD_RETURN_IF_ERROR(movement.Run());
  }
  return entry_id;
}

Result<LedgerEntry> SqliteLedgerRepository::FindEntry(int64_t entry_id) {
  static const std::string kSql = std::string(kEntryColumns) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, entry_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return Status(reason::kAccountNotFound, "ledger entry not found");
  }
  return ReadEntryRow(statement);
}

Result<app::EntryPage> SqliteLedgerRepository::ListEntries(const app::EntryQuery& query) {
  app::EntryPage page;
  // An empty type parameter matches every type, so one cached statement serves both cases.
  const std::string type = query.type ? std::string(domain::EntryTypeName(*query.type)) : "";
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement count,
        db_.Prepare("SELECT COUNT(*) FROM ledger_entries WHERE account_id = ? AND (? = '' OR "
                    "type = ?)"));
    count.Bind(1, query.account_id).Bind(2, type).Bind(3, type);
    CREDITD_RETURN_IF_ERROR(count.Step());
    page.total = count.Int64(0);
  }
  static const std::string kSql = std::string(kEntryColumns) +
                                  "WHERE account_id = ? AND (? = '' OR type = ?) "
                                  "ORDER BY id DESC LIMIT ? OFFSET ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, query.account_id)
      .Bind(2, type)
      .Bind(3, type)
      .Bind(4, query.limit)
      .Bind(5, query.skip);
  CREDITD_ASSIGN_OR_RETURN(page.items, ReadEntries(statement));
  return page;
}

Result<std::vector<LedgerEntry>> SqliteLedgerRepository::ListAllEntries(int64_t account_id) {
  static const std::string kSql = std::string(kEntryColumns) + "WHERE account_id = ? ORDER BY id";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, account_id);
  return ReadEntries(statement);
}

Result<std::vector<GrantMovement>> SqliteLedgerRepository::ListMovements(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT m.entry_id, m.grant_id, m.amount FROM grant_movements m JOIN grants g "
                  "ON g.id = m.grant_id WHERE g.account_id = ? ORDER BY m.entry_id, m.grant_id"));
  statement.Bind(1, account_id);
  std::vector<GrantMovement> movements;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    movements.push_back({row.Int64(0), row.Int64(1), row.Int64(2)});
    return Status::Ok();
  }));
  return movements;
}

Result<std::map<domain::EntryType, int64_t>> SqliteLedgerRepository::SumByType(int64_t account_id) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT type, SUM(amount) FROM ledger_entries WHERE account_id = ? GROUP BY "
                  "type"));
  statement.Bind(1, account_id);
  std::map<domain::EntryType, int64_t> sums;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    const auto type = domain::ParseEntryType(row.Text(0));
    if (!type) {
      return Corrupt("ledger_entries.type");
    }
    sums[*type] = row.Int64(1);
    return Status::Ok();
  }));
  return sums;
}

Result<std::vector<app::DailyTotal>> SqliteLedgerRepository::DailyTotals(int64_t account_id,
                                                                         Timestamp since) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT date(created_at, 'unixepoch') AS day, type, SUM(amount) FROM "
                  "ledger_entries WHERE account_id = ? AND created_at >= ? GROUP BY day, type "
                  "ORDER BY day, type"));
  statement.Bind(1, account_id).Bind(2, ToUnixSeconds(since));
  std::vector<app::DailyTotal> totals;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    const auto type = domain::ParseEntryType(row.Text(1));
    if (!type) {
      return Corrupt("ledger_entries.type");
    }
    totals.push_back({row.Text(0), *type, row.Int64(2)});
    return Status::Ok();
  }));
  return totals;
}

Result<std::vector<int64_t>> SqliteLedgerRepository::ListAccountsWithDueGrants(Timestamp now,
                                                                               int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT DISTINCT account_id FROM grants WHERE remaining > 0 AND expires_at IS "
                  "NOT NULL AND expires_at <= ? ORDER BY account_id LIMIT ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, int64_t{limit});
  return ReadIds(statement);
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

Result<int64_t> SqliteSessionRepository::Insert(const app::RefreshToken& token) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO refresh_tokens (family_id, user_id, token_hash, state, created_at, "
                  "expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, token.family_id)
      .Bind(2, token.user_id)
      .Bind(3, token.token_hash)
      .Bind(4, StateName(token.state))
      .Bind(5, ToUnixSeconds(token.created_at))
      .Bind(6, ToUnixSeconds(token.expires_at))
      .Bind(7, ToUnixSeconds(token.created_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<app::RefreshToken> SqliteSessionRepository::FindByHash(std::string_view token_hash) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id, family_id, user_id, token_hash, state, created_at, expires_at FROM "
                  "refresh_tokens WHERE token_hash = ?"));
  statement.Bind(1, token_hash);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return Status(reason::kInvalidRefreshToken, "refresh token is invalid or expired");
  }
  app::RefreshToken token;
  token.id = statement.Int64(0);
  token.family_id = statement.Text(1);
  token.user_id = statement.Int64(2);
  token.token_hash = statement.Text(3);
  const std::string state = statement.Text(4);
  token.state = state == "active"    ? app::RefreshTokenState::kActive
                : state == "rotated" ? app::RefreshTokenState::kRotated
                                     : app::RefreshTokenState::kRevoked;
  token.created_at = FromUnixSeconds(statement.Int64(5));
  token.expires_at = FromUnixSeconds(statement.Int64(6));
  return token;
}

Result<bool> SqliteSessionRepository::MarkRotated(int64_t token_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE refresh_tokens SET state = 'rotated', updated_at = ? WHERE id = ? AND "
                  "state = 'active'"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, token_id);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Status SqliteSessionRepository::RevokeFamily(std::string_view family_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE refresh_tokens SET state = 'revoked', updated_at = ? WHERE family_id = "
                  "? AND state <> 'revoked'"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, family_id);
  return statement.Run();
}

Result<bool> SqliteSessionRepository::IsFamilyActive(std::string_view family_id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT 1 FROM refresh_tokens WHERE family_id = ? AND state = 'active' AND "
                  "expires_at > ? LIMIT 1"));
  statement.Bind(1, family_id).Bind(2, ToUnixSeconds(now));
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  return step == StepResult::kRow;
}

// ----- catalog -----

Status SqliteCatalogRepository::InsertCreditPack(const domain::CreditPack& pack) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO credit_packs (id, amount, bonus, price_minor, currency, is_active, "
                  "sort_order) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, pack.id)
      .Bind(2, pack.amount)
      .Bind(3, pack.bonus)
      .Bind(4, pack.price_minor)
      .Bind(5, pack.currency)
      .Bind(6, int64_t{pack.is_active ? 1 : 0})
      .Bind(7, int64_t{pack.sort_order});
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  return step == StepResult::kUniqueViolation
             ? CatalogDuplicate("credit pack " + std::to_string(pack.id))
             : Status::Ok();
}

Status SqliteCatalogRepository::InsertMembershipPrice(const domain::MembershipPrice& membership) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO membership_prices (id, membership_type, duration_days, "
                  "price_minor, original_price_minor, currency, is_active, sort_order) VALUES "
                  "(?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, membership.id)
      .Bind(2, membership.membership_type)
      .Bind(3, int64_t{membership.duration_days})
      .Bind(4, membership.price_minor)
      .Bind(5, membership.original_price_minor)
      .Bind(6, membership.currency)
      .Bind(7, int64_t{membership.is_active ? 1 : 0})
      .Bind(8, int64_t{membership.sort_order});
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  return step == StepResult::kUniqueViolation
             ? CatalogDuplicate("membership " + std::to_string(membership.id))
             : Status::Ok();
}

Status SqliteCatalogRepository::InsertTool(const domain::Tool& tool) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO tools (key, name, credits, unit, resource_type, required_feature, "
                  "is_active, price_version, upstream_url, upstream_headers, upstream_timeout_ms, "
                  "fail_percent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, tool.key)
      .Bind(2, tool.name)
      .Bind(3, tool.credits)
      .Bind(4, tool.unit)
      .Bind(5, tool.resource_type)
      .Bind(6, tool.required_feature)
      .Bind(7, int64_t{tool.is_active ? 1 : 0})
      .Bind(8, tool.price_version)
      .Bind(9, tool.upstream_url)
      .Bind(10, domain::EncodeHeaderLines(tool.upstream_headers))
      .Bind(11, int64_t{tool.upstream_timeout_ms})
      .Bind(12, int64_t{tool.fail_percent});
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  return step == StepResult::kUniqueViolation ? CatalogDuplicate("tool " + tool.key) : Status::Ok();
}

Status SqliteCatalogRepository::InsertPlan(const domain::Plan& plan) {
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("INSERT INTO plans (key, name, monthly_price_minor, yearly_price_minor, "
                    "currency, monthly_credits, trial_days, sort_order) VALUES (?, ?, ?, ?, ?, ?, "
                    "?, ?)"));
    statement.Bind(1, plan.key)
        .Bind(2, plan.name)
        .Bind(3, plan.monthly_price_minor)
        .Bind(4, plan.yearly_price_minor)
        .Bind(5, plan.currency)
        .Bind(6, plan.monthly_credits)
        .Bind(7, int64_t{plan.trial_days})
        .Bind(8, int64_t{plan.sort_order});
    CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
    if (step == StepResult::kUniqueViolation) {
      return CatalogDuplicate("plan " + plan.key);
    }
  }
  for (const auto& feature : plan.features) {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("INSERT OR IGNORE INTO plan_features (plan_key, feature) VALUES (?, ?)"));
    statement.Bind(1, plan.key).Bind(2, feature);
    CREDITD_RETURN_IF_ERROR(statement.Run());
  }
  for (const auto& [resource, limit] : plan.quotas) {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("INSERT INTO plan_quotas (plan_key, resource_type, monthly_limit) VALUES (?, "
                    "?, ?)"));
    statement.Bind(1, plan.key).Bind(2, resource).Bind(3, limit);
    CREDITD_RETURN_IF_ERROR(statement.Run());
  }
  return Status::Ok();
}

Result<std::vector<domain::CreditPack>> SqliteCatalogRepository::ListCreditPacks() {
  std::vector<domain::CreditPack> packs;
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("SELECT id, amount, bonus, price_minor, currency, is_active, sort_order FROM "
                    "credit_packs ORDER BY sort_order, id"));
    CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
      packs.push_back({row.Int64(0), row.Int64(1), row.Int64(2), row.Int64(3), row.Text(4),
                       row.Int64(5) != 0, static_cast<int>(row.Int64(6))});
      return Status::Ok();
    }));
  }
  return packs;
}

Result<std::vector<domain::MembershipPrice>> SqliteCatalogRepository::ListMembershipPrices() {
  std::vector<domain::MembershipPrice> memberships;
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("SELECT id, membership_type, duration_days, price_minor, "
                    "original_price_minor, currency, is_active, sort_order FROM "
                    "membership_prices ORDER BY sort_order, id"));
    CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
      memberships.push_back({row.Int64(0), row.Text(1), static_cast<int>(row.Int64(2)),
                             row.Int64(3), row.Int64(4), row.Text(5), row.Int64(6) != 0,
                             static_cast<int>(row.Int64(7))});
      return Status::Ok();
    }));
  }
  return memberships;
}

Result<domain::Catalog> SqliteCatalogRepository::Load() {
  domain::Catalog catalog;
  CREDITD_ASSIGN_OR_RETURN(catalog.credit_packs, ListCreditPacks());
  CREDITD_ASSIGN_OR_RETURN(catalog.memberships, ListMembershipPrices());
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("SELECT key, name, credits, unit, resource_type, required_feature, "
                    "is_active, price_version, upstream_url, upstream_headers, "
                    "upstream_timeout_ms, fail_percent FROM tools ORDER BY key"));
    CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
      domain::Tool tool;
      tool.key = row.Text(0);
      tool.name = row.Text(1);
      tool.credits = row.Int64(2);
      tool.unit = row.Text(3);
      tool.resource_type = row.Text(4);
      tool.required_feature = row.Text(5);
      tool.is_active = row.Int64(6) != 0;
      tool.price_version = row.Int64(7);
      tool.upstream_url = row.Text(8);
      tool.upstream_headers = domain::DecodeHeaderLines(row.Text(9));
      tool.upstream_timeout_ms = static_cast<int>(row.Int64(10));
      tool.fail_percent = static_cast<int>(row.Int64(11));
      catalog.tools.push_back(std::move(tool));
      return Status::Ok();
    }));
  }
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement statement,
        db_.Prepare("SELECT key, name, monthly_price_minor, yearly_price_minor, currency, "
                    "monthly_credits, trial_days, sort_order FROM plans ORDER BY sort_order, "
                    "key"));
    CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
      domain::Plan plan;
      plan.key = row.Text(0);
      plan.name = row.Text(1);
      plan.monthly_price_minor = row.Int64(2);
      plan.yearly_price_minor = row.Int64(3);
      plan.currency = row.Text(4);
      plan.monthly_credits = row.Int64(5);
      plan.trial_days = static_cast<int>(row.Int64(6));
      plan.sort_order = static_cast<int>(row.Int64(7));
      catalog.plans.push_back(std::move(plan));
      return Status::Ok();
    }));
  }
  for (auto& plan : catalog.plans) {
    CREDITD_ASSIGN_OR_RETURN(
        Statement features,
        db_.Prepare("SELECT feature FROM plan_features WHERE plan_key = ? ORDER BY feature"));
    features.Bind(1, plan.key);
    CREDITD_RETURN_IF_ERROR(ForEachRow(features, [&](const Statement& row) -> Status {
      plan.features.push_back(row.Text(0));
      return Status::Ok();
    }));
  }
  for (auto& plan : catalog.plans) {
    CREDITD_ASSIGN_OR_RETURN(
        Statement quotas,
        db_.Prepare("SELECT resource_type, monthly_limit FROM plan_quotas WHERE plan_key = ?"));
    quotas.Bind(1, plan.key);
    CREDITD_RETURN_IF_ERROR(ForEachRow(quotas, [&](const Statement& row) -> Status {
      plan.quotas[row.Text(0)] = row.Int64(1);
      return Status::Ok();
    }));
  }
  return catalog;
}

// ----- meta -----

Result<std::optional<std::string>> SqliteMetaRepository::GetSetting(std::string_view key) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("SELECT value FROM settings WHERE key = ?"));
  statement.Bind(1, key);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(statement.Text(0));
}

Status SqliteMetaRepository::PutSetting(std::string_view key, std::string_view value) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                  "SET value = excluded.value"));
  statement.Bind(1, key).Bind(2, value);
  return statement.Run();
}

Result<int64_t> SqliteMetaRepository::NextOrderSequence(char prefix, std::string_view date) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO order_sequences (prefix, day, last_value) VALUES (?, ?, 1) ON "
                  "CONFLICT (prefix, day) DO UPDATE SET last_value = last_value + 1 RETURNING "
                  "last_value"));
  statement.Bind(1, std::string_view(&prefix, 1)).Bind(2, date);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return db_.Error("next order sequence");
  }
  return statement.Int64(0);
}

// ----- idempotency -----

Result<std::optional<app::IdempotencyRecord>> SqliteIdempotencyRepository::Find(
    std::string_view scope, std::string_view key) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT request_fingerprint, result_ref, created_at, response_status, "
                  "response_body FROM idempotency_keys WHERE scope = ? AND key = ?"));
  statement.Bind(1, scope).Bind(2, key);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<app::IdempotencyRecord>();
  }
  return std::optional<app::IdempotencyRecord>(
      app::IdempotencyRecord{std::string(scope), std::string(key), statement.Text(0),
                             statement.Text(1), static_cast<int>(statement.Int64(3)),
                             statement.Text(4), FromUnixSeconds(statement.Int64(2))});
}

Status SqliteIdempotencyRepository::Insert(const app::IdempotencyRecord& record) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO idempotency_keys (scope, key, request_fingerprint, result_ref, "
                  "created_at, response_status, response_body) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, record.scope)
      .Bind(2, record.key)
      .Bind(3, record.request_fingerprint)
      .Bind(4, record.result_ref)
      .Bind(5, ToUnixSeconds(record.created_at))
      .Bind(6, int64_t{record.response_status})
      .Bind(7, record.response_body);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step == StepResult::kUniqueViolation) {
    return Status(reason::kIdempotencyKeyInFlight,
                  "a request with this Idempotency-Key is in progress; retry shortly");
  }
  return Status::Ok();
}

Result<int64_t> SqliteIdempotencyRepository::DeleteOlderThan(Timestamp before, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM "
                  "idempotency_keys WHERE created_at < ? LIMIT ?)"));
  statement.Bind(1, ToUnixSeconds(before)).Bind(2, int64_t{limit});
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return int64_t{db_.Changes()};
}

// ----- orders -----

namespace {
constexpr const char* kOrderColumns =
    "SELECT id, order_no, kind, user_id, account_id, price_id, amount, bonus, membership_type, "
    "duration_days, price_minor, currency, payment_method, status, created_at, expires_at, "
    "paid_at, start_date, end_date, checkout_ref, payment_ref, credit_entry_id, refunded_minor "
    "FROM orders ";

Status OrderNotFound() {
  return Status(reason::kOrderNotFound, "order not found");
}

Result<domain::Order> ReadOrderRow(const Statement& row) {
  domain::Order order;
  order.id = row.Int64(0);
  order.order_no = row.Text(1);
  const auto kind = domain::ParseOrderKind(row.Text(2));
  const auto method = domain::ParsePaymentMethod(row.Text(12));
  const auto status = domain::ParseOrderStatus(row.Text(13));
  if (!kind || !method || !status) {
    return Corrupt("orders.kind/payment_method/status");
  }
  order.kind = *kind;
  order.user_id = row.Int64(3);
  order.account_id = row.Int64(4);
  order.price_id = row.Int64(5);
  order.amount = row.Int64(6);
  order.bonus = row.Int64(7);
  order.membership_type = row.Text(8);
  order.duration_days = static_cast<int>(row.Int64(9));
  order.price_minor = row.Int64(10);
  order.currency = row.Text(11);
  order.payment_method = *method;
  order.status = *status;
  order.created_at = FromUnixSeconds(row.Int64(14));
  order.expires_at = FromUnixSeconds(row.Int64(15));
  order.paid_at = OptionalTime(row, 16);
  order.start_date = OptionalTime(row, 17);
  order.end_date = OptionalTime(row, 18);
  order.checkout_ref = row.Text(19);
  order.payment_ref = row.Text(20);
  order.credit_entry_id = row.OptionalInt64(21);
  order.refunded_minor = row.Int64(22);
  return order;
}

}  // namespace

Result<int64_t> SqliteOrderRepository::Insert(const domain::Order& order) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO orders (order_no, kind, user_id, account_id, price_id, amount, "
                  "bonus, membership_type, duration_days, price_minor, currency, payment_method, "
                  "status, created_at, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                  "?, ?, ?, ?, ?, ?, ?, ?)"));
  statement.Bind(1, order.order_no)
      .Bind(2, domain::OrderKindName(order.kind))
      .Bind(3, order.user_id)
      .Bind(4, order.account_id)
      .Bind(5, order.price_id)
      .Bind(6, order.amount)
      .Bind(7, order.bonus)
      .Bind(8, order.membership_type)
      .Bind(9, int64_t{order.duration_days})
      .Bind(10, order.price_minor)
      .Bind(11, order.currency)
      .Bind(12, domain::PaymentMethodName(order.payment_method))
      .Bind(13, domain::OrderStatusName(order.status))
      .Bind(14, ToUnixSeconds(order.created_at))
      .Bind(15, ToUnixSeconds(order.expires_at))
      .Bind(16, ToUnixSeconds(order.created_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Status SqliteOrderRepository::SetCheckout(int64_t order_id, std::string_view pay_url,
                                          std::string_view checkout_ref) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE orders SET pay_url = ?, checkout_ref = ? WHERE id = ?"));
  statement.Bind(1, pay_url).Bind(2, checkout_ref).Bind(3, order_id);
  return RunOne(db_, statement, OrderNotFound());
}

Result<std::string> SqliteOrderRepository::PayUrl(int64_t order_id) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("SELECT pay_url FROM orders WHERE id = ?"));
  statement.Bind(1, order_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return OrderNotFound();
  }
  return statement.Text(0);
}

Result<domain::Order> SqliteOrderRepository::FindByNo(std::string_view order_no) {
  static const std::string kSql = std::string(kOrderColumns) + "WHERE order_no = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, order_no);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return OrderNotFound();
  }
  return ReadOrderRow(statement);
}

Result<domain::Order> SqliteOrderRepository::FindById(int64_t order_id) {
  static const std::string kSql = std::string(kOrderColumns) + "WHERE id = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, order_id);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return OrderNotFound();
  }
  return ReadOrderRow(statement);
}

Result<std::optional<domain::Order>> SqliteOrderRepository::FindByPaymentRef(
    std::string_view payment_ref) {
  static const std::string kSql = std::string(kOrderColumns) + "WHERE payment_ref = ? LIMIT 1";
  if (payment_ref.empty()) {
    return std::optional<domain::Order>();
  }
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, payment_ref);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return std::optional<domain::Order>();
  }
  CREDITD_ASSIGN_OR_RETURN(domain::Order order, ReadOrderRow(statement));
  return std::optional<domain::Order>(std::move(order));
}

Result<app::OrderPage> SqliteOrderRepository::ListForUser(int64_t user_id, domain::OrderKind kind,
                                                          int64_t skip, int64_t limit) {
  app::OrderPage page;
  {
    CREDITD_ASSIGN_OR_RETURN(
        Statement count, db_.Prepare("SELECT COUNT(*) FROM orders WHERE user_id = ? AND kind = ?"));
    count.Bind(1, user_id).Bind(2, domain::OrderKindName(kind));
    CREDITD_RETURN_IF_ERROR(count.Step());
    page.total = count.Int64(0);
  }
  static const std::string kSql = std::string(kOrderColumns) +
                                  "WHERE user_id = ? AND kind = ? ORDER BY id DESC LIMIT ? "
                                  "OFFSET ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, user_id).Bind(2, domain::OrderKindName(kind)).Bind(3, limit).Bind(4, skip);
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    CREDITD_ASSIGN_OR_RETURN(domain::Order order, ReadOrderRow(row));
    page.items.push_back(std::move(order));
    return Status::Ok();
  }));
  return page;
}

Result<bool> SqliteOrderRepository::MarkPaid(int64_t order_id, const app::OrderPayment& payment) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE orders SET status = 'paid', paid_at = ?, start_date = ?, end_date = ?, "
                  "credit_entry_id = ?, payment_ref = ?, updated_at = ? WHERE id = ? AND "
                  "(status = 'pending' OR (? = 1 AND status <> 'paid'))"));
  statement.Bind(1, ToUnixSeconds(payment.paid_at))
      .Bind(2, OptionalSeconds(payment.start_date))
      .Bind(3, OptionalSeconds(payment.end_date))
      .Bind(4, payment.credit_entry_id)
      .Bind(5, payment.payment_ref)
      .Bind(6, ToUnixSeconds(payment.paid_at))
      .Bind(7, order_id)
      .Bind(8, int64_t{payment.accept_closed ? 1 : 0});
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Status SqliteOrderRepository::SetRefunded(int64_t order_id, int64_t refunded_minor, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE orders SET refunded_minor = ?, updated_at = ? WHERE id = ?"));
  statement.Bind(1, refunded_minor).Bind(2, ToUnixSeconds(now)).Bind(3, order_id);
  return RunOne(db_, statement, OrderNotFound());
}

Result<bool> SqliteOrderRepository::MarkClosed(int64_t order_id, domain::OrderStatus status,
                                               Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = "
                  "'pending'"));
  statement.Bind(1, domain::OrderStatusName(status)).Bind(2, ToUnixSeconds(now)).Bind(3, order_id);
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.Changes() == 1;
}

Result<std::vector<int64_t>> SqliteOrderRepository::ListOverdue(Timestamp now, int limit) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT id FROM orders WHERE status = 'pending' AND expires_at <= ? ORDER BY "
                  "expires_at LIMIT ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, int64_t{limit});
  return ReadIds(statement);
}

Result<std::vector<domain::Order>> SqliteOrderRepository::ListUnpaidCheckouts(
    domain::PaymentMethod method, Timestamp created_from, Timestamp created_to, int limit) {
  static const std::string kSql =
      std::string(kOrderColumns) +
      "WHERE payment_method = ? AND status IN ('pending', 'expired') AND checkout_ref <> '' AND "
      "created_at >= ? AND created_at < ? ORDER BY created_at LIMIT ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, domain::PaymentMethodName(method))
      .Bind(2, ToUnixSeconds(created_from))
      .Bind(3, ToUnixSeconds(created_to))
      .Bind(4, int64_t{limit});
  std::vector<domain::Order> orders;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    CREDITD_ASSIGN_OR_RETURN(domain::Order order, ReadOrderRow(row));
    orders.push_back(std::move(order));
    return Status::Ok();
  }));
  return orders;
}

Result<std::vector<app::PaidTotal>> SqliteOrderRepository::PaidTotals(int64_t user_id,
                                                                      domain::OrderKind kind) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("SELECT currency, SUM(price_minor), COUNT(*) FROM orders WHERE user_id = ? AND "
                  "kind = ? AND status = 'paid' GROUP BY currency ORDER BY currency"));
  statement.Bind(1, user_id).Bind(2, domain::OrderKindName(kind));
  std::vector<app::PaidTotal> totals;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    totals.push_back({row.Text(0), row.Int64(1), row.Int64(2)});
    return Status::Ok();
  }));
  return totals;
}

// ----- API keys -----

namespace {
constexpr const char* kApiKeyColumns =
    "SELECT id, name, prefix, key_hash, created_at, last_used_at, revoked_at FROM api_keys ";

app::ApiKey ReadApiKey(const Statement& row) {
  app::ApiKey key;
  key.id = row.Int64(0);
  key.name = row.Text(1);
  key.prefix = row.Text(2);
  key.key_hash = row.Text(3);
  key.created_at = FromUnixSeconds(row.Int64(4));
  key.last_used_at = OptionalTime(row, 5);
  key.revoked_at = OptionalTime(row, 6);
  return key;
}
}  // namespace

Result<int64_t> SqliteApiKeyRepository::Insert(const app::ApiKey& key) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("INSERT INTO api_keys (name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?)"));
  statement.Bind(1, key.name)
      .Bind(2, key.prefix)
      .Bind(3, key.key_hash)
      .Bind(4, ToUnixSeconds(key.created_at));
  CREDITD_RETURN_IF_ERROR(statement.Run());
  return db_.LastInsertRowId();
}

Result<app::ApiKey> SqliteApiKeyRepository::FindByHash(std::string_view key_hash) {
  static const std::string kSql = std::string(kApiKeyColumns) + "WHERE key_hash = ?";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  statement.Bind(1, key_hash);
  CREDITD_ASSIGN_OR_RETURN(const StepResult step, statement.Step());
  if (step != StepResult::kRow) {
    return Status(reason::kInvalidApiKey, "the API key is invalid or revoked");
  }
  return ReadApiKey(statement);
}

Result<std::vector<app::ApiKey>> SqliteApiKeyRepository::List() {
  static const std::string kSql = std::string(kApiKeyColumns) + "ORDER BY id";
  CREDITD_ASSIGN_OR_RETURN(Statement statement, db_.Prepare(kSql.c_str()));
  std::vector<app::ApiKey> keys;
  CREDITD_RETURN_IF_ERROR(ForEachRow(statement, [&](const Statement& row) -> Status {
    keys.push_back(ReadApiKey(row));
    return Status::Ok();
  }));
  return keys;
}

Status SqliteApiKeyRepository::Revoke(int64_t id, Timestamp now) {
  CREDITD_ASSIGN_OR_RETURN(
      Statement statement,
      db_.Prepare("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?"));
  statement.Bind(1, ToUnixSeconds(now)).Bind(2, id);
  return RunOne(db_, statement, Status(reason::kApiKeyNotFound, "API key not found"));
}

// ----- unit of work -----

struct SqliteUnitOfWork::Repositories {
  explicit Repositories(SqliteConnection& connection)
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
  SqliteUserRepository users;
  SqliteAccountRepository accounts;
  SqliteLedgerRepository ledger;
  SqliteSessionRepository sessions;
  SqliteCatalogRepository catalog;
  SqliteMetaRepository meta;
  SqliteIdempotencyRepository idempotency;
  SqliteOrderRepository orders;
  SqliteApiKeyRepository api_keys;
  SqliteChargeRepository charges;
  SqliteSubscriptionRepository subscriptions;
  SqliteBillingRepository billing;
  SqliteTeamRepository teams;
};

SqliteUnitOfWork::SqliteUnitOfWork(SqliteDatabase& database,
                                   std::unique_ptr<SqliteConnection> connection,
                                   bool restore_full_sync)
    : database_(database),
      connection_(std::move(connection)),
      repositories_(std::make_unique<Repositories>(*connection_)),
      restore_full_sync_(restore_full_sync) {}

app::UserRepository& SqliteUnitOfWork::users() {
  return repositories_->users;
}
app::AccountRepository& SqliteUnitOfWork::accounts() {
  return repositories_->accounts;
}
app::LedgerRepository& SqliteUnitOfWork::ledger() {
  return repositories_->ledger;
}
app::SessionRepository& SqliteUnitOfWork::sessions() {
  return repositories_->sessions;
}
app::CatalogRepository& SqliteUnitOfWork::catalog() {
  return repositories_->catalog;
}
app::MetaRepository& SqliteUnitOfWork::meta() {
  return repositories_->meta;
}
app::IdempotencyRepository& SqliteUnitOfWork::idempotency() {
  return repositories_->idempotency;
}
app::OrderRepository& SqliteUnitOfWork::orders() {
  return repositories_->orders;
}
app::ApiKeyRepository& SqliteUnitOfWork::api_keys() {
  return repositories_->api_keys;
}

app::ChargeRepository& SqliteUnitOfWork::charges() {
  return repositories_->charges;
}
app::SubscriptionRepository& SqliteUnitOfWork::subscriptions() {
  return repositories_->subscriptions;
}
app::BillingRepository& SqliteUnitOfWork::billing() {
  return repositories_->billing;
}
app::TeamRepository& SqliteUnitOfWork::teams() {
  return repositories_->teams;
}

// Savepoints run once per batched operation, so they use cached prepared statements rather than
// compiling the SQL text each time.
namespace {
Status RunCached(SqliteConnection& connection, const char* sql) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement, connection.Prepare(sql));
  return statement.Run();
}
}  // namespace

Status SqliteUnitOfWork::Savepoint() {
  return RunCached(*connection_, "SAVEPOINT operation");
}
Status SqliteUnitOfWork::ReleaseSavepoint() {
  return RunCached(*connection_, "RELEASE SAVEPOINT operation");
}
Status SqliteUnitOfWork::RollbackToSavepoint() {
  CREDITD_RETURN_IF_ERROR(RunCached(*connection_, "ROLLBACK TO SAVEPOINT operation"));
  return RunCached(*connection_, "RELEASE SAVEPOINT operation");
}

SqliteUnitOfWork::~SqliteUnitOfWork() {
  repositories_.reset();  // They refer to the connection, which goes back to the pool below.
  if (!finished_) {
    connection_->Exec("ROLLBACK").IgnoreError();  // Nothing to report: the work failed already.
  }
  if (restore_full_sync_) {
    // The pooled connection's next user expects durable commits.
    connection_->Exec("PRAGMA synchronous=FULL").IgnoreError();
  }
  database_.Release(std::move(connection_));
}

Status SqliteUnitOfWork::Commit() {
  CREDITD_CHECK(!finished_);
  Status status = connection_->Exec("COMMIT");
  if (status.ok()) {
    finished_ = true;
  }
  return status;
}

}  // namespace creditd::storage::sqlite
