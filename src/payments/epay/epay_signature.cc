#include "payments/epay/epay_signature.h"

#include "common/strings.h"
#include "payments/common/provider_crypto.h"

namespace creditd::payments::epay {

std::string SignV1(const ProviderParams& params, std::string_view merchant_key) {
  std::string signed_text = SignContent(params, {"sign", "sign_type"}, /*skip_empty=*/true);
  signed_text += merchant_key;
  return HexEncode(Md5(signed_text));
}

Status VerifyV1(const ProviderParams& params, std::string_view merchant_key) {
  const auto sign = params.find("sign");
  if (sign == params.end() || sign->second.empty()) {
    return Status(reason::kInvalidSignature, "the EPay notification has no sign").WithField("sign");
  }
  if (const auto type = params.find("sign_type");
      type != params.end() && !type->second.empty() && type->second != "MD5") {
    return Status(reason::kInvalidSignature, "sign_type must be MD5 for an EPay V1 notification")
        .WithField("sign_type");
  }
  if (!ConstantTimeEquals(sign->second, SignV1(params, merchant_key))) {
    return Status(reason::kInvalidSignature, "the EPay sign does not match the parameters")
        .WithField("sign");
  }
  return Status::Ok();
}

}  // namespace creditd::payments::epay
