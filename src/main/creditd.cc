// creditd: the composition root and command line. The only place that knows concrete types
// (STYLE.md B.1): it reads the configuration, opens storage, wires services, the HTTP server
// and the jobs, and runs one command.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <system_error>
#include <thread>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "app/account_service.h"
#include "app/api_key_service.h"
#include "app/auth_service.h"
#include "app/billing_reconciler.h"
#include "app/catalog_service.h"
#include "app/charge_service.h"
#include "app/credit_service.h"
#include "app/event_inbox.h"
#include "app/free_plan_credits.h"
#include "app/order_refunds.h"
#include "app/order_service.h"
#include "app/subscription_commands.h"
#include "app/subscription_service.h"
#include "app/team_service.h"
#include "app/tool_run_service.h"
#include "common/ids.h"
#include "common/strings.h"
#include "http/handlers/routes.h"
#include "http/log.h"
#include "http/server.h"
#include "http/web_app.h"
#include "jobs/billing_jobs.h"
#include "jobs/charge_jobs.h"
#include "jobs/grant_expiry_job.h"
#include "jobs/order_expiry_job.h"
#include "jobs/scheduler.h"
#include "main/catalog_file.h"
#include "main/config.h"
#include "main/embedded.h"
#include "main/migrate_data.h"
#include "main/process_metrics.h"
#include "payments/alipay/alipay_provider.h"
#include "payments/creem/creem_provider.h"
#include "payments/creem/creem_signature.h"
#include "payments/epay/epay_merchants.h"
#include "payments/epay/epay_provider.h"
#include "payments/sandbox/sandbox_billing_provider.h"
#include "payments/sandbox/sandbox_gateway.h"
#include "payments/sandbox/sandbox_routes.h"
#include "payments/stripe/stripe_billing_provider.h"
#include "payments/stripe/stripe_payment_gateway.h"
#include "payments/wechatpay/wechatpay_provider.h"
#include "runners/demo_image_runner.h"
#include "runners/http_tool_runner.h"
#include "security/crypto.h"
#include "security/jwt.h"
#include "security/opaque_tokens.h"
#include "security/password_hasher.h"
#include "security/secret_file.h"
#include "storage/common/write_batcher.h"
#include "storage/postgres/postgres_database.h"
#include "storage/sqlite/sqlite_database.h"

#ifndef CREDITD_VERSION
#define CREDITD_VERSION "dev"
#endif

namespace creditd::main {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;

int Fail(const Status& status) {
  spdlog::error("{}", status.ToString());
  std::fprintf(stderr, "creditd: %s\n", status.message().c_str());
  return kExitFailure;
}

// One serving process per SQLite file: every writer of the file is that process's, which the
// group-commit writer and the account rows kept in memory (SqliteAccountSnapshots) rely on.
// Takes an advisory lock on "<file>.serve-lock", held until the process ends (the kernel drops
// it on any exit, kill -9 included). The other commands (verify, backup, apikey, admin) do not
// take it: they are short and write no balance. The lock's descriptor is left open.
Status LockSqliteServing(const std::string& sqlite_path) {
  const std::string path = sqlite_path + ".serve-lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status(reason::kConfigInvalid,
                  "cannot open " + path + ": " + std::system_category().message(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd);
    return Status(reason::kConfigInvalid,
                  error == EWOULDBLOCK
                      ? "another creditd is serving " + sqlite_path + " (it holds " + path + ")"
                      : "cannot lock " + path + ": " + std::system_category().message(error));
  }
  return Status::Ok();
}

Status EnsureDataDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status(reason::kConfigInvalid,
                  "cannot create data directory " + path + ": " +
                      std::strerror(errno));  // NOLINT(concurrency-mt-unsafe): start-up only.
  }
  return Status::Ok();
}

// The opened database, and the concrete backend for what only one of them offers.
struct OpenedDatabase {
  std::unique_ptr<app::Database> database;
  storage::sqlite::SqliteDatabase* sqlite = nullptr;        // Set for SQLite.
  storage::postgres::PostgresDatabase* postgres = nullptr;  // Set for PostgreSQL.
  std::string description;  // For logs: "sqlite:PATH" or "postgres://HOST/DB" (no password).

  Result<int> SchemaVersion() const {
    return sqlite != nullptr ? sqlite->SchemaVersion() : postgres->SchemaVersion();
  }
};

std::string DescribeDsn(const std::string& dsn) {
  const auto at = dsn.rfind('@');
  const auto scheme = dsn.find("://");
  return at == std::string::npos ? dsn : dsn.substr(0, scheme + 3) + dsn.substr(at + 1);
}

// The charge writers: one group-commit writer on SQLite; on PostgreSQL, which shares a WAL flush
// among concurrent commits itself, several writers each committing one charge (bounded, as each
// holds a connection of the server's max_connections).
int BatcherThreads(const Config& config) {
  return config.postgres_dsn.empty() ? 1
                                     : std::clamp(static_cast<int>(config.worker_threads), 2, 16);
}

