#include "main/migrate_data.h"

#include <vector>

#include "app/account_service.h"
#include "common/clock.h"
#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace creditd::main {

namespace {

struct Table {
  const char* name;
  const char* columns;  // Copied columns, in order.
  bool has_identity;    // Reset the identity sequence after copying explicit ids.
};

// Parents before children. users.account_id is copied in a second pass, because users and
// accounts reference each other.
constexpr Table kTables[] = {
    {"settings", "key, value", false},
    {"order_sequences", "prefix, day, last_value", false},
    {"users", "id, email, display_name, role, password_hash, created_at, updated_at", true},
    {"accounts",
     "id, kind, owner_user_id, balance, held, created_at, updated_at, member_expired_at, "
     "frozen_reason, free_credits_due_at",
     true},
    {"refresh_tokens",
     "id, family_id, user_id, token_hash, state, created_at, expires_at, updated_at", true},
    {"grants",
     "id, account_id, source, priority, amount, remaining, expires_at, order_id, created_at", true},
    {"ledger_entries",
     "id, account_id, type, amount, balance_after, order_id, reference, description, created_at, "
     "grant_id, grant_amount",
     true},
    {"grant_movements", "entry_id, grant_id, amount", false},
    {"idempotency_keys",
     "scope, key, request_fingerprint, result_ref, created_at, response_status, response_body",
     false},
    {"credit_packs", "id, amount, bonus, price_minor, currency, is_active, sort_order", false},
    {"membership_prices",
     "id, membership_type, duration_days, price_minor, original_price_minor, currency, "
     "is_active, sort_order",
     false},
    {"tools",
     "key, name, credits, unit, resource_type, required_feature, is_active, price_version, "
     "upstream_url, upstream_headers, upstream_timeout_ms, fail_percent",
     false},
    {"plans",
     "key, name, monthly_price_minor, yearly_price_minor, currency, monthly_credits, "
     "trial_days, sort_order",
     false},
    {"plan_features", "plan_key, feature", false},
    {"plan_quotas", "plan_key, resource_type, monthly_limit", false},
    {"orders",
     "id, order_no, kind, user_id, account_id, price_id, amount, bonus, membership_type, "
     "duration_days, price_minor, currency, payment_method, status, pay_url, created_at, "
     "expires_at, paid_at, start_date, end_date, updated_at, checkout_ref, payment_ref, "
     "credit_entry_id, refunded_minor",
     true},
    {"api_keys", "id, name, prefix, key_hash, created_at, last_used_at, revoked_at", true},
    {"charges",
     "id, account_id, user_id, tool_key, price_version, unit_credits, units, reserved, captured, "
     "refunded, status, member_free, metadata, source, created_at, expires_at, resolved_at, "
     "updated_at, grant_id",
     true},
    {"charge_allocations", "charge_id, seq, grant_id, reserved, captured, refunded", false},
    {"subscriptions",
     "id, account_id, provider, provider_customer_id, provider_subscription_id, price_id, "
     "plan_key, billing_interval, status, current_period_start, current_period_end, "
     "cancel_at_period_end, created_at, updated_at, provider_item_id, pending_plan_key, "
     "provider_state_at",
     true},
    {"billing_customers", "account_id, provider, customer_id, created_at", false},
    {"provider_events",
     "provider, event_id, event_type, event_created, received_at, status, attempts, last_error, "
     "payload",
     false},
    {"subscription_credits",
     "provider, reference, account_id, subscription_id, credits, entry_id, clawed_back, "
     "created_at",
     false},
    {"outbox", "id, kind, recipient, subject, body, created_at, sent_at", true},
    {"teams", "account_id, name, created_at", false},
    {"team_members", "account_id, user_id, role, created_at", false},
    {"team_invitations", "id, account_id, email, role, invited_by, created_at, accepted_at", true},
    {"tool_runs",
     "id, user_id, account_id, tool_key, charge_id, status, prompt, params, cost, result_type, "
     "result, error, created_at, finished_at",
     true},
};

int CountColumns(const char* columns) {
  int count = 1;
  for (const char* c = columns; *c != '\0'; ++c) {
    count += *c == ',' ? 1 : 0;
  }
  return count;
}

Status Invalid(const std::string& what) {
  return Status(reason::kConfigInvalid, what);
}

// Copies every row of `table`, returning the number copied.
Result<int64_t> CopyTable(storage::sqlite::SqliteConnection& source,
                          storage::postgres::PgConnection& target, const Table& table) {
  const int columns = CountColumns(table.columns);
  const std::string select = std::string("SELECT ") + table.columns + " FROM " + table.name;
  std::string insert =
      std::string("INSERT INTO ") + table.name + " (" + table.columns + ") VALUES (";
  for (int i = 1; i <= columns; ++i) {
    insert += (i > 1 ? ", $" : "$") + std::to_string(i);
  }
  insert += ")";
  // The statement caches key on the SQL text's address; these strings live until the copy ends.
  static std::vector<std::string> keep_alive;
  keep_alive.push_back(select);
  const char* select_sql = keep_alive.back().c_str();
  keep_alive.push_back(insert);
  const char* insert_sql = keep_alive.back().c_str();
  CREDITD_ASSIGN_OR_RETURN(storage::sqlite::Statement statement, source.Prepare(select_sql));
  int64_t copied = 0;
  CREDITD_RETURN_IF_ERROR(
      storage::sqlite::ForEachRow(statement, [&](const storage::sqlite::Statement& row) -> Status {
        std::vector<std::optional<std::string>> values;
        values.reserve(static_cast<size_t>(columns));
        for (int column = 0; column < columns; ++column) {
          values.push_back(row.IsNull(column) ? std::nullopt
                                              : std::optional<std::string>(row.Text(column)));
        }
        CREDITD_RETURN_IF_ERROR(target.Run(insert_sql, values, nullptr));
        ++copied;
        return Status::Ok();
      }));
  if (table.has_identity) {
    const std::string reset = std::string("SELECT setval(pg_get_serial_sequence('") + table.name +
                              "', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM " + table.name +
                              "), 1))";
    CREDITD_RETURN_IF_ERROR(target.Exec(reset.c_str()));
  }
  return copied;
}

Result<int64_t> CountRows(storage::sqlite::SqliteConnection& source, const char* table) {
  static std::vector<std::string> keep_alive;
  keep_alive.push_back(std::string("SELECT COUNT(*) FROM ") + table);
  CREDITD_ASSIGN_OR_RETURN(storage::sqlite::Statement statement,
                           source.Prepare(keep_alive.back().c_str()));
  CREDITD_RETURN_IF_ERROR(statement.Step());
  return statement.Int64(0);
}

}  // namespace

