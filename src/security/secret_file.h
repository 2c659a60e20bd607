// Loads a secret from a file in the data directory, or creates it with mode 0600 on first start.
// Used for the JWT signing key when no secret is configured (development only: production
// mode requires configured secrets). Not thread-safe; call at start-up.
#pragma once

#include <string>

#include "common/result.h"

namespace creditd::security {

// Returns the secret stored in `path`, creating the file (0600, 48 random bytes, base64url)
// if it does not exist. Returns kInternal/"config_invalid" if the file cannot be read or
// written, or is shorter than 32 bytes.
Result<std::string> LoadOrCreateSecretFile(const std::string& path);

}  // namespace creditd::security
