// EPay (易支付) V1 signatures (../shared/PROTOCOLS-2.md 1.3): sign = lower-case hex of
// md5(SignContent(params without sign, sign_type and empty values) + merchant key), the key
// appended directly (no "&key="). Used for the requests creditd sends (submit.php, mapi.php,
// api.php) and to verify the notifications it receives, over the values exactly as received
// (a notify's money=1 is not money=1.00). Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "payments/common/sign_content.h"

namespace creditd::payments::epay {

// The `sign` of `params` (any `sign` and `sign_type` in them are left out) under `merchant_key`.
std::string SignV1(const ProviderParams& params, std::string_view merchant_key);

// OK when `params` carry a `sign` equal to SignV1(params) (compared in constant time; case
// matters) and a `sign_type` that, if present, is MD5. Otherwise "invalid_signature" with field
// "sign" (or "sign_type").
Status VerifyV1(const ProviderParams& params, std::string_view merchant_key);

}  // namespace creditd::payments::epay
