#include "testing/test_database.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "common/check.h"

namespace creditd::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "creditd-test-XXXXXX").string();
  CREDITD_CHECK(::mkdtemp(pattern.data()) != nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::unique_ptr<storage::sqlite::SqliteDatabase> OpenSqlite(const std::string& dir, int pool_size) {
  storage::sqlite::SqliteOptions options;
  options.path = dir + "/creditd.db";
  auto database = storage::sqlite::SqliteDatabase::Open(options, pool_size);
  CREDITD_CHECK(database.ok());
  return std::move(database).value();
}

std::string PostgresAdminDsn() {
  const char* dsn = std::getenv("CREDITD_TEST_POSTGRES_DSN");  // NOLINT(concurrency-mt-unsafe)
  return dsn != nullptr ? dsn : "";
}

std::string PostgresDsn(const std::string& name) {
  const std::string admin = PostgresAdminDsn();
  const auto slash = admin.rfind('/');
  CREDITD_CHECK(slash != std::string::npos);
  return admin.substr(0, slash + 1) + name;
}

std::unique_ptr<storage::postgres::PostgresDatabase> OpenPostgres(const std::string& name,
                                                                  int pool_size) {
  const std::string admin = PostgresAdminDsn();
  CREDITD_CHECK(!admin.empty());
  {
    auto connection = storage::postgres::PgConnection::Open(admin);
    CREDITD_CHECK(connection.ok());
    // CREATE DATABASE has no IF NOT EXISTS; an existing database (a restart) is fine.
    (*connection)->Exec(("CREATE DATABASE " + name).c_str()).IgnoreError();
  }
  auto database = storage::postgres::PostgresDatabase::Open(PostgresDsn(name), pool_size);
  CREDITD_CHECK(database.ok());
  return std::move(database).value();
}

}  // namespace creditd::testing
