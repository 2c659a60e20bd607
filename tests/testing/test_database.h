// Test helpers: a temporary directory removed at the end of the test, and a SQLite database in
// it with the real migrations. Used by the app unit tests and the storage conformance suite.
#pragma once

#include <memory>
#include <string>

#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

namespace creditd::testing {

class TempDir {
 public:
  TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Opens (creating and migrating) `<dir>/creditd.db` with a pool of `pool_size` connections.
std::unique_ptr<storage::sqlite::SqliteDatabase> OpenSqlite(const std::string& dir,
                                                            int pool_size = 4);

// Returns the admin DSN of the test PostgreSQL cluster (CREDITD_TEST_POSTGRES_DSN), or "" when
// PostgreSQL tests are not configured.
std::string PostgresAdminDsn();

// Returns the DSN of the database `name` in the test cluster. Requires PostgresAdminDsn().
std::string PostgresDsn(const std::string& name);

// Opens (creating and migrating) the database `name` in the test cluster; the same name reaches
// the same data again (a restart). Requires PostgresAdminDsn() to be set.
std::unique_ptr<storage::postgres::PostgresDatabase> OpenPostgres(const std::string& name,
                                                                  int pool_size = 4);

}  // namespace creditd::testing
