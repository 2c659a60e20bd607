// Config: every setting of the creditd binary, from command-line flags and CREDITD_* environment
// variables (a flag wins over its variable). The table in README.md lists them all.
// Plain data plus validation; thread-safe once built.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/result.h"

namespace creditd::main {

enum class Environment { kDevelopment, kProduction };

// A secret or a key, given as its value (NAME) or, better, in a file (NAME_FILE: it stays out of
// the process's environment and command line); Validate allows one of the two.
struct SecretSetting {
  std::string value;
  std::string file;  // Read at start; its content, trimmed, is the secret.

  bool given() const { return !value.empty() || !file.empty(); }
};

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./data";
  std::string database_url;  // Empty: sqlite:<data_dir>/creditd.db.
  std::string environment = "development";
  std::string jwt_secret;    // Empty: generated into <data_dir>/jwt-secret (development only).
  std::string catalog_path;  // Empty: the demo catalog built into the binary.
  std::string web_root = "web/dist";  // The built user portal served at /.
  std::string log_level = "info";
  std::string sqlite_synchronous = "FULL";
  int64_t max_body_bytes = 1 << 20;
  int64_t max_header_bytes = 16 << 10;
  int64_t read_timeout_seconds = 30;
  int64_t io_threads = 0;  // Event loops; 0: one per core.
  int64_t worker_threads = 4;
  int64_t access_token_ttl_seconds = 900;
  int64_t refresh_token_ttl_seconds = int64_t{30} * 24 * 3600;
  int64_t shutdown_grace_seconds = 20;
  int64_t order_payment_timeout_seconds = int64_t{30} * 60;  // Pending orders expire after this.
  int64_t login_account_failures_max = 10;   // Failed logins per e-mail per 15 minutes.
  int64_t login_address_attempts_max = 300;  // Login attempts per client address per 15 minutes.
  bool trust_forwarded_for = false;
  // When set (16 characters or more), GET /metrics needs it as a Bearer token.
  std::string metrics_token;
  std::string public_url;   // Base of links handed to payers; empty: http://<listen address>.
  std::string admin_email;  // With admin_password: ensure this admin exists at start.
  std::string admin_password;
  // Stripe (seed 003's names). Without a secret key subscriptions are unavailable.
  std::string stripe_secret_key;
  std::string stripe_webhook_secret;
  std::string stripe_api_base = "https://api.stripe.com";
  // An EPay (易支付) aggregator (docs/payments/epay.md): with an API base, a merchant id and a
  // key (given directly or, better, in a file), it takes the alipay and wechat orders.
  std::string epay_api_base;
  std::string epay_pid;
  SecretSetting epay_key;  // EPAY_KEY or EPAY_KEY_FILE.
  // Instead of EPAY_PID and EPAY_KEY: a JSON file of several merchants, each with an optional
  // daily limit (docs/payments/epay.md).
  std::string epay_merchants_file;
  // EPAY_CHECKOUT: "page" sends the payer to submit.php; "api" makes the checkout with mapi.php
  // (a page or a QR code).
  std::string epay_checkout = "page";
  // Alipay's open platform (docs/payments/alipay.md): with an app id, the app's private key and
  // Alipay's public key, it takes the alipay orders.
  std::string alipay_app_id;
  SecretSetting alipay_private_key;  // ALIPAY_PRIVATE_KEY(_FILE).
  SecretSetting alipay_public_key;   // ALIPAY_PUBLIC_KEY(_FILE): 支付宝公钥.
  std::string alipay_gateway = "https://openapi.alipay.com/gateway.do";
  std::string alipay_seller_id;
  bool alipay_qr = false;  // Desktop payers scan a 当面付 QR code instead of the page.
  // WeChat Pay API v3 as a directly connected merchant (docs/payments/wechatpay.md): with the
  // merchant id, the app id, the merchant API key and its certificate's serial, WeChat Pay's
  // public key and its id, and the APIv3 key, it takes the wechat orders.
  std::string wechatpay_mchid;
  std::string wechatpay_appid;
  std::string wechatpay_serial_no;
  SecretSetting wechatpay_private_key;  // WECHATPAY_PRIVATE_KEY(_FILE): apiclient_key.pem.
  SecretSetting wechatpay_public_key;   // WECHATPAY_PUBLIC_KEY(_FILE): pub_key.pem.
  std::string wechatpay_public_key_id;  // PUB_KEY_ID_… (or a platform certificate's serial).
  SecretSetting wechatpay_apiv3_key;    // WECHATPAY_APIV3_KEY(_FILE): 32 characters.
  std::string wechatpay_api_base = "https://api.mch.weixin.qq.com";
  // Creem, a merchant of record (docs/payments/creem.md): with an API key, the webhook secret
  // and a one-time product (in the catalog's currency), it takes the creem orders.
  SecretSetting creem_api_key;         // CREEM_API_KEY(_FILE).
  SecretSetting creem_webhook_secret;  // CREEM_WEBHOOK_SECRET(_FILE): whsec_….
  std::string creem_product_id;        // CREEM_PRODUCT_ID: prod_….
  std::string creem_api_base = "https://api.creem.io";
  // The sandbox payment provider (a local simulated checkout and seed 002's simulated
  // payment/callback). Off unless asked for: it pays any order by its number, so it is only
  // allowed on a loopback listen address and never in production mode.
  bool payments_sandbox = false;
  // Without Stripe, the sandbox also plays subscriptions; 0: calendar periods.
  int64_t sandbox_subscription_period_seconds = 0;
  // The scheduler grants the free plan's monthly credits (FreeCreditsJob).
  bool free_plan_credits = true;

  // Derived by Validate().
  Environment env = Environment::kDevelopment;
  std::string host;
  uint16_t port = 0;
  std::string sqlite_path;         // Set when the database is SQLite.
  std::string postgres_dsn;        // Set when the database is PostgreSQL.
  int64_t database_pool_size = 0;  // 0: worker threads + charge writers + 2.
};

// Checks ranges and combinations and fills the derived fields. Production mode requires a
// configured JWT secret of at least 32 characters; the payments sandbox requires development
// mode and a loopback listen address (127.0.0.0/8 or ::1). Returns
// kInvalidArgument/"config_invalid" naming the setting at fault.
Status Validate(Config& config);

}  // namespace creditd::main
