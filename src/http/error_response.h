// The one response envelope of DESIGN.md section 5 and the one place that maps a Status to an
// HTTP status code (STYLE.md B.3).
//
//   success: {"code": 200, "message": "success", "data": ...}
//   error:   {"code": 402, "message": "...", "data": null,
//             "error": {"reason": "insufficient_credits", "request_id": "...", "field": "..."}}
//
// Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "http/request.h"

namespace creditd::http {

// Returns the HTTP status for `status`: by code, with the few reasons that have a more precise
// HTTP status (413, 431, 408, 405, 422) listed here and nowhere else.
int HttpStatusFor(const Status& status);

// Builds the success envelope around `data` with HTTP `http_status` (200 or 201).
Response Success(const nlohmann::json& data, int http_status = 200);

// Builds the error envelope for a non-OK `status`. Internal errors get a generic message (the
// detail goes to the log only). Adds Retry-After when the status carries one, and
// WWW-Authenticate for 401s.
Response ErrorResponse(const Status& status, std::string_view request_id);

}  // namespace creditd::http
