#include "main/config.h"

#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace creditd::main {
namespace {

TEST(ConfigTest, DefaultsAreValidAndDeriveHostPortAndDatabase) {
  Config config;
  ASSERT_TRUE(Validate(config).ok());
  EXPECT_EQ(config.host, "127.0.0.1");
  EXPECT_EQ(config.port, 8080);
  EXPECT_EQ(config.sqlite_path, "./data/creditd.db");
  EXPECT_EQ(config.env, Environment::kDevelopment);
}

TEST(ConfigTest, ChoosesTheBackendFromTheDatabaseUrl) {
  Config config;
  config.database_url = "postgres://creditd@127.0.0.1:5432/creditd";
  ASSERT_TRUE(Validate(config).ok());
  EXPECT_EQ(config.postgres_dsn, "postgres://creditd@127.0.0.1:5432/creditd");
  EXPECT_TRUE(config.sqlite_path.empty());
  Config sqlite;
  sqlite.database_url = "sqlite:/var/lib/creditd/creditd.db";
  ASSERT_TRUE(Validate(sqlite).ok());
  EXPECT_EQ(sqlite.sqlite_path, "/var/lib/creditd/creditd.db");
}

TEST(ConfigTest, ProductionRequiresAConfiguredSecret) {
  Config config;
  config.environment = "production";
  const Status status = Validate(config);
  EXPECT_EQ(status.reason(), "config_invalid");
  EXPECT_EQ(status.field(), "CREDITD_JWT_SECRET");
  config.jwt_secret = std::string(32, 'k');
  EXPECT_TRUE(Validate(config).ok());
}

TEST(ConfigTest, ThePaymentsSandboxIsOffByDefaultAndListensOnLoopbackOnly) {
  EXPECT_FALSE(Config{}.payments_sandbox);
  for (const char* listen : {"127.0.0.1:8080", "127.10.0.3:0", "[::1]:8080"}) {
    Config config;
    config.payments_sandbox = true;
    config.listen = listen;
    EXPECT_TRUE(Validate(config).ok()) << listen;
  }
  for (const char* listen :
       {"0.0.0.0:8080", "[::]:8080", "192.168.1.2:8080", "127.0.0:80", "127.0.0.256:80",
        "127.0.0.-1:80", "127.evil.example:80", "example.com:80", "localhost:80"}) {
    Config config;
    config.payments_sandbox = true;
    config.listen = listen;
    const Status status = Validate(config);
    EXPECT_EQ(status.reason(), "config_invalid") << listen;
    EXPECT_EQ(status.field(), "--payments-sandbox") << listen;
  }
  Config production;
  production.payments_sandbox = true;
  production.environment = "production";
  production.jwt_secret = std::string(32, 'k');
  EXPECT_EQ(Validate(production).field(), "--payments-sandbox");
}

TEST(ConfigTest, WechatpayNeedsEveryPieceOnceAndHttpsInProduction) {
  const auto wechat = [] {
    Config config;
    config.wechatpay_mchid = "1900000001";
    config.wechatpay_appid = "wx0000000000000001";
    config.wechatpay_serial_no = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
    config.wechatpay_private_key.file = "/run/secrets/apiclient_key.pem";
    config.wechatpay_public_key.file = "/run/secrets/pub_key.pem";
    config.wechatpay_public_key_id = "PUB_KEY_ID_0119000000012026120300000000000001";
    config.wechatpay_apiv3_key.value = std::string(32, 'k');
    return config;
  };
  Config config = wechat();
  config.wechatpay_api_base = "https://api.mch.weixin.qq.com/";
  ASSERT_TRUE(Validate(config).ok());
  EXPECT_EQ(config.wechatpay_api_base, "https://api.mch.weixin.qq.com");
  Config unset;
  EXPECT_TRUE(Validate(unset).ok());  // Not configured.
  std::vector<std::pair<Config, std::string>> bad;
  const auto with = [&](auto change, const char* field) {
    Config changed = wechat();
    change(changed);
    bad.emplace_back(std::move(changed), field);
  };
  with([](Config& c) { c.wechatpay_mchid = "19x"; }, "WECHATPAY_MCHID");
  with([](Config& c) { c.wechatpay_mchid.clear(); }, "WECHATPAY_MCHID");
  with([](Config& c) { c.wechatpay_appid.clear(); }, "WECHATPAY_APPID");
  with([](Config& c) { c.wechatpay_serial_no.clear(); }, "WECHATPAY_SERIAL_NO");
  with([](Config& c) { c.wechatpay_public_key_id.clear(); }, "WECHATPAY_PUBLIC_KEY_ID");
  with([](Config& c) { c.wechatpay_private_key = {}; }, "WECHATPAY_PRIVATE_KEY");
  with([](Config& c) { c.wechatpay_public_key.value = "both"; }, "WECHATPAY_PUBLIC_KEY");
  with([](Config& c) { c.wechatpay_apiv3_key = {}; }, "WECHATPAY_APIV3_KEY");
  with([](Config& c) { c.wechatpay_apiv3_key.value = std::string(31, 'k'); },
       "WECHATPAY_APIV3_KEY");
  with(
      [](Config& c) {
        c = Config();
        c.wechatpay_serial_no = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1";
      },
      "WECHATPAY_MCHID");
  with([](Config& c) { c.wechatpay_api_base = "api.mch.weixin.qq.com"; }, "WECHATPAY_API_BASE");
  with(
      [](Config& c) {
        c.environment = "production";
        c.jwt_secret = std::string(32, 'j');
        c.wechatpay_api_base = "http://pay.example.com";
      },
      "WECHATPAY_API_BASE");
  for (auto& [config_, field] : bad) {
    EXPECT_EQ(Validate(config_).field(), field);
  }
}

TEST(ConfigTest, CreemNeedsAProductWithOneApiKeyAndOneSecretAndHttpsInProduction) {
  const auto creem = [] {
    Config config;
    config.creem_product_id = "prod_1";
    config.creem_api_key.file = "/run/secrets/creem-api-key";
    config.creem_webhook_secret.value = "whsec_c2VjcmV0";
    return config;
  };
  Config config = creem();
  config.creem_api_base = "https://test-api.creem.io/";
  ASSERT_TRUE(Validate(config).ok());
  EXPECT_EQ(config.creem_api_base, "https://test-api.creem.io");
  std::vector<std::pair<Config, std::string>> bad;
  const auto with = [&](auto change, const char* field) {
    Config changed = creem();
    change(changed);
    bad.emplace_back(std::move(changed), field);
  };
  with([](Config& c) { c.creem_product_id.clear(); }, "CREEM_PRODUCT_ID");
  with([](Config& c) { c.creem_product_id = std::string(129, 'p'); }, "CREEM_PRODUCT_ID");
  with([](Config& c) { c.creem_api_key = {}; }, "CREEM_API_KEY");
  with([](Config& c) { c.creem_webhook_secret.file = "/run/secrets/both"; },
       "CREEM_WEBHOOK_SECRET");
  with(
      [](Config& c) {
        c.environment = "production";
        c.jwt_secret = std::string(32, 'j');
        c.creem_api_base = "http://api.creem.example";
      },
      "CREEM_API_BASE");
  for (auto& [config_, field] : bad) {
    EXPECT_EQ(Validate(config_).field(), field);
  }
}

TEST(ConfigTest, EpayNeedsItsAddressMerchantAndOneKeyAndHttpsInProduction) {
  const auto epay = [](std::string base, std::string pid, std::string key, std::string file) {
    Config config;
    config.epay_api_base = std::move(base);
    config.epay_pid = std::move(pid);
    config.epay_key = {std::move(key), std::move(file)};
    return config;
  };
  Config config = epay("https://pay.example.com/submit.php", "1001", "k", "");
  ASSERT_TRUE(Validate(config).ok());
  EXPECT_EQ(config.epay_api_base, "https://pay.example.com");  // The page is dropped.
  config = epay("https://pay.example.com/", "1001", "", "/run/secrets/epay");
  ASSERT_TRUE(Validate(config).ok());
  EXPECT_EQ(config.epay_api_base, "https://pay.example.com");
  config = epay("https://pay.example.com", "", "", "");
  config.epay_merchants_file = "/run/secrets/epay-merchants.json";
  EXPECT_TRUE(Validate(config).ok()) << "several merchants from a file instead of pid and key";
  Config unset = epay("", "", "", "");
  EXPECT_TRUE(Validate(unset).ok());  // Not configured.
  for (const auto& [bad, field] : std::vector<std::pair<Config, std::string>>{
           {epay("pay.example.com", "1001", "k", ""), "EPAY_API_BASE"},
           {epay("https://pay.example.com", "", "k", ""), "EPAY_PID"},
           {epay("https://pay.example.com", "10a1", "k", ""), "EPAY_PID"},
           {epay("https://pay.example.com", "01001", "k", ""), "EPAY_PID"},
           {epay("https://pay.example.com", "1001", "", ""), "EPAY_KEY"},
           {epay("https://pay.example.com", "1001", "k", "/f"), "EPAY_KEY"},
           {epay("", "1001", "", ""), "EPAY_API_BASE"},
           {[&] {
              Config both = epay("https://pay.example.com", "1001", "k", "");
              both.epay_merchants_file = "/run/secrets/epay-merchants.json";
              return both;
            }(),
            "EPAY_MERCHANTS_FILE"},
           {[&] {
              Config mapi = epay("https://pay.example.com", "1001", "k", "");
              mapi.epay_checkout = "qr";
              return mapi;
            }(),
            "EPAY_CHECKOUT"}}) {
    Config copy = bad;
    EXPECT_EQ(Validate(copy).field(), field) << bad.epay_api_base << " " << bad.epay_pid;
  }
  // In production the key must not cross the network in clear text; loopback is fine.
  Config production = epay("http://pay.example.com", "1001", "k", "");
  production.environment = "production";
  production.jwt_secret = std::string(32, 'k');
  EXPECT_EQ(Validate(production).field(), "EPAY_API_BASE");
  production.epay_api_base = "http://127.0.0.1:9000";
  EXPECT_TRUE(Validate(production).ok());
  production.epay_api_base = "http://[::1]:9000/";
  EXPECT_TRUE(Validate(production).ok());
  production.epay_api_base = "http://127.0.0.1.evil.example/";
  EXPECT_EQ(Validate(production).field(), "EPAY_API_BASE");
}

TEST(ConfigTest, RejectsBadValuesNamingTheSetting) {
  struct Case {
    const char* field;
    void (*mutate)(Config&);
  };
  const Case cases[] = {
      {"--listen", [](Config& c) { c.listen = "8080"; }},
      {"--listen", [](Config& c) { c.listen = "127.0.0.1:99999"; }},
      {"CREDITD_ENV", [](Config& c) { c.environment = "staging"; }},
      {"--db", [](Config& c) { c.database_url = "mysql://x"; }},
      {"CREDITD_DATABASE_POOL_SIZE", [](Config& c) { c.database_pool_size = -1; }},
      {"CREDITD_MAX_BODY_BYTES", [](Config& c) { c.max_body_bytes = 10; }},
      {"CREDITD_JWT_SECRET", [](Config& c) { c.jwt_secret = "short"; }},
      {"CREDITD_ADMIN_EMAIL", [](Config& c) { c.admin_email = "a@b.co"; }},
      {"--log-level", [](Config& c) { c.log_level = "loud"; }},
  };
  for (const auto& c : cases) {
    Config config;
    c.mutate(config);
    EXPECT_EQ(Validate(config).field(), c.field);
  }
}

}  // namespace
}  // namespace creditd::main
