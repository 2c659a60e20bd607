// Files compiled into the binary at build time (cmake/EmbedText.cmake): the demo catalog, used
// when no --catalog file is given, and the OpenAPI document served at /api/v1/openapi.json.
#pragma once

#include <string_view>

namespace creditd::embedded {

// config/catalog.toml as it was at build time.
std::string_view DemoCatalogToml();

// docs/openapi.yaml converted to JSON.
std::string_view OpenApiJson();

}  // namespace creditd::embedded