// One event loop per core by default: a loop never waits, so more would only take turns.
int IoThreads(const Config& config) {
  return config.io_threads > 0
             ? static_cast<int>(config.io_threads)
             : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

Result<OpenedDatabase> OpenDatabase(const Config& config, bool migrate) {
  CREDITD_RETURN_IF_ERROR(EnsureDataDir(config.data_dir));
  // One connection per worker and per charge writer, plus the job thread and the readiness probe
  // (or as many as configured), and on SQLite one more per I/O thread either way (reading routes
  // read there: http::Router::AddRead), so a read on an I/O thread never waits for a connection
  // that busy workers hold.
  const int io_readers = config.postgres_dsn.empty() ? IoThreads(config) : 0;
  const int pool_size = (config.database_pool_size > 0 ? static_cast<int>(config.database_pool_size)
                                                       : static_cast<int>(config.worker_threads) +
                                                             BatcherThreads(config) + 2) +
                        io_readers;
  OpenedDatabase opened;
  if (!config.postgres_dsn.empty()) {
    CREDITD_ASSIGN_OR_RETURN(auto database, storage::postgres::PostgresDatabase::Open(
                                                config.postgres_dsn, pool_size, migrate));
    opened.postgres = database.get();
    opened.database = std::move(database);
    opened.description = DescribeDsn(config.postgres_dsn);
    return opened;
  }
  storage::sqlite::SqliteOptions options;
  options.path = config.sqlite_path;
  options.synchronous = config.sqlite_synchronous;
  CREDITD_ASSIGN_OR_RETURN(auto database,
                           storage::sqlite::SqliteDatabase::Open(options, pool_size, migrate));
  opened.sqlite = database.get();
  opened.database = std::move(database);
  opened.description = "sqlite:" + config.sqlite_path;
  return opened;
}

Result<domain::Catalog> LoadCatalog(const Config& config) {
  if (config.catalog_path.empty()) {
    return ParseCatalogToml(embedded::DemoCatalogToml(), "built-in demo catalog");
  }
  std::ifstream in(config.catalog_path);
  if (!in) {
    return Status(reason::kConfigInvalid, "cannot read catalog file " + config.catalog_path);
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseCatalogToml(text.str(), config.catalog_path);
}

app::AuthConfig MakeAuthConfig(const Config& config) {
  app::AuthConfig auth;
  auth.access_token_ttl = std::chrono::seconds(config.access_token_ttl_seconds);
  auth.refresh_token_ttl = std::chrono::seconds(config.refresh_token_ttl_seconds);
  auth.throttle.account_failures_max = static_cast<int>(config.login_account_failures_max);
  auth.throttle.address_attempts_max = static_cast<int>(config.login_address_attempts_max);
  return auth;
}

Result<std::string> JwtSecret(const Config& config) {
  if (!config.jwt_secret.empty()) {
    return config.jwt_secret;
  }
  // Validate() refused production mode without a secret; development generates one.
  return security::LoadOrCreateSecretFile(config.data_dir + "/jwt-secret");
}

// The Stripe price of each plan and interval: the catalog file's, or STRIPE_PRICE_<PLAN>_<MONTHLY|
// YEARLY> (seed 003: STRIPE_PRICE_PRO_MONTHLY=price_...), which wins.
std::map<std::string, app::PlanPrice> StripePrices(const domain::Catalog& catalog) {
  std::map<std::string, app::PlanPrice> prices;
  const auto environment = [](const std::string& name) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at start-up, before any thread.
    const char* value = std::getenv(name.c_str());
    return std::string(value != nullptr ? value : "");
  };
  for (const auto& [price, plan] : StripePlanPrices(catalog, environment)) {
    prices[price] = app::PlanPrice{plan.first, plan.second};
  }
  return prices;
}

// Everything a running server needs, built in dependency order.
struct Services {
  SystemClock clock;
  RandomIdGenerator ids;
  security::Argon2idPasswordHasher hasher;
  security::RandomOpaqueTokens tokens;
  std::unique_ptr<security::Hs256AccessTokenCodec> codec;
  std::unique_ptr<app::AuthService> auth;
  std::unique_ptr<app::AccountService> accounts;
  std::unique_ptr<app::CreditService> credits;
  std::unique_ptr<payments::sandbox::SandboxPaymentGateway> sandbox;
  std::unique_ptr<payments::stripe::StripeBillingProvider> stripe;  // Null without a key.
  std::unique_ptr<payments::stripe::StripePaymentGateway> stripe_gateway;
  std::unique_ptr<app::StoredCheckoutVolume> checkout_volume;         // With EPay.
  std::unique_ptr<payments::epay::EpayProvider> epay;                 // Null unless configured.
  std::unique_ptr<payments::alipay::AlipayProvider> alipay;           // Null unless configured.
  std::unique_ptr<payments::wechatpay::WechatpayProvider> wechatpay;  // Null unless configured.
  std::unique_ptr<payments::creem::CreemProvider> creem;              // Null unless configured.
  std::unique_ptr<app::OrderService> orders;
  std::unique_ptr<app::ApiKeyService> api_keys;
  std::unique_ptr<storage::WriteBatcher> batcher;
  app::InFlightKeys in_flight;
  runners::DemoImageRunner demo_runner;
  runners::HttpToolRunner upstream_runner;
};

// A secret given as NAME or in the file named by NAME_FILE: its value, or the file's content
// without surrounding whitespace. Errors: "config_invalid" naming NAME_FILE when the file cannot
// be read or is empty.
Result<std::string> ReadSecret(const SecretSetting& secret, const std::string& name) {
  if (secret.file.empty()) {
    return secret.value;
  }
  std::ifstream in(secret.file, std::ios::binary);
  std::ostringstream content;
  if (in) {
    content << in.rdbuf();
  }
  std::string text(TrimAscii(content.str()));
  if (!in || text.empty() || text.size() > 16384) {
    return Status(reason::kConfigInvalid, name + "_FILE: cannot read a secret from " + secret.file +
                                              " (missing, unreadable, empty or larger than 16 KiB)")
        .WithField(name + "_FILE");
  }
  return text;
}

Result<payments::RsaPrivateKey> ReadPrivateKey(const SecretSetting& secret,
                                               const std::string& name) {
  CREDITD_ASSIGN_OR_RETURN(const std::string text, ReadSecret(secret, name));
  auto key = payments::RsaPrivateKey::Parse(text);
  if (!key.ok()) {
    return Status(reason::kConfigInvalid,
                  name + ": not an RSA private key of 2048 bits or more: " + key.status().message())
        .WithField(name);
  }
  return key;
}

Result<payments::RsaPublicKey> ReadPublicKey(const SecretSetting& secret, const std::string& name) {
  CREDITD_ASSIGN_OR_RETURN(const std::string text, ReadSecret(secret, name));
  auto key = payments::RsaPublicKey::Parse(text);
  if (!key.ok()) {
    return Status(reason::kConfigInvalid,
                  name + ": not an RSA public key of 2048 bits or more: " + key.status().message())
        .WithField(name);
  }
  return key;
}

Result<std::unique_ptr<payments::alipay::AlipayProvider>> MakeAlipay(const Config& config,
                                                                     const Clock& clock) {
  CREDITD_ASSIGN_OR_RETURN(auto app_key,
                           ReadPrivateKey(config.alipay_private_key, "ALIPAY_PRIVATE_KEY"));
  CREDITD_ASSIGN_OR_RETURN(auto alipay_key,
                           ReadPublicKey(config.alipay_public_key, "ALIPAY_PUBLIC_KEY"));
  payments::alipay::AlipayOptions options;
  options.gateway = config.alipay_gateway;
  options.app_id = config.alipay_app_id;
  options.seller_id = config.alipay_seller_id;
  options.qr_for_desktop = config.alipay_qr;
  return std::make_unique<payments::alipay::AlipayProvider>(
      std::move(options), std::move(app_key), std::move(alipay_key), clock, config.public_url);
}

Result<std::unique_ptr<payments::wechatpay::WechatpayProvider>> MakeWechatpay(const Config& config,
                                                                              const Clock& clock,
                                                                              IdGenerator& ids) {
  CREDITD_ASSIGN_OR_RETURN(auto merchant_key,
                           ReadPrivateKey(config.wechatpay_private_key, "WECHATPAY_PRIVATE_KEY"));
  CREDITD_ASSIGN_OR_RETURN(auto wechat_key,
                           ReadPublicKey(config.wechatpay_public_key, "WECHATPAY_PUBLIC_KEY"));
  payments::wechatpay::WechatpayOptions options;
  CREDITD_ASSIGN_OR_RETURN(options.api_v3_key,
                           ReadSecret(config.wechatpay_apiv3_key, "WECHATPAY_APIV3_KEY"));
  if (options.api_v3_key.size() != 32) {
    return Status(reason::kConfigInvalid,
                  "WECHATPAY_APIV3_KEY: must be the 32-character APIv3 key set in the merchant "
                  "platform (APIv3密钥)")
        .WithField("WECHATPAY_APIV3_KEY");
  }
  options.api_base = config.wechatpay_api_base;
  options.mchid = config.wechatpay_mchid;
  options.appid = config.wechatpay_appid;
  options.serial_no = config.wechatpay_serial_no;
  options.platform_key_id = config.wechatpay_public_key_id;
  return std::make_unique<payments::wechatpay::WechatpayProvider>(
      std::move(options), std::move(merchant_key), std::move(wechat_key), clock, ids,
      config.public_url);
}

Result<std::unique_ptr<payments::creem::CreemProvider>> MakeCreem(const Config& config) {
  payments::creem::CreemOptions options;
  options.api_base = config.creem_api_base;
  options.product_id = config.creem_product_id;
  CREDITD_ASSIGN_OR_RETURN(options.api_key, ReadSecret(config.creem_api_key, "CREEM_API_KEY"));
  CREDITD_ASSIGN_OR_RETURN(options.webhook_secret,
                           ReadSecret(config.creem_webhook_secret, "CREEM_WEBHOOK_SECRET"));
  if (!payments::creem::IsStandardSecret(options.webhook_secret)) {
    spdlog::warn(
        "CREEM_WEBHOOK_SECRET is not a Standard Webhooks secret (whsec_<base64>): only webhooks "
        "signed with the legacy creem-signature header will verify");
  }
  return std::make_unique<payments::creem::CreemProvider>(std::move(options), config.public_url);
}

Status BuildServices(const Config& config, app::Database& database, Services& services) {
  CREDITD_ASSIGN_OR_RETURN(std::string secret, JwtSecret(config));
  services.codec = std::make_unique<security::Hs256AccessTokenCodec>(std::move(secret));
  app::AuthConfig auth = MakeAuthConfig(config);
  // One process owns an embedded database, so it sees every session it must forget.
  auth.remember_sessions = database.reads_local();
  services.auth =
      std::make_unique<app::AuthService>(database, services.hasher, *services.codec,
                                         services.tokens, services.ids, services.clock, auth);
  services.accounts = std::make_unique<app::AccountService>(database, services.clock);
  services.credits = std::make_unique<app::CreditService>(database, services.clock);
  services.sandbox = std::make_unique<payments::sandbox::SandboxPaymentGateway>(config.public_url);
  app::OrderServiceConfig orders;
  // The alipay and wechat orders go to an EPay aggregator when one is configured; else, with the
  // sandbox on (--payments-sandbox), the sandbox page pays them; else those methods are not
  // offered and answer 501.
  orders.payment_timeout = std::chrono::seconds(config.order_payment_timeout_seconds);
  if (config.payments_sandbox) {
    for (const auto method : {domain::PaymentMethod::kSandbox, domain::PaymentMethod::kAlipay,
                              domain::PaymentMethod::kWechat}) {
      orders.gateways[method] = services.sandbox.get();
    }
  }
  if (!config.epay_api_base.empty()) {
    payments::epay::EpayOptions epay;
    epay.api_base = config.epay_api_base;
    if (config.epay_merchants_file.empty()) {
      payments::epay::EpayMerchant merchant;
      merchant.pid = config.epay_pid;
      CREDITD_ASSIGN_OR_RETURN(merchant.key, ReadSecret(config.epay_key, "EPAY_KEY"));
      epay.merchants.push_back(std::move(merchant));
    } else {
      CREDITD_ASSIGN_OR_RETURN(
          const std::string text,
          ReadSecret(SecretSetting{"", config.epay_merchants_file}, "EPAY_MERCHANTS"));
      CREDITD_ASSIGN_OR_RETURN(epay.merchants, payments::epay::ParseMerchants(text));
    }
    epay.api_checkout = config.epay_checkout == "api";
    services.checkout_volume = std::make_unique<app::StoredCheckoutVolume>(database);
    services.epay = std::make_unique<payments::epay::EpayProvider>(
        std::move(epay), config.public_url, services.checkout_volume.get());
    for (const auto method : {domain::PaymentMethod::kAlipay, domain::PaymentMethod::kWechat}) {
      orders.gateways[method] = services.epay.get();
    }
    spdlog::info("EPay enabled at {} ({}) for alipay and wechat orders", config.epay_api_base,
                 config.epay_merchants_file.empty() ? "merchant " + config.epay_pid
                                                    : config.epay_merchants_file);
  }
  if (!config.alipay_app_id.empty()) {
    CREDITD_ASSIGN_OR_RETURN(services.alipay, MakeAlipay(config, services.clock));
    // Alipay's own app takes the alipay orders even when an aggregator is configured.
    orders.gateways[domain::PaymentMethod::kAlipay] = services.alipay.get();
    spdlog::info("Alipay enabled at {} (app {})", config.alipay_gateway, config.alipay_app_id);
  }
  if (!config.wechatpay_mchid.empty()) {
    CREDITD_ASSIGN_OR_RETURN(services.wechatpay,
                             MakeWechatpay(config, services.clock, services.ids));
    // WeChat Pay's own merchant takes the wechat orders even when an aggregator is configured.
    orders.gateways[domain::PaymentMethod::kWechat] = services.wechatpay.get();
    spdlog::info("WeChat Pay enabled at {} (merchant {})", config.wechatpay_api_base,
                 config.wechatpay_mchid);
  }
  if (!config.creem_product_id.empty()) {
    CREDITD_ASSIGN_OR_RETURN(services.creem, MakeCreem(config));
    orders.gateways[domain::PaymentMethod::kCreem] = services.creem.get();
    spdlog::info("Creem enabled at {} (product {})", config.creem_api_base,
                 config.creem_product_id);
  }
  if (!config.stripe_secret_key.empty()) {
    payments::stripe::StripeClientOptions stripe_options;
    stripe_options.api_base = config.stripe_api_base;
    stripe_options.secret_key = config.stripe_secret_key;
    services.stripe = std::make_unique<payments::stripe::StripeBillingProvider>(
        stripe_options, config.stripe_webhook_secret);
    services.stripe_gateway = std::make_unique<payments::stripe::StripePaymentGateway>(
        *services.stripe, config.public_url);
    orders.gateways[domain::PaymentMethod::kStripe] = services.stripe_gateway.get();
  }
  services.orders = std::make_unique<app::OrderService>(database, services.clock, orders);
  services.api_keys =
      std::make_unique<app::ApiKeyService>(database, services.tokens, services.clock);
  return Status::Ok();
}

// On the first start, loads the catalog file into the database; creates the configured admin
// if missing.
Status SeedCatalogAndAdmin(const Config& config, app::CatalogService& catalog_service,
                           const domain::Catalog& catalog, Services& services) {
  CREDITD_ASSIGN_OR_RETURN(const bool seeded, catalog_service.SeedIfFirstStart(catalog));
  if (seeded) {
    spdlog::info(
        "catalog loaded into the database: {} credit packs, {} memberships, {} tools, "
        "{} plans",
        catalog.credit_packs.size(), catalog.memberships.size(), catalog.tools.size(),
        catalog.plans.size());
  }
  if (!config.admin_email.empty()) {
    CREDITD_ASSIGN_OR_RETURN(const auto admin,
                             services.auth->EnsureAdmin(config.admin_email, config.admin_password));
    spdlog::info("admin {} {}", admin.first.email, admin.second ? "created" : "present");
  }
  return Status::Ok();
}

http::ServerOptions ServerOptionsOf(const Config& config) {
  http::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.max_body_bytes = static_cast<size_t>(config.max_body_bytes);
  options.max_header_bytes = static_cast<size_t>(config.max_header_bytes);
  options.read_timeout = std::chrono::seconds(config.read_timeout_seconds);
  options.io_threads = IoThreads(config);
  options.worker_threads = static_cast<int>(config.worker_threads);
  options.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);
  options.trust_forwarded_for = config.trust_forwarded_for;
  return options;
}

