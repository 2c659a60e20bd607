// The statuses both storage backends return for the same outcome, so a caller sees one reason
// and one message whichever backend runs (the conformance suite checks the reasons). Plain
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace creditd::storage {

// A stored value the code cannot interpret: "database_error" with `what` as internal detail.
Status Corrupt(const std::string& what);

Status UserNotFound();     // kNotFound/"user_not_found"
Status EmailTaken();       // kAlreadyExists/"email_taken" on field "email"
Status AccountNotFound();  // kNotFound/"account_not_found"
Status EntryNotFound();    // "account_not_found" (LedgerRepository::FindEntry's contract)
Status GrantMissing(int64_t grant_id);  // "database_error": a grant the caller holds is gone
Status InvalidRefreshToken();           // kUnauthenticated/"invalid_refresh_token"
Status InvalidApiKey();                 // kUnauthenticated/"invalid_api_key"
Status ApiKeyNotFound();                // kNotFound/"api_key_not_found"
Status OrderNotFound();                 // kNotFound/"order_not_found"
Status ChargeNotFound();                // kNotFound/"charge_not_found"
Status RunNotFound();                   // kNotFound/"run_not_found"
Status IdempotencyKeyInFlight();        // kAborted/"idempotency_key_in_flight"
Status SubscriptionNotFound();          // kNotFound/"subscription_not_found"
// A catalog row inserted twice: "config_invalid" naming `what` ("plan basic").
Status CatalogDuplicate(const std::string& what);

}  // namespace creditd::storage