Result<MigrateDataReport> MigrateData(const std::string& sqlite_path,
                                      const std::string& postgres_dsn,
                                      const std::function<void(const std::string&)>& progress) {
  // Both schemas are brought to the current version first, so the column lists match.
  storage::sqlite::SqliteOptions options;
  options.path = sqlite_path;
  CREDITD_ASSIGN_OR_RETURN(auto source_database, storage::sqlite::SqliteDatabase::Open(options, 1));
  source_database->Close();
  CREDITD_ASSIGN_OR_RETURN(auto target_database,
                           storage::postgres::PostgresDatabase::Open(postgres_dsn, 2));
  CREDITD_ASSIGN_OR_RETURN(auto source, storage::sqlite::SqliteConnection::Open(options));
  CREDITD_ASSIGN_OR_RETURN(auto target, storage::postgres::PgConnection::Open(postgres_dsn));

  CREDITD_ASSIGN_OR_RETURN(
      const auto occupied,
      target->Run("SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM accounts) + "
                  "(SELECT COUNT(*) FROM settings)",
                  {}, nullptr));
  if (occupied.Int64(0, 0) != 0) {
    return Invalid(
        "the target PostgreSQL database is not empty; migrate-data only fills an "
        "empty database");
  }

  MigrateDataReport report;
  CREDITD_RETURN_IF_ERROR(source->Exec("BEGIN"));  // One snapshot of the source.
  CREDITD_RETURN_IF_ERROR(target->Exec("BEGIN"));
  const auto copy_all = [&]() -> Status {
    for (const Table& table : kTables) {
      CREDITD_ASSIGN_OR_RETURN(const int64_t copied, CopyTable(*source, *target, table));
      report.rows += copied;
      ++report.tables;
      if (progress) {
        progress(std::string(table.name) + ": " + std::to_string(copied) + " rows");
      }
    }
    // users.account_id, deferred above because users and accounts reference each other.
    CREDITD_ASSIGN_OR_RETURN(storage::sqlite::Statement links,
                             source->Prepare("SELECT id, account_id FROM users WHERE account_id "
                                             "IS NOT NULL"));
    return storage::sqlite::ForEachRow(links, [&](const storage::sqlite::Statement& row) {
      return target
          ->Run("UPDATE users SET account_id = $1 WHERE id = $2", {row.Text(1), row.Text(0)},
                nullptr)
          .status();
    });
  };
  Status copied = copy_all();
  if (!copied.ok()) {
    target->Exec("ROLLBACK").IgnoreError();  // The copy's error is the one to report.
    return copied;
  }
  CREDITD_RETURN_IF_ERROR(target->Exec("COMMIT"));

  // Verify: equal row counts, equal balances, invariants on the copy.
  for (const Table& table : kTables) {
    CREDITD_ASSIGN_OR_RETURN(const int64_t expected, CountRows(*source, table.name));
    const std::string count_sql = std::string("SELECT COUNT(*) FROM ") + table.name;
    static std::vector<std::string> keep_alive;
    keep_alive.push_back(count_sql);
    CREDITD_ASSIGN_OR_RETURN(const auto actual,
                             target->Run(keep_alive.back().c_str(), {}, nullptr));
    if (actual.Int64(0, 0) != expected) {
      return Status(reason::kDatabaseError, "verification failed")
          .WithInternalDetail(std::string(table.name) + ": " + std::to_string(expected) +
                              " rows in SQLite, " + std::to_string(actual.Int64(0, 0)) +
                              " in PostgreSQL");
    }
  }
  CREDITD_ASSIGN_OR_RETURN(storage::sqlite::Statement balances,
                           source->Prepare("SELECT id, balance, held FROM accounts ORDER BY id"));
  CREDITD_RETURN_IF_ERROR(
      storage::sqlite::ForEachRow(balances, [&](const storage::sqlite::Statement& row) -> Status {
        CREDITD_ASSIGN_OR_RETURN(const auto copy,
                                 target->Run("SELECT balance, held FROM accounts WHERE id = $1",
                                             {row.Text(0)}, nullptr));
        if (copy.size() != 1 || copy.Int64(0, 0) != row.Int64(1) ||
            copy.Int64(0, 1) != row.Int64(2)) {
          return Status(reason::kDatabaseError, "verification failed")
              .WithInternalDetail("account " + row.Text(0) + " differs after the copy");
        }
        ++report.accounts_verified;
        return Status::Ok();
      }));
  source->Exec("COMMIT").IgnoreError();  // Ends the read snapshot.
  SystemClock clock;
  app::AccountService accounts(*target_database, clock);
  CREDITD_RETURN_IF_ERROR(accounts.VerifyAll(nullptr));
  return report;
}

}  // namespace creditd::main
