// Small bookkeeping tables: named settings (such as "catalog_seeded_at") and the daily order
// number sequences. Part of a UnitOfWork; not thread-safe on its own.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace creditd::app {

class MetaRepository {
 public:
  virtual ~MetaRepository() = default;

  // Returns the setting's value, or nullopt if it was never set.
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  // Inserts or replaces a setting.
  virtual Status PutSetting(std::string_view key, std::string_view value) = 0;

  // Returns the next sequence number (1, 2, ...) for order-number `prefix` on `date`
  // ("YYYYMMDD"). Atomic within the unit of work; numbers are never reused once committed.
  virtual Result<int64_t> NextOrderSequence(char prefix, std::string_view date) = 0;
};

}  // namespace creditd::app
