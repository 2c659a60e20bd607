// A numbered schema migration, embedded into the binary from storage/<backend>/migrations/
// (NNNN_name.sql) by cmake/EmbedSqlScript.cmake. Migrations are applied in version order, each in
// its own transaction, and recorded in schema_migrations. Plain data; thread-safe.
#pragma once

#include <string_view>
#include <vector>

namespace creditd::storage {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

}  // namespace creditd::storage