// Everything /metrics shows, in this order: HTTP, the charge writer, the database pool, the jobs,
// the ledger totals (one aggregate read per scrape, never on a charge's path) and the process.
void AddMetricsCollectors(metrics::Registry& registry, const http::Server& server,
                          Services& services, const app::Database& database,
                          const jobs::Scheduler& scheduler) {
  registry.Add([&server](metrics::TextWriter& out) { server.WriteMetrics(out); });
  registry.Add(
      [&services](metrics::TextWriter& out) { services.batcher->WriteMetrics(out, "charges"); });
  registry.Add([&database](metrics::TextWriter& out) { database.WriteMetrics(out); });
  registry.Add([&scheduler](metrics::TextWriter& out) { scheduler.WriteMetrics(out); });
  registry.Add([&services](metrics::TextWriter& out) {
    const auto totals = services.accounts->Totals();
    if (!totals.ok()) {
      spdlog::warn("metrics: cannot read the ledger totals: {}", totals.status().ToString());
      return;
    }
    out.Family("creditd_ledger_accounts", "gauge", "Credit accounts, personal and team.");
    out.Sample("creditd_ledger_accounts", {}, totals->accounts);
    out.Family("creditd_ledger_balance_credits", "gauge",
               "Credits in all accounts (the sum of balances, held credits included): bought or "
               "granted and not yet spent or expired.");
    out.Sample("creditd_ledger_balance_credits", {}, totals->balance);
    out.Family("creditd_ledger_held_credits", "gauge",
               "Credits reserved by pending holds (part of the balance).");
    out.Sample("creditd_ledger_held_credits", {}, totals->held);
  });
  registry.Add(WriteProcessMetrics);
}

