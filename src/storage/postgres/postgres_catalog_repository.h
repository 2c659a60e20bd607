// PostgresCatalogRepository: app::CatalogRepository (the stored catalog (credit packs, memberships,
// tools, plans)) over one PostgreSQL connection. The SQL is this file's; the row mapping is
// storage/common's. Handed out by PostgresUnitOfWork; used by one thread at a time.
#pragma once

#include "app/ports/catalog_repository.h"
#include "storage/postgres/postgres_connection.h"

namespace creditd::storage::postgres {

class PostgresCatalogRepository final : public app::CatalogRepository {
 public:
  explicit PostgresCatalogRepository(PgConnection& connection) : db_(connection) {}
  Status InsertCreditPack(const domain::CreditPack& pack) override;
  Status InsertMembershipPrice(const domain::MembershipPrice& membership) override;
  Status InsertTool(const domain::Tool& tool) override;
  Status InsertPlan(const domain::Plan& plan) override;
  Result<std::vector<domain::CreditPack>> ListCreditPacks() override;
  Result<std::vector<domain::MembershipPrice>> ListMembershipPrices() override;
  Result<domain::Catalog> Load() override;

 private:
  PgConnection& db_;
};

}  // namespace creditd::storage::postgres
