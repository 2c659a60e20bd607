#include "storage/sqlite/sqlite_meta_repository.h"

namespace creditd::storage::sqlite {

Result<std::optional<std::string>> SqliteMetaRepository::GetSetting(std::string_view key) {
  CREDITD_ASSIGN_OR_RETURN(Statement statement,
                           db_.Prepare("SELECT value FROM settings WHERE key = ?"));
  statement.Bind(1, key);
  return FirstRow(statement,
                  [](const Statement& row) -> Result<std::string> { return row.Text(0); });
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

}  // namespace creditd::storage::sqlite
