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

}  // namespace creditd::testing