// On SQLite, the background WAL checkpointer every 10 ms (SqliteDatabase::StartCheckpointer).
Status StartCheckpointer(OpenedDatabase& database) {
  if (database.sqlite == nullptr) {
    return Status::Ok();
  }
  return database.sqlite->StartCheckpointer(std::chrono::milliseconds(10));
}

// Before `serve` opens the database: on SQLite, LockSqliteServing (in the data directory, made
// if missing).
Status LockServing(const Config& config) {
  if (config.sqlite_path.empty()) {
    return Status::Ok();  // PostgreSQL: several processes by design.
  }
  CREDITD_RETURN_IF_ERROR(EnsureDataDir(config.data_dir));
  return LockSqliteServing(config.sqlite_path);
}

// Every provider whose notifications, queries and refunds settle orders or subscriptions:
// `billing` (the subscription provider, if any) and the order-only ones.
app::PaymentProviders ProvidersOf(Services& services, app::BillingProvider* billing) {
  app::PaymentProviders providers;
  if (billing != nullptr) {
    providers.Add(*billing);
  }
  if (services.epay) {
    providers.Add(*services.epay);
  }
  if (services.alipay) {
    providers.Add(*services.alipay);
  }
  if (services.wechatpay) {
    providers.Add(*services.wechatpay);
  }
  if (services.creem) {
    providers.Add(*services.creem);
  }
  return providers;
}

// Whether any provider but `local` (the sandbox, which loses no notifications) is registered:
// only remote providers' notifications can be lost and need reconciling.
bool HasRemoteProvider(const app::PaymentProviders& providers, const app::PaymentProvider* local) {
  return std::any_of(providers.all().begin(), providers.all().end(),
                     [local](const app::PaymentProvider* provider) { return provider != local; });
}

// Where the payment gateways send payers and notifications, once the server listens.
void SetPublicUrl(Services& services, const std::string& public_url) {
  services.sandbox->set_base_url(public_url);
  if (services.stripe_gateway) {
    services.stripe_gateway->set_base_url(public_url);
  }
  if (services.epay) {
    services.epay->set_base_url(public_url);
  }
  if (services.alipay) {
    services.alipay->set_base_url(public_url);
  }
  if (services.wechatpay) {
    services.wechatpay->set_base_url(public_url);
  }
  if (services.creem) {
    services.creem->set_base_url(public_url);
  }
}

