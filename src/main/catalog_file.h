// Reads the catalog file format (config/catalog.toml, documented in docs/catalog.md) into a
// domain::Catalog. Prices are decimal strings in the entry's currency ("9.90"), never floats.
// Pure parsing; thread-safe.
#pragma once

#include <string_view>

#include "common/result.h"
#include "domain/catalog.h"

namespace creditd::main {

// Parses TOML text. `origin` names the file in error messages. Returns
// kInvalidArgument/"config_invalid" naming the table and key at fault.
Result<domain::Catalog> ParseCatalogToml(std::string_view text, std::string_view origin);

}  // namespace creditd::main
