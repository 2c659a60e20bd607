// The stored catalog: credit packs, memberships, tools and plans. Part of a UnitOfWork; not
// thread-safe on its own (see unit_of_work.h).
#pragma once

#include <vector>

#include "common/result.h"
#include "domain/catalog.h"

namespace creditd::app {

class CatalogRepository {
 public:
  virtual ~CatalogRepository() = default;

  // Inserts one row each; a duplicate id or key is kAlreadyExists/"config_invalid".
  virtual Status InsertCreditPack(const domain::CreditPack& pack) = 0;
  virtual Status InsertMembershipPrice(const domain::MembershipPrice& membership) = 0;
  virtual Status InsertTool(const domain::Tool& tool) = 0;
  virtual Status InsertPlan(const domain::Plan& plan) = 0;

  // Returns every credit pack / membership price, active or not, in sort order then id.
  virtual Result<std::vector<domain::CreditPack>> ListCreditPacks() = 0;
  virtual Result<std::vector<domain::MembershipPrice>> ListMembershipPrices() = 0;

  // Returns every row, active or not: packs and memberships by sort order then id, plans by sort
  // order then key, tools by key (tools have no sort order), each plan's features by name.
  virtual Result<domain::Catalog> Load() = 0;
};

}  // namespace creditd::app