int Serve(const Config& config) {
  if (const Status locked = LockServing(config); !locked.ok()) {
    return Fail(locked);
  }
  auto database = OpenDatabase(config, /*migrate=*/true);
  if (!database.ok()) {
    return Fail(database.status());
  }
  if (const Status started = StartCheckpointer(*database); !started.ok()) {
    return Fail(started);
  }
  Services services;
  if (const Status built = BuildServices(config, *database->database, services); !built.ok()) {
    return Fail(built);
  }
  auto catalog = LoadCatalog(config);
  if (!catalog.ok()) {
    return Fail(catalog.status());
  }
  app::CatalogService catalog_service(*database->database, services.clock);
  // Group commit on SQLite (one writer; a batch shares one fsync). PostgreSQL commits concurrent
  // transactions with one WAL flush by itself (docs/architecture.md).
  services.batcher = std::make_unique<storage::WriteBatcher>(
      *database->database, database->database->backend_name() == "sqlite", BatcherThreads(config));
  app::ChargeService charge_service(*database->database, *services.batcher, services.in_flight,
                                    catalog_service, services.clock);
  app::ToolRunService run_service(*database->database, charge_service, catalog_service,
                                  services.demo_runner, services.upstream_runner, services.clock);
  app::SubscriptionService subscription_service(*database->database, catalog_service,
                                                services.clock);
  // The billing provider: Stripe when configured; else, in development with the sandbox on, the
  // sandbox plays subscriptions (issue 6 point 7); else none (subscriptions are unavailable).
  std::unique_ptr<payments::sandbox::SandboxBillingProvider> sandbox_billing;
  app::BillingProvider* provider = services.stripe.get();
  if (services.stripe) {
    auto prices = StripePrices(*catalog);
    spdlog::info("Stripe enabled at {} with {} plan prices", config.stripe_api_base, prices.size());
    services.stripe->set_prices(std::move(prices));
  } else if (config.payments_sandbox) {
    sandbox_billing = std::make_unique<payments::sandbox::SandboxBillingProvider>(
        *database->database, catalog_service, services.clock,
        std::chrono::seconds(config.sandbox_subscription_period_seconds));
    provider = sandbox_billing.get();
  }
  const app::PaymentProviders providers = ProvidersOf(services, provider);
  app::TeamService team_service(*database->database, services.clock);
  app::EventInbox inbox(*database->database, catalog_service, services.clock, providers, provider);
  app::SubscriptionCommands subscription_commands(*database->database, catalog_service,
                                                  services.clock, provider);
  // A checkout is closed at its provider two minutes after the order's deadline (a payer may be
  // confirming at the last moment), or one payment window after it when that is shorter.
  const auto close_grace = std::min<std::chrono::seconds>(
      std::chrono::minutes(2), std::chrono::seconds(config.order_payment_timeout_seconds));
  app::BillingReconciler reconciler(*database->database, catalog_service, services.clock, providers,
                                    provider, close_grace);
  app::OrderRefunds refunds(*database->database, providers, services.clock);
  app::FreePlanCredits free_plan_credits(*database->database, catalog_service);
  if (sandbox_billing) {
    sandbox_billing->set_event_sink(&inbox);
  }
  if (const Status prepared = SeedCatalogAndAdmin(config, catalog_service, *catalog, services);
      !prepared.ok()) {
    return Fail(prepared);
  }

  const http::ServerOptions options = ServerOptionsOf(config);

  http::Router router;
  std::unique_ptr<http::Server> server;
  // What GET /metrics renders; the collectors are added below, before serving.
  metrics::Registry metrics_registry;
  http::ApiServices api{*services.auth,
                        *services.accounts,
                        catalog_service,
                        *services.credits,
                        *services.orders,
                        *services.api_keys,
                        charge_service,
                        run_service,
                        subscription_service,
                        subscription_commands,
                        inbox,
                        reconciler,
                        refunds,
                        team_service,
                        *database->database,
                        [&server] { return server && server->draining(); },
                        std::string(embedded::OpenApiJson()),
                        CREDITD_VERSION,
                        [&metrics_registry] { return metrics_registry.Render(); },
                        [&config](std::string_view bearer) {
                          return config.metrics_token.empty() ||
                                 security::ConstantTimeEquals(bearer, config.metrics_token);
                        }};
  // Reading routes run on the I/O thread where a read costs less than the trip to a worker.
  router.RunReadsInline(database->database->reads_local());
  http::RegisterRoutes(router, api);
  if (config.payments_sandbox) {
    payments::sandbox::RegisterSandboxRoutes(router, *services.orders, *services.sandbox,
                                             sandbox_billing.get());
  } else {
    payments::sandbox::RegisterDisabledSandboxRoutes(router);
  }
  auto web_app = http::WebApp::Load(config.web_root);
  if (!web_app.ok()) {
    return Fail(web_app.status());
  }
  if (web_app->empty()) {
    spdlog::warn("no web portal at {} (build it with `make build`); serving the API only",
                 config.web_root);
  } else {
    spdlog::info("web portal: {} files from {}", web_app->file_count(), config.web_root);
  }
  router.SetFallback([&web_app](http::Request& request) { return web_app->Serve(request); });
  server = std::make_unique<http::Server>(options, router);
  const auto port = server->Listen();
  if (!port.ok()) {
    return Fail(port.status());
  }

  const std::string public_url = config.public_url.empty()
                                     ? "http://" + config.host + ":" + std::to_string(*port)
                                     : config.public_url;
  SetPublicUrl(services, public_url);
  subscription_commands.set_public_url(public_url);
  if (sandbox_billing) {
    sandbox_billing->set_base_url(public_url);
  }

  jobs::GrantExpiryJob grant_expiry(*database->database);
  jobs::OrderExpiryJob order_expiry(*services.orders);
  jobs::Scheduler scheduler(services.clock);
  scheduler.Add(grant_expiry);
  scheduler.Add(order_expiry);
  jobs::ChargeExpiryJob charge_expiry(charge_service);
  jobs::IdempotencyPruneJob idempotency_prune(charge_service);
  jobs::ProviderCycleJob subscription_renewal([&sandbox_billing](Timestamp now, int limit) {
    return sandbox_billing->RenewDue(now, limit);
  });
  if (sandbox_billing) {
    scheduler.Add(subscription_renewal);
  }
  jobs::BillingReconcileJob billing_reconcile(reconciler);
  jobs::OrderReconcileJob order_reconcile(reconciler);
  if (HasRemoteProvider(providers, sandbox_billing.get())) {
    // Remote providers' lost notifications, and checkouts to close after their deadline.
    scheduler.Add(billing_reconcile);
    scheduler.Add(order_reconcile);
  }
  jobs::FreeCreditsJob free_credits(free_plan_credits);
  if (config.free_plan_credits) {
    scheduler.Add(free_credits);
  }
  scheduler.Add(charge_expiry);
  scheduler.Add(idempotency_prune);
  AddMetricsCollectors(metrics_registry, *server, services, *database->database, scheduler);
  scheduler.Start();

  if (config.payments_sandbox) {
    spdlog::warn(
        "payments sandbox on: orders can be paid without money at {}/sandbox/ "
        "(loopback only; never for a deployment)",
        public_url);
  }
  spdlog::info("creditd {} listening on http://{}:{} (data {}, database {}, env {})",
               CREDITD_VERSION, config.host, *port, config.data_dir, database->description,
               config.environment);
  server->Run();
  http::FlushAccessLog();
  spdlog::info("server stopped; stopping jobs and closing the database");
  const app::WriteQueue::Stats batches = services.batcher->stats();
  spdlog::info("group commit: {} charge operations in {} transactions (largest batch {})",
               batches.operations, batches.batches, batches.largest_batch);
  scheduler.Stop();
  database->database->Close();
  spdlog::info("creditd stopped cleanly");
  return kExitOk;
}

