// The two backends' schemas after all migrations must describe the same tables, so that a
// migration added to one backend and forgotten on the other fails here.
//
// How: both catalogs are read into one neutral form, a set of "facts" per backend such as
// "column users.email text NOT NULL" or "unique team_invitations (account_id, email) partial",
// and the sets are compared. Index and constraint names differ between the backends (SQLite names
// the automatic ones itself), so indexes and constraints are compared by table, columns,
// uniqueness and whether they are partial. Declared types differ too (INTEGER / BIGINT), so a
// column's type is compared by family only (integer, text, blob, real, numeric): SQLite decides a
// column's storage by the same family (its type affinity), and the adapters bind and read values
// by family, so a family mismatch is a real difference and a width difference is not. Defaults
// and the text of CHECK expressions are not compared: PostgreSQL rewrites both (`x IN (..)`
// becomes `x = ANY (ARRAY[..])`); only the number of CHECK constraints per table is.
#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "storage/postgres/postgres_connection.h"
#include "testing/test_database.h"

namespace creditd::conformance {
namespace {

using Facts = std::set<std::string>;

std::string Lower(std::string text) {
  for (char& c : text) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return text;
}

// SQLite's type-affinity rules (https://sqlite.org/datatype3.html, 3.1), applied to PostgreSQL's
// type names as well.
std::string TypeFamily(const std::string& declared) {
  const std::string type = Lower(declared);
  if (type.find("int") != std::string::npos) {
    return "integer";
  }
  if (type.find("char") != std::string::npos || type.find("clob") != std::string::npos ||
      type.find("text") != std::string::npos) {
    return "text";
  }
  if (type.empty() || type.find("blob") != std::string::npos || type == "bytea") {
    return "blob";
  }
  if (type.find("real") != std::string::npos || type.find("floa") != std::string::npos ||
      type.find("doub") != std::string::npos) {
    return "real";
  }
  return "numeric:" + type;  // boolean, numeric, timestamp...: named, so they never match.
}

std::string Join(const std::vector<std::string>& parts) {
  std::string joined;
  for (const std::string& part : parts) {
    joined += (joined.empty() ? "" : ", ") + part;
  }
  return joined;
}

std::string IndexFact(const std::string& table, bool unique, bool partial,
                      const std::string& columns) {
  return std::string(unique ? "unique " : "index ") + table + " (" + columns + ")" +
         (partial ? " partial" : "");
}

// Counts the CHECK constraints in a CREATE TABLE statement: the word CHECK (any case) followed by
// "(", outside "--" comments. (std::regex would do, but trips g++ 12's -Wmaybe-uninitialized.)
int CountChecks(const std::string& sql) {
  const std::string text = Lower(sql);
  int count = 0;
  for (size_t at = 0; at < text.size(); ++at) {
    if (text.compare(at, 2, "--") == 0) {
      at = text.find('\n', at);
      if (at == std::string::npos) {
        break;
      }
      continue;
    }
    const auto is_word = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    };
    if (text.compare(at, 5, "check") != 0 || (at > 0 && is_word(text[at - 1]))) {
      continue;
    }
    size_t next = at + 5;
    while (next < text.size() && std::isspace(static_cast<unsigned char>(text[next]))) {
      ++next;
    }
    count += next < text.size() && text[next] == '(' ? 1 : 0;
  }
  return count;
}

// Runs `sql` and returns its rows as text (NULL as "").
std::vector<std::vector<std::string>> SqliteRows(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK)
      << sql << ": " << sqlite3_errmsg(db);
  std::vector<std::vector<std::string>> rows;
  while (statement != nullptr && sqlite3_step(statement) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int column = 0; column < sqlite3_column_count(statement); ++column) {
      const unsigned char* text = sqlite3_column_text(statement, column);
      row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(statement);
  return rows;
}

Facts SqliteFacts(const std::string& path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  Facts facts;
  const auto tables = SqliteRows(
      db, "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
  for (const auto& table_row : tables) {
    const std::string& table = table_row[0];
    facts.insert("table " + table);
    // cid, name, type, notnull, dflt_value, pk.
    const auto columns = SqliteRows(db, "PRAGMA table_info(" + table + ")");
    std::vector<std::pair<int, std::string>> primary_key;
    for (const auto& column : columns) {
      if (column[5] != "0") {
        primary_key.emplace_back(std::stoi(column[5]), column[1]);
      }
    }
    std::sort(primary_key.begin(), primary_key.end());
    for (const auto& column : columns) {
      // An INTEGER PRIMARY KEY is the rowid, which is never NULL whatever the declaration says.
      const bool rowid =
          primary_key.size() == 1 && column[5] == "1" && Lower(column[2]) == "integer";
      const bool not_null = column[3] == "1" || rowid;
      facts.insert("column " + table + "." + column[1] + " " + TypeFamily(column[2]) +
                   (not_null ? " NOT NULL" : " NULL"));
    }
    std::vector<std::string> key_columns;
    for (const auto& [position, name] : primary_key) {
      key_columns.push_back(name);
    }
    if (!key_columns.empty()) {
      facts.insert("primary key " + table + " (" + Join(key_columns) + ")");
    }
    // seq, name, unique, origin (c: CREATE INDEX, u: UNIQUE, pk), partial.
    for (const auto& index : SqliteRows(db, "PRAGMA index_list(" + table + ")")) {
      if (index[3] == "pk") {
        continue;  // The primary key above.
      }
      std::vector<std::string> index_columns;
      for (const auto& column : SqliteRows(db, "PRAGMA index_info(" + index[1] + ")")) {
        index_columns.push_back(column[2]);
      }
      facts.insert(IndexFact(table, index[2] == "1", index[4] == "1", Join(index_columns)));
    }
    // id, seq, table, from, to, ...: one row per column of each foreign key, in key order.
    std::map<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>> keys;
    std::map<std::string, std::string> referenced;
    for (const auto& key : SqliteRows(db, "PRAGMA foreign_key_list(" + table + ")")) {
      keys[key[0]].first.push_back(key[3]);
      keys[key[0]].second.push_back(key[4]);
      referenced[key[0]] = key[2];
    }
    for (const auto& [id, columns_pair] : keys) {
      facts.insert("foreign key " + table + " (" + Join(columns_pair.first) + ") -> " +
                   referenced[id] + " (" + Join(columns_pair.second) + ")");
    }
    // SQLite keeps no catalog of CHECK constraints, only the CREATE TABLE text.
    const int count = CountChecks(table_row[1]);
    facts.insert("checks " + table + " " + std::to_string(count));
  }
  sqlite3_close(db);
  return facts;
}

std::vector<std::vector<std::string>> PostgresRows(storage::postgres::PgConnection& connection,
                                                   const char* sql, int columns) {
  auto rows = storage::postgres::PgQuery(connection, sql).Run();
  EXPECT_TRUE(rows.ok()) << sql << ": " << rows.status().ToString();
  std::vector<std::vector<std::string>> result;
  for (int row = 0; rows.ok() && row < rows->size(); ++row) {
    std::vector<std::string> values;
    for (int column = 0; column < columns; ++column) {
      values.push_back(rows->Text(row, column));
    }
    result.push_back(std::move(values));
  }
  return result;
}

Facts PostgresFacts(storage::postgres::PgConnection& connection) {
  Facts facts;
  for (const auto& row :
       PostgresRows(connection,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                    "'public' AND table_type = 'BASE TABLE'",
                    1)) {
    facts.insert("table " + row[0]);
  }
  for (const auto& row : PostgresRows(connection,
                                      "SELECT table_name, column_name, data_type, is_nullable FROM "
                                      "information_schema.columns WHERE table_schema = 'public'",
                                      4)) {
    facts.insert("column " + row[0] + "." + row[1] + " " + TypeFamily(row[2]) +
                 (row[3] == "NO" ? " NOT NULL" : " NULL"));
  }
  // Every index, those behind PRIMARY KEY and UNIQUE constraints included, with its columns in
  // key order.
  for (const auto& row : PostgresRows(
           connection,
           "SELECT t.relname, ix.indisprimary::text, ix.indisunique::text, "
           "(ix.indpred IS NOT NULL)::text, array_to_string(ARRAY(SELECT a.attname FROM "
           "unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON "
           "a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ', ') FROM pg_index ix "
           "JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace s ON s.oid = "
           "t.relnamespace WHERE s.nspname = 'public'",
           5)) {
    if (row[1] == "true") {
      facts.insert("primary key " + row[0] + " (" + row[4] + ")");
    } else {
      facts.insert(IndexFact(row[0], row[2] == "true", row[3] == "true", row[4]));
    }
  }
  for (const auto& row : PostgresRows(
           connection,
           "SELECT t.relname, array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH "
           "ORDINALITY AS k(attnum, n) JOIN pg_attribute a ON a.attrelid = c.conrelid AND "
           "a.attnum = k.attnum ORDER BY k.n), ', '), r.relname, array_to_string(ARRAY(SELECT "
           "a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, n) JOIN pg_attribute a "
           "ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.n), ', ') FROM "
           "pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = "
           "c.confrelid WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace",
           4)) {
    facts.insert("foreign key " + row[0] + " (" + row[1] + ") -> " + row[2] + " (" + row[3] + ")");
  }
  for (const auto& row : PostgresRows(
           connection,
           "SELECT t.relname, (SELECT COUNT(*) FROM pg_constraint c WHERE c.conrelid = t.oid AND "
           "c.contype = 'c')::text FROM pg_class t WHERE t.relkind = 'r' AND t.relnamespace = "
           "'public'::regnamespace",
           2)) {
    facts.insert("checks " + row[0] + " " + row[1]);
  }
  return facts;
}

Facts Minus(const Facts& a, const Facts& b) {
  Facts difference;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(),
                      std::inserter(difference, difference.end()));
  return difference;
}

std::string Lines(const Facts& facts) {
  std::string lines;
  for (const std::string& fact : facts) {
    lines += "  " + fact + "\n";
  }
  return lines;
}

// Differences that are deliberate, each with its reason. Anything else is drift.
const Facts kOnlySqlite = {
    // SQLite lets a non-INTEGER PRIMARY KEY column hold NULL unless it is declared NOT NULL (a
    // documented legacy quirk); PostgreSQL makes every key column NOT NULL. The adapters always
    // bind a key, and rebuilding three SQLite tables to add the declaration is not worth it.
    "column plans.key text NULL",
    "column settings.key text NULL",
    "column tools.key text NULL",
    // Schema 14: SQLite finds an account's entries and charges through chains instead of the
    // two per-account indexes PostgreSQL keeps (docs/data-model.md, "Indexes on the ledger's
    // write path").
    "column accounts.entry_count integer NOT NULL",
    "column accounts.last_charge_id integer NULL",
    "column accounts.last_entry_id integer NULL",
    "column charges.prev_id integer NULL",
    "column ledger_entries.prev_id integer NULL",
};
const Facts kOnlyPostgres = {
    "column plans.key text NOT NULL",        "column settings.key text NOT NULL",
    "column tools.key text NOT NULL",        "index charges (account_id, created_at)",
    "index ledger_entries (account_id, id)",
};

TEST(StorageSchemaConformanceTest, BothBackendsMigrateToTheSameSchema) {
  if (testing::PostgresAdminDsn().empty()) {
    GTEST_SKIP() << "set CREDITD_TEST_POSTGRES_DSN (make test does) to compare with PostgreSQL";
  }
  const testing::TempDir dir;
  testing::OpenSqlite(dir.path())->Close();
  const Facts sqlite = SqliteFacts(dir.path() + "/creditd.db");

  const std::string name = "schema_" + Lower(dir.path().substr(dir.path().rfind('-') + 1));
  testing::OpenPostgres(name)->Close();
  auto connection = storage::postgres::PgConnection::Open(testing::PostgresDsn(name));
  ASSERT_TRUE(connection.ok()) << connection.status().ToString();
  const Facts postgres = PostgresFacts(**connection);

  // The readers must have seen the schema at all: a failed query would leave both sides empty.
  EXPECT_TRUE(sqlite.contains("column users.email text NOT NULL"));
  EXPECT_TRUE(postgres.contains("foreign key grant_movements (grant_id) -> grants (id)"));
  EXPECT_EQ(Minus(sqlite, postgres), kOnlySqlite)
      << "only in SQLite:\n"
      << Lines(Minus(sqlite, postgres)) << "only in PostgreSQL:\n"
      << Lines(Minus(postgres, sqlite));
  EXPECT_EQ(Minus(postgres, sqlite), kOnlyPostgres)
      << "only in PostgreSQL:\n"
      << Lines(Minus(postgres, sqlite)) << "only in SQLite:\n"
      << Lines(Minus(sqlite, postgres));
}

}  // namespace
}  // namespace creditd::conformance
