// SqliteCatalogRepository: app::CatalogRepository (the stored catalog (credit packs, memberships,
// tools, plans)) over one SQLite connection. The SQL is this file's; the row mapping is
// storage/common's. Handed out by SqliteUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/catalog_repository.h"
#include "storage/sqlite/sqlite_connection.h"

namespace creditd::storage::sqlite {

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

}  // namespace creditd::storage::sqlite