int Migrate(const Config& config) {
  auto database = OpenDatabase(config, /*migrate=*/true);
  if (!database.ok()) {
    return Fail(database.status());
  }
  const auto version = database->SchemaVersion();
  if (!version.ok()) {
    return Fail(version.status());
  }
  std::printf("database %s is at schema version %d\n", database->description.c_str(), *version);
  return kExitOk;
}

int CreateAdmin(const Config& config, const std::string& email, const std::string& password) {
  auto database = OpenDatabase(config, /*migrate=*/true);
  if (!database.ok()) {
    return Fail(database.status());
  }
  Services services;
  if (const Status built = BuildServices(config, *database->database, services); !built.ok()) {
    return Fail(built);
  }
  const auto admin = services.auth->EnsureAdmin(email, password);
  if (!admin.ok()) {
    return Fail(admin.status());
  }
  std::printf("%s admin %s (user id %lld)\n",
              admin->second ? "created" : "promoted existing user to", admin->first.email.c_str(),
              static_cast<long long>(admin->first.id));  // NOLINT(google-runtime-int)
  return kExitOk;
}

int Verify(const Config& config) {
  auto database = OpenDatabase(config, /*migrate=*/false);
  if (!database.ok()) {
    return Fail(database.status());
  }
  SystemClock clock;
  app::AccountService accounts(*database->database, clock);
  const auto checked = accounts.VerifyAll([](int64_t done) {
    std::fprintf(stderr, "verify: %lld accounts checked\n",
                 static_cast<long long>(done));  // NOLINT(google-runtime-int)
  });
  if (!checked.ok()) {
    std::fprintf(stderr, "verify: FAILED: %s\n", checked.status().internal_detail().c_str());
    return Fail(checked.status());
  }
  std::printf("verify: %lld accounts checked, every ledger invariant holds\n",
              static_cast<long long>(*checked));  // NOLINT(google-runtime-int)
  return kExitOk;
}

int Backup(const Config& config, const std::string& path) {
  auto database = OpenDatabase(config, /*migrate=*/false);
  if (!database.ok()) {
    return Fail(database.status());
  }
  if (database->sqlite == nullptr) {
    return Fail(Status(reason::kConfigInvalid,
                       "creditd backup copies SQLite databases; back up PostgreSQL with pg_dump "
                       "(see README, Scaling out)"));
  }
  if (const Status status = database->sqlite->BackupTo(path); !status.ok()) {
    return Fail(status);
  }
  std::printf("backup of %s written to %s\n", config.sqlite_path.c_str(), path.c_str());
  return kExitOk;
}

int CreateApiKey(const Config& config, const std::string& name) {
  auto database = OpenDatabase(config, /*migrate=*/true);
  if (!database.ok()) {
    return Fail(database.status());
  }
  Services services;
  if (const Status built = BuildServices(config, *database->database, services); !built.ok()) {
    return Fail(built);
  }
  const auto created = services.api_keys->Create(name);
  if (!created.ok()) {
    return Fail(created.status());
  }
  std::fprintf(stderr, "created API key %lld \"%s\"; it is shown once, store it now:\n",
               static_cast<long long>(created->key.id),  // NOLINT(google-runtime-int)
               created->key.name.c_str());
  std::printf("%s\n", created->secret.c_str());
  return kExitOk;
}

int MigrateDataCommand(const std::string& from, const std::string& to) {
  if (from.rfind("sqlite:", 0) != 0) {
    return Fail(Status(reason::kConfigInvalid, "--from must be sqlite:PATH").WithField("--from"));
  }
  if (to.rfind("postgres://", 0) != 0 && to.rfind("postgresql://", 0) != 0) {
    return Fail(Status(reason::kConfigInvalid, "--to must be postgres://USER@HOST:PORT/DATABASE")
                    .WithField("--to"));
  }
  const auto report = MigrateData(from.substr(7), to, [](const std::string& line) {
    std::fprintf(stderr, "migrate-data: copied %s\n", line.c_str());
  });
  if (!report.ok()) {
    std::fprintf(stderr, "migrate-data: FAILED: %s\n", report.status().internal_detail().c_str());
    return Fail(report.status());
  }
  std::printf(
      "migrate-data: copied %lld rows of %lld tables into %s; row counts and %lld account "
      "balances verified, every ledger invariant holds\n",
      static_cast<long long>(report->rows),    // NOLINT(google-runtime-int)
      static_cast<long long>(report->tables),  // NOLINT(google-runtime-int)
      DescribeDsn(to).c_str(),
      static_cast<long long>(report->accounts_verified));  // NOLINT(google-runtime-int)
  return kExitOk;
}

// Registers a setting as a flag and its CREDITD_* environment variable (a flag wins), showing
// the default in --help.
template <typename T>
void AddSetting(CLI::App& app, const std::string& flag, T& value, const std::string& help,
                const std::string& env) {
  app.add_option(flag, value, help)->envname(env)->capture_default_str();
}

// A secret given as --flag (variable `env`) or in a file, --flag-file (`env`_FILE).
void AddSecretSetting(CLI::App& app, const std::string& flag, SecretSetting& secret,
                      const std::string& help, const std::string& env) {
  AddSetting(app, flag + "-file", secret.file, "File holding: " + help, env + "_FILE");
  AddSetting(app, flag, secret.value, help + " (or " + flag + "-file)", env);
}

}  // namespace

// Parses the command line and runs one subcommand; returns the process exit code.
int Main(int argc, char** argv);

