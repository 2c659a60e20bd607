#include "http/web_app.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace creditd::http {
namespace {

namespace fs = std::filesystem;

class WebAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "creditd-web-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "assets");
    Write("index.html", "<!doctype html><div id=root></div>");
    Write("assets/index-Ab12.js", "console.log(1)");
    Write("favicon.svg", "<svg/>");
  }
  void TearDown() override { fs::remove_all(root_); }

  void Write(const std::string& relative, const std::string& text) {
    std::ofstream(root_ / relative) << text;
  }

  static Response Get(const WebApp& app, std::string path) {
    Request request;
    request.method = Method::kGet;
    request.path = std::move(path);
    request.request_id = "req-1";
    return app.Serve(request);
  }

  static std::string Header(const Response& response, const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) {
        return value;
      }
    }
    return "";
  }

  fs::path root_;
};

TEST_F(WebAppTest, ServesTheAppItsAssetsAndDeepLinks) {
  const auto app = WebApp::Load(root_.string());
  ASSERT_TRUE(app.ok());
  EXPECT_EQ(app->file_count(), 3U);

  const Response index = Get(*app, "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(index.body, "<!doctype html><div id=root></div>");
  EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
  EXPECT_NE(Header(index, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);

  // A deep link of the app is the app.
  const Response deep = Get(*app, "/credit/recharge");
  EXPECT_EQ(deep.status, 200);
  EXPECT_EQ(deep.body, index.body);

  const Response script = Get(*app, "/assets/index-Ab12.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(script, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get(*app, "/favicon.svg").content_type, "image/svg+xml");
}

TEST_F(WebAppTest, MissingFilesAndServerPathsAreNotThePage) {
  const auto app = WebApp::Load(root_.string());
  ASSERT_TRUE(app.ok());
  for (const char* path : {"/assets/gone-1.js", "/logo.png", "/api/v1/nope", "/api", "/webhooks/x",
                           "/sandbox/checkout/R1", "/healthz"}) {
    const Response response = Get(*app, path);
    EXPECT_EQ(response.status, 404) << path;
    EXPECT_NE(response.body.find("route_not_found"), std::string::npos) << path;
  }
  // Lookups are exact: nothing outside the directory is reachable.
  EXPECT_EQ(Get(*app, "/../../etc/passwd").body, Get(*app, "/").body);
}

TEST_F(WebAppTest, WithoutABuildEveryPathIsNotFound) {
  const auto app = WebApp::Load((root_ / "missing").string());
  ASSERT_TRUE(app.ok());
  EXPECT_TRUE(app->empty());
  EXPECT_EQ(Get(*app, "/").status, 404);
}

}  // namespace
}  // namespace creditd::http
