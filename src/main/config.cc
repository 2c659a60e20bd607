#include "main/config.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <tuple>

#include "common/status_macros.h"

namespace creditd::main {

namespace {
Status Invalid(const std::string& setting, const std::string& what) {
  return Status(reason::kConfigInvalid, setting + ": " + what).WithField(setting);
}

Status CheckRange(const char* setting, int64_t value, int64_t min, int64_t max) {
  if (value < min || value > max) {
    return Invalid(setting,
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  return Status::Ok();
}

// Whether a listen address is reachable from this machine only: ::1 or 127.0.0.0/8. (Names such
// as localhost are not listen addresses: the server binds numeric addresses only.)
bool IsLoopbackHost(std::string_view host) {
  if (host == "::1") {
    return true;
  }
  if (!host.starts_with("127.")) {
    return false;
  }
  // The rest must be three more decimal octets, so "127.evil.example" is not loopback.
  int octets = 0;
  for (size_t start = 0; start <= host.size();) {
    const size_t dot = std::min(host.find('.', start), host.size());
    int value = -1;
    const auto [ptr, error] = std::from_chars(host.data() + start, host.data() + dot, value);
    if (error != std::errc() || ptr != host.data() + dot || dot == start || value < 0 ||
        value > 255) {
      return false;
    }
    ++octets;
    start = dot + 1;
  }
  return octets == 4;
}

// --listen: HOST:PORT, the host optionally in brackets (IPv6).
Status ValidateListen(Config& config) {
  const auto colon = config.listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    const char* begin = config.listen.data() + colon + 1;
    const char* end = config.listen.data() + config.listen.size();
    const auto [ptr, error] = std::from_chars(begin, end, port);
    if (error != std::errc() || ptr != end) {
      port = -1;
    }
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
    return Invalid("--listen", "must be HOST:PORT, like 127.0.0.1:8080");
  }
  config.host = config.listen.substr(0, colon);
  if (config.host.size() > 2 && config.host.front() == '[' && config.host.back() == ']') {
    config.host = config.host.substr(1, config.host.size() - 2);
  }
  config.port = static_cast<uint16_t>(port);
  return Status::Ok();
}

// --db: SQLite (the default, in --data) or a PostgreSQL URL.
Status ValidateDatabase(Config& config) {
  if (config.database_url.empty()) {
    config.sqlite_path = config.data_dir + "/creditd.db";
  } else if (config.database_url.rfind("sqlite:", 0) == 0) {
    config.sqlite_path = config.database_url.substr(7);
  } else if (config.database_url.rfind("postgres://", 0) == 0 ||
             config.database_url.rfind("postgresql://", 0) == 0) {
    config.postgres_dsn = config.database_url;
  } else {
    return Invalid("--db", "must be sqlite:PATH or postgres://USER@HOST:PORT/DATABASE");
  }
  return Status::Ok();
}

// The host of an http(s) URL ("127.0.0.1" of "http://127.0.0.1:8080/x", "::1" of "http://[::1]/").
std::string UrlHost(std::string_view url) {
  const size_t scheme = url.find("://");
  std::string_view rest = scheme == std::string_view::npos ? url : url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (rest.starts_with('[')) {
    return std::string(rest.substr(1, rest.find(']') - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

// One of NAME and NAME_FILE, never both.
Status RequireOne(const SecretSetting& secret, const std::string& name, const std::string& what) {
  if (secret.value.empty() == secret.file.empty()) {
    return Invalid(name, "give " + what + " in " + name + " or in a file named by " + name +
                             "_FILE (one of the two)");
  }
  return Status::Ok();
}

// An API base: http(s), without a trailing '/', and https in production unless on loopback.
Status CheckApiBase(std::string& url, const char* name, Environment env) {
  const bool https = url.starts_with("https://");
  if (!https && !url.starts_with("http://")) {
    return Invalid(name, "must start with http:// or https://");
  }
  while (url.ends_with('/')) {
    url.pop_back();
  }
  if (!https && env == Environment::kProduction && !IsLoopbackHost(UrlHost(url))) {
    return Invalid(name, "must be https:// in production");
  }
  return Status::Ok();
}

// EPay: an API base with one merchant (a pid and one of key or key file) or a merchants file; or
// nothing.
Status ValidateEpay(Config& config) {
  if (config.epay_api_base.empty() && config.epay_pid.empty() && !config.epay_key.given() &&
      config.epay_merchants_file.empty()) {
    return Status::Ok();
  }
  if (!config.epay_api_base.starts_with("http://") &&
      !config.epay_api_base.starts_with("https://")) {
    return Invalid("EPAY_API_BASE",
                   "must start with http:// or https:// (the aggregator's "
                   "address, where submit.php and api.php are)");
  }
  for (const std::string_view page : {"/submit.php", "/mapi.php", "/api.php"}) {
    if (config.epay_api_base.ends_with(page)) {
      config.epay_api_base.resize(config.epay_api_base.size() - page.size());
    }
  }
  while (config.epay_api_base.ends_with('/')) {
    config.epay_api_base.pop_back();
  }
  if (config.env == Environment::kProduction && config.epay_api_base.starts_with("http://") &&
      !IsLoopbackHost(UrlHost(config.epay_api_base))) {
    return Invalid("EPAY_API_BASE",
                   "must be https:// in production: the merchant key travels "
                   "in api.php's query strings and its answers are not signed");
  }
  if (config.epay_checkout != "page" && config.epay_checkout != "api") {
    return Invalid("EPAY_CHECKOUT",
                   "must be page (the payer goes to submit.php) or api (mapi.php answers a page "
                   "or a QR code)");
  }
  if (!config.epay_merchants_file.empty()) {
    if (!config.epay_pid.empty() || config.epay_key.given()) {
      return Invalid("EPAY_MERCHANTS_FILE",
                     "give the merchants either in EPAY_MERCHANTS_FILE or as EPAY_PID and "
                     "EPAY_KEY, not both");
    }
    return Status::Ok();
  }
  if (config.epay_pid.empty() || config.epay_pid.size() > 64 || config.epay_pid[0] == '0' ||
      !std::all_of(config.epay_pid.begin(), config.epay_pid.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return Invalid("EPAY_PID",
                   "must be the merchant id the aggregator gave you (digits, no leading 0)");
  }
  return RequireOne(config.epay_key, "EPAY_KEY", "the merchant key");
}

// Alipay: an app id with one of each key, or nothing; its gateway https in production.
Status ValidateAlipay(Config& config) {
  if (config.alipay_app_id.empty()) {
    if (config.alipay_private_key.given() || config.alipay_public_key.given()) {
      return Invalid("ALIPAY_APP_ID", "is required with the Alipay keys");
    }
    return Status::Ok();
  }
  CREDITD_RETURN_IF_ERROR(
      RequireOne(config.alipay_private_key, "ALIPAY_PRIVATE_KEY", "the app's private key"));
  CREDITD_RETURN_IF_ERROR(RequireOne(config.alipay_public_key, "ALIPAY_PUBLIC_KEY",
                                     "Alipay's public key (支付宝公钥, not the app's)"));
  return CheckApiBase(config.alipay_gateway, "ALIPAY_GATEWAY", config.env);
}

// WeChat Pay: a merchant id with everything else, or nothing.
Status ValidateWechatpay(Config& config) {
  if (config.wechatpay_mchid.empty()) {
    if (!config.wechatpay_appid.empty() || !config.wechatpay_serial_no.empty() ||
        !config.wechatpay_public_key_id.empty() || config.wechatpay_private_key.given() ||
        config.wechatpay_public_key.given() || config.wechatpay_apiv3_key.given()) {
      return Invalid("WECHATPAY_MCHID", "is required with the other WECHATPAY_* settings");
    }
    return Status::Ok();
  }
  if (config.wechatpay_mchid.size() > 32 ||
      !std::all_of(config.wechatpay_mchid.begin(), config.wechatpay_mchid.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    return Invalid("WECHATPAY_MCHID", "must be the merchant id (商户号, digits)");
  }
  if (config.wechatpay_appid.empty() || config.wechatpay_appid.size() > 32) {
    return Invalid("WECHATPAY_APPID", "must be the AppID bound to the merchant (wx…)");
  }
  if (config.wechatpay_serial_no.empty() || config.wechatpay_serial_no.size() > 64) {
    return Invalid("WECHATPAY_SERIAL_NO",
                   "must be the serial number of the merchant API certificate (商户API证书序列号)");
  }
  if (config.wechatpay_public_key_id.empty() || config.wechatpay_public_key_id.size() > 128) {
    return Invalid("WECHATPAY_PUBLIC_KEY_ID",
                   "must be the id of WeChat Pay's public key (PUB_KEY_ID_…), or the serial of "
                   "the platform certificate given as WECHATPAY_PUBLIC_KEY");
  }
  CREDITD_RETURN_IF_ERROR(RequireOne(config.wechatpay_private_key, "WECHATPAY_PRIVATE_KEY",
                                     "the merchant API private key (apiclient_key.pem)"));
  CREDITD_RETURN_IF_ERROR(RequireOne(config.wechatpay_public_key, "WECHATPAY_PUBLIC_KEY",
                                     "WeChat Pay's public key (微信支付公钥, pub_key.pem)"));
  CREDITD_RETURN_IF_ERROR(
      RequireOne(config.wechatpay_apiv3_key, "WECHATPAY_APIV3_KEY", "the APIv3 key"));
  if (!config.wechatpay_apiv3_key.value.empty() && config.wechatpay_apiv3_key.value.size() != 32) {
    // A key in a file is checked when it is read.
    return Invalid("WECHATPAY_APIV3_KEY", "must be the 32-character APIv3 key (APIv3密钥)");
  }
  return CheckApiBase(config.wechatpay_api_base, "WECHATPAY_API_BASE", config.env);
}

// Creem: a product with the API key and the webhook secret, or nothing.
Status ValidateCreem(Config& config) {
  if (config.creem_product_id.empty()) {
    if (config.creem_api_key.given() || config.creem_webhook_secret.given()) {
      return Invalid("CREEM_PRODUCT_ID", "is required with the other CREEM_* settings");
    }
    return Status::Ok();
  }
  if (config.creem_product_id.size() > 128) {
    return Invalid("CREEM_PRODUCT_ID", "must be the id of a one-time Creem product (prod_…)");
  }
  CREDITD_RETURN_IF_ERROR(RequireOne(config.creem_api_key, "CREEM_API_KEY", "the API key"));
  CREDITD_RETURN_IF_ERROR(RequireOne(config.creem_webhook_secret, "CREEM_WEBHOOK_SECRET",
                                     "the webhook signing secret (whsec_…)"));
  return CheckApiBase(config.creem_api_base, "CREEM_API_BASE", config.env);
}

// The sandbox (local development only) and Stripe's settings.
Status ValidatePayments(Config& config) {
  if (config.payments_sandbox && config.env == Environment::kProduction) {
    return Invalid("--payments-sandbox", "is refused when CREDITD_ENV=production");
  }
  if (config.payments_sandbox && !IsLoopbackHost(config.host)) {
    return Invalid("--payments-sandbox",
                   "needs a loopback --listen address (127.0.0.1 or [::1]), not " + config.host +
                       ": the simulated payment pays any order by its number, so nobody but "
                       "this machine may reach it");
  }
  if (!config.stripe_api_base.starts_with("http://") &&
      !config.stripe_api_base.starts_with("https://")) {
    return Invalid("STRIPE_API_BASE", "must start with http:// or https://");
  }
  while (config.stripe_api_base.ends_with('/')) {
    config.stripe_api_base.pop_back();
  }
  if (!config.stripe_secret_key.empty() && config.stripe_webhook_secret.empty()) {
    return Invalid("STRIPE_WEBHOOK_SECRET",
                   "is required with STRIPE_SECRET_KEY (Stripe's events could not be verified)");
  }
  CREDITD_RETURN_IF_ERROR(ValidateEpay(config));
  CREDITD_RETURN_IF_ERROR(ValidateAlipay(config));
  CREDITD_RETURN_IF_ERROR(ValidateCreem(config));
  return ValidateWechatpay(config);
}

// CREDITD_PUBLIC_URL: empty (derived from --listen) or an http(s) URL, kept without a trailing /.
Status ValidatePublicUrl(Config& config) {
  if (config.public_url.empty()) {
    return Status::Ok();
  }
  if (config.public_url.rfind("http://", 0) != 0 && config.public_url.rfind("https://", 0) != 0) {
    return Invalid("CREDITD_PUBLIC_URL", "must start with http:// or https://");
  }
  while (!config.public_url.empty() && config.public_url.back() == '/') {
    config.public_url.pop_back();
  }
  return Status::Ok();
}

// The numeric limits, each within its range.
Status ValidateLimits(const Config& config) {
  Status status;
  for (const auto& [setting, value, min, max] :
       {std::tuple{"CREDITD_MAX_BODY_BYTES", config.max_body_bytes, int64_t{1024},
                   int64_t{64} << 20},
        std::tuple{"CREDITD_MAX_HEADER_BYTES", config.max_header_bytes, int64_t{1024},
                   int64_t{1} << 20},
        std::tuple{"CREDITD_READ_TIMEOUT_SECONDS", config.read_timeout_seconds, int64_t{1},
                   int64_t{3600}},
        std::tuple{"CREDITD_IO_THREADS", config.io_threads, int64_t{0}, int64_t{64}},
        std::tuple{"CREDITD_DATABASE_POOL_SIZE", config.database_pool_size, int64_t{0},
                   int64_t{512}},
        std::tuple{"CREDITD_WORKER_THREADS", config.worker_threads, int64_t{1}, int64_t{256}},
        std::tuple{"CREDITD_ACCESS_TOKEN_TTL_SECONDS", config.access_token_ttl_seconds, int64_t{60},
                   int64_t{86400}},
        std::tuple{"CREDITD_REFRESH_TOKEN_TTL_SECONDS", config.refresh_token_ttl_seconds,
                   int64_t{300}, int64_t{365} * 86400},
        std::tuple{"CREDITD_LOGIN_ACCOUNT_FAILURES_MAX", config.login_account_failures_max,
                   int64_t{1}, int64_t{100}},
        std::tuple{"CREDITD_LOGIN_ADDRESS_ATTEMPTS_MAX", config.login_address_attempts_max,
                   int64_t{1}, int64_t{1'000'000}},
        std::tuple{"CREDITD_ORDER_PAYMENT_TIMEOUT_SECONDS", config.order_payment_timeout_seconds,
                   int64_t{1}, int64_t{7} * 86400},
        std::tuple{"CREDITD_SANDBOX_SUBSCRIPTION_PERIOD_SECONDS",
                   config.sandbox_subscription_period_seconds, int64_t{0}, int64_t{400} * 86400},
        std::tuple{"CREDITD_SHUTDOWN_GRACE_SECONDS", config.shutdown_grace_seconds, int64_t{0},
                   int64_t{600}}}) {
    status = CheckRange(setting, value, min, max);
    if (!status.ok()) {
      return status;
    }
  }
  return Status::Ok();
}

}  // namespace

Status Validate(Config& config) {
  if (config.environment == "development") {
    config.env = Environment::kDevelopment;
  } else if (config.environment == "production") {
    config.env = Environment::kProduction;
  } else {
    return Invalid("CREDITD_ENV", "must be development or production");
  }
  CREDITD_RETURN_IF_ERROR(ValidateListen(config));
  if (config.data_dir.empty()) {
    return Invalid("--data", "must not be empty");
  }
  CREDITD_RETURN_IF_ERROR(ValidateDatabase(config));
  if (config.sqlite_synchronous != "FULL" && config.sqlite_synchronous != "NORMAL" &&
      config.sqlite_synchronous != "EXTRA") {
    return Invalid("CREDITD_SQLITE_SYNCHRONOUS", "must be FULL, EXTRA or NORMAL");
  }
  if (config.log_level != "trace" && config.log_level != "debug" && config.log_level != "info" &&
      config.log_level != "warn" && config.log_level != "error") {
    return Invalid("--log-level", "must be trace, debug, info, warn or error");
  }
  if (!config.jwt_secret.empty() && config.jwt_secret.size() < 32) {
    return Invalid("CREDITD_JWT_SECRET", "must be at least 32 characters");
  }
  if (config.env == Environment::kProduction && config.jwt_secret.empty()) {
    return Invalid("CREDITD_JWT_SECRET", "is required when CREDITD_ENV=production");
  }
  if (!config.metrics_token.empty() && config.metrics_token.size() < 16) {
    return Invalid("CREDITD_METRICS_TOKEN", "must be at least 16 characters");
  }
  CREDITD_RETURN_IF_ERROR(ValidatePublicUrl(config));
  if (config.admin_email.empty() != config.admin_password.empty()) {
    return Invalid("CREDITD_ADMIN_EMAIL", "and CREDITD_ADMIN_PASSWORD must be given together");
  }
  CREDITD_RETURN_IF_ERROR(ValidatePayments(config));
  return ValidateLimits(config);
}

}  // namespace creditd::main