int Main(int argc, char** argv) {
  CLI::App app{"creditd: subscription and credits billing server for AI tool sites"};
  app.set_version_flag("--version", CREDITD_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  Config config;
  AddSetting(app, "--data", config.data_dir, "Data directory (SQLite file, generated secrets)",
             "CREDITD_DATA");
  AddSetting(app, "--db", config.database_url, "Database URL; default sqlite:<data>/creditd.db",
             "CREDITD_DATABASE_URL");
  AddSetting(app, "--log-level", config.log_level, "trace, debug, info, warn or error",
             "CREDITD_LOG_LEVEL");
  AddSetting(app, "--env", config.environment,
             "development or production (strict: secrets required, no sandbox payments)",
             "CREDITD_ENV");
  AddSetting(app, "--jwt-secret", config.jwt_secret,
             "HS256 key, at least 32 characters; generated into <data>/jwt-secret in "
             "development when absent",
             "CREDITD_JWT_SECRET");
  AddSetting(app, "--sqlite-synchronous", config.sqlite_synchronous,
             "SQLite synchronous mode: FULL (fsync before every answer), EXTRA or NORMAL",
             "CREDITD_SQLITE_SYNCHRONOUS");
  AddSetting(app, "--database-pool-size", config.database_pool_size,
             "Database connections per process (0: worker threads + charge writers + 2)",
             "CREDITD_DATABASE_POOL_SIZE");
  AddSetting(app, "--worker-threads", config.worker_threads,
             "Threads that run request handlers (database, password hashing)",
             "CREDITD_WORKER_THREADS");

  auto* serve = app.add_subcommand("serve", "Serve the HTTP API, the jobs and the web UI");
  AddSetting(*serve, "--listen", config.listen, "HOST:PORT to listen on (port 0: any free port)",
             "CREDITD_LISTEN");
  AddSetting(*serve, "--catalog", config.catalog_path,
             "Catalog TOML loaded at first start (default: the built-in demo catalog)",
             "CREDITD_CATALOG");
  AddSetting(*serve, "--max-body-bytes", config.max_body_bytes, "Largest request body (413 above)",
             "CREDITD_MAX_BODY_BYTES");
  AddSetting(*serve, "--max-header-bytes", config.max_header_bytes,
             "Largest request header block (431 above)", "CREDITD_MAX_HEADER_BYTES");
  AddSetting(*serve, "--read-timeout-seconds", config.read_timeout_seconds,
             "Time allowed to read one request; also the keep-alive idle limit",
             "CREDITD_READ_TIMEOUT_SECONDS");
  AddSetting(*serve, "--io-threads", config.io_threads,
             "Event loops (threads) running network I/O and inline routes; 0: one per core",
             "CREDITD_IO_THREADS");
  AddSetting(*serve, "--access-token-ttl-seconds", config.access_token_ttl_seconds,
             "Lifetime of access tokens", "CREDITD_ACCESS_TOKEN_TTL_SECONDS");
  AddSetting(*serve, "--refresh-token-ttl-seconds", config.refresh_token_ttl_seconds,
             "Lifetime of refresh tokens", "CREDITD_REFRESH_TOKEN_TTL_SECONDS");
  AddSetting(*serve, "--shutdown-grace-seconds", config.shutdown_grace_seconds,
             "How long in-flight requests may run after SIGTERM", "CREDITD_SHUTDOWN_GRACE_SECONDS");
  AddSetting(*serve, "--metrics-token", config.metrics_token,
             "Bearer token GET /metrics requires (16+ characters); empty: /metrics is open, so "
             "keep it off the public internet",
             "CREDITD_METRICS_TOKEN");
  AddSetting(*serve, "--login-account-failures-max", config.login_account_failures_max,
             "Failed logins allowed per e-mail in 15 minutes (NIST: at most 100)",
             "CREDITD_LOGIN_ACCOUNT_FAILURES_MAX");
  AddSetting(*serve, "--login-address-attempts-max", config.login_address_attempts_max,
             "Login and sign-up attempts allowed per client address in 15 minutes",
             "CREDITD_LOGIN_ADDRESS_ATTEMPTS_MAX");
  serve
      ->add_flag("--trust-forwarded-for", config.trust_forwarded_for,
                 "Take the client address from X-Forwarded-For (only behind your own proxy)")
      ->envname("CREDITD_TRUST_FORWARDED_FOR");
  AddSetting(*serve, "--order-payment-timeout-seconds", config.order_payment_timeout_seconds,
             "How long a new order may be paid before it expires",
             "CREDITD_ORDER_PAYMENT_TIMEOUT_SECONDS");
  AddSetting(*serve, "--web-root", config.web_root,
             "Directory of the built web portal served at / (web/dist of the source tree)",
             "CREDITD_WEB_ROOT");
  AddSetting(*serve, "--public-url", config.public_url,
             "Public base URL for links given to payers (default: http://<listen>)",
             "CREDITD_PUBLIC_URL");
  AddSetting(*serve, "--admin-email", config.admin_email,
             "With --admin-password: make sure this admin exists at start", "CREDITD_ADMIN_EMAIL");
  AddSetting(*serve, "--admin-password", config.admin_password, "Password for --admin-email",
             "CREDITD_ADMIN_PASSWORD");

  AddSetting(*serve, "--stripe-secret-key", config.stripe_secret_key,
             "Stripe secret key (sk_...); enables subscriptions through Stripe",
             "STRIPE_SECRET_KEY");
  AddSetting(*serve, "--stripe-webhook-secret", config.stripe_webhook_secret,
             "Signing secret of the /webhooks/stripe endpoint (whsec_...)",
             "STRIPE_WEBHOOK_SECRET");
  AddSetting(*serve, "--stripe-api-base", config.stripe_api_base,
             "Stripe API base URL (tests point it at a local fake)", "STRIPE_API_BASE");
  AddSetting(*serve, "--epay-api-base", config.epay_api_base,
             "Address of an EPay (易支付) aggregator; with its pid and key it takes alipay and "
             "wechat orders",
             "EPAY_API_BASE");
  AddSetting(*serve, "--epay-pid", config.epay_pid, "EPay merchant id", "EPAY_PID");
  AddSecretSetting(*serve, "--epay-key", config.epay_key, "EPay merchant key", "EPAY_KEY");
  AddSetting(*serve, "--epay-merchants-file", config.epay_merchants_file,
             "JSON file of several EPay merchants with daily limits (instead of pid and key)",
             "EPAY_MERCHANTS_FILE");
  AddSetting(*serve, "--epay-checkout", config.epay_checkout,
             "page: payers go to submit.php; api: mapi.php answers a page or a QR code",
             "EPAY_CHECKOUT");
  AddSetting(*serve, "--alipay-app-id", config.alipay_app_id,
             "Alipay open-platform app id (APPID); with the keys it takes alipay orders",
             "ALIPAY_APP_ID");
  AddSecretSetting(*serve, "--alipay-private-key", config.alipay_private_key,
                   "The app's private key (PEM, or the base64 Alipay's tool shows)",
                   "ALIPAY_PRIVATE_KEY");
  AddSecretSetting(*serve, "--alipay-public-key", config.alipay_public_key,
                   "Alipay's public key (支付宝公钥)", "ALIPAY_PUBLIC_KEY");
  AddSetting(*serve, "--alipay-gateway", config.alipay_gateway,
             "Alipay's gateway (the sandbox's, or a local fake in tests)", "ALIPAY_GATEWAY");
  AddSetting(*serve, "--alipay-seller-id", config.alipay_seller_id,
             "When set, notifications must name this seller id (PID, 2088...)", "ALIPAY_SELLER_ID");
  serve
      ->add_flag("--alipay-qr", config.alipay_qr,
                 "Desktop payers scan an Alipay 当面付 QR code (alipay.trade.precreate) instead of "
                 "the page-pay page")
      ->envname("ALIPAY_QR")
      ->capture_default_str();
  AddSetting(*serve, "--wechatpay-mchid", config.wechatpay_mchid,
             "WeChat Pay merchant id (商户号); with the rest it takes wechat orders",
             "WECHATPAY_MCHID");
  AddSetting(*serve, "--wechatpay-appid", config.wechatpay_appid,
             "The AppID bound to the WeChat Pay merchant", "WECHATPAY_APPID");
  AddSetting(*serve, "--wechatpay-serial-no", config.wechatpay_serial_no,
             "Serial number of the merchant API certificate", "WECHATPAY_SERIAL_NO");
  AddSecretSetting(*serve, "--wechatpay-private-key", config.wechatpay_private_key,
                   "The merchant API private key (apiclient_key.pem)", "WECHATPAY_PRIVATE_KEY");
  AddSecretSetting(*serve, "--wechatpay-public-key", config.wechatpay_public_key,
                   "WeChat Pay's public key (pub_key.pem) or platform certificate",
                   "WECHATPAY_PUBLIC_KEY");
  AddSetting(*serve, "--wechatpay-public-key-id", config.wechatpay_public_key_id,
             "Id of WeChat Pay's public key (PUB_KEY_ID_...) or the platform certificate's serial",
             "WECHATPAY_PUBLIC_KEY_ID");
  AddSecretSetting(*serve, "--wechatpay-apiv3-key", config.wechatpay_apiv3_key,
                   "The APIv3 key (32 characters) that opens notifications", "WECHATPAY_APIV3_KEY");
  AddSetting(*serve, "--wechatpay-api-base", config.wechatpay_api_base,
             "WeChat Pay's API (a local fake in tests)", "WECHATPAY_API_BASE");
  AddSecretSetting(*serve, "--creem-api-key", config.creem_api_key, "Creem's API key",
                   "CREEM_API_KEY");
  AddSecretSetting(*serve, "--creem-webhook-secret", config.creem_webhook_secret,
                   "Creem's webhook signing secret (whsec_…)", "CREEM_WEBHOOK_SECRET");
  AddSetting(*serve, "--creem-product-id", config.creem_product_id,
             "The one-time Creem product every creem order is sold as", "CREEM_PRODUCT_ID");
  AddSetting(*serve, "--creem-api-base", config.creem_api_base,
             "Creem's API (https://test-api.creem.io in test mode; a local fake in tests)",
             "CREEM_API_BASE");
  AddSetting(*serve, "--free-plan-credits", config.free_plan_credits,
             "Grant the free plan's monthly credits on each account's monthly anniversary",
             "CREDITD_FREE_PLAN_CREDITS");
  // A flag (no value); its variable takes true/false.
  serve
      ->add_flag("--payments-sandbox", config.payments_sandbox,
                 "Offer the sandbox payment provider (simulated checkout and payment/callback; "
                 "loopback addresses and development mode only)")
      ->envname("CREDITD_PAYMENTS_SANDBOX")
      ->capture_default_str();
  AddSetting(*serve, "--sandbox-subscription-period-seconds",
             config.sandbox_subscription_period_seconds,
             "Length of a sandbox subscription period (0: a calendar month or year)",
             "CREDITD_SANDBOX_SUBSCRIPTION_PERIOD_SECONDS");

  auto* migrate = app.add_subcommand("migrate", "Apply pending database migrations and exit");
  auto* verify =
      app.add_subcommand("verify", "Check the ledger invariants of every account and exit");
  auto* backup = app.add_subcommand("backup", "Copy the SQLite database to a file while serving");
  std::string backup_path;
  backup->add_option("--to", backup_path, "Destination file")->required();

  auto* migrate_data = app.add_subcommand(
      "migrate-data", "Copy a SQLite deployment into an empty PostgreSQL database and verify it");
  std::string migrate_from;
  std::string migrate_to;
  migrate_data->add_option("--from", migrate_from, "Source: sqlite:PATH")->required();
  migrate_data->add_option("--to", migrate_to, "Target: postgres://USER@HOST:PORT/DATABASE")
      ->required();

  auto* apikey = app.add_subcommand("apikey", "API keys of tool backends");
  apikey->require_subcommand(1);
  auto* apikey_create = apikey->add_subcommand("create", "Create an API key and print it once");
  std::string apikey_name;
  apikey_create->add_option("--name", apikey_name, "What the key is for, e.g. image-backend")
      ->required();

  auto* admin = app.add_subcommand("admin", "Administrator accounts");
  admin->require_subcommand(1);
  auto* admin_create = admin->add_subcommand("create", "Create an admin (or promote a user)");
  std::string admin_email;
  std::string admin_password;
  admin_create->add_option("--email", admin_email, "E-mail address")->required();
  admin_create->add_option("--password", admin_password, "Password, 8 to 128 characters")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  http::InstallJsonLogging(config.log_level);
  if (const Status valid = Validate(config); !valid.ok()) {
    return Fail(valid);
  }
  if (*serve) {
    return Serve(config);
  }
  if (*migrate) {
    return Migrate(config);
  }
  if (*verify) {
    return Verify(config);
  }
  if (*backup) {
    return Backup(config, backup_path);
  }
  if (*apikey_create) {
    return CreateApiKey(config, apikey_name);
  }
  if (*migrate_data) {
    return MigrateDataCommand(migrate_from, migrate_to);
  }
  if (*admin_create) {
    return CreateAdmin(config, admin_email, admin_password);
  }
  return kExitFailure;
}

}  // namespace creditd::main

int main(int argc, char** argv) {
  // The last-resort catch of STYLE.md B.3 for start-up and shutdown (requests and jobs have
  // their own): say what went wrong instead of std::terminate's bare abort.
  try {
    return creditd::main::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "creditd: fatal: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "creditd: fatal: unknown exception\n");
  }
  return creditd::main::kExitFailure;
}
