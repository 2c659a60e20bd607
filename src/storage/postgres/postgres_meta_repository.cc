#include "storage/postgres/postgres_meta_repository.h"

namespace creditd::storage::postgres {

Result<std::optional<std::string>> PostgresMetaRepository::GetSetting(std::string_view key) {
  CREDITD_ASSIGN_OR_RETURN(
      const PgRows rows, PgQuery(db_, "SELECT value FROM settings WHERE key = $1").Bind(key).Run());
  return FirstRow(rows, [](const PgRow& row) -> Result<std::string> { return row.Text(0); });
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

}  // namespace creditd::storage::postgres
