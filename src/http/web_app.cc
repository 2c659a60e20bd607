#include "http/web_app.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "http/error_response.h"

namespace creditd::http {

namespace {

namespace fs = std::filesystem;

std::string ContentTypeOf(const std::string& path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  }};
  for (const auto& [extension, type] : kTypes) {
    if (path.ends_with(extension)) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

// Paths that belong to the server, not the app: their unknown sub-paths stay JSON 404s.
bool IsServerPath(std::string_view path) {
  for (const std::string_view prefix : {"/api/", "/webhooks/", "/sandbox/"}) {
    if (path.starts_with(prefix)) {
      return true;
    }
  }
  return path == "/api" || path == "/healthz" || path == "/readyz";
}

bool HasExtension(std::string_view path) {
  const size_t slash = path.rfind('/');
  return path.find('.', slash == std::string_view::npos ? 0 : slash) != std::string_view::npos;
}

// What a browser needs to know about our pages: no sniffing, no framing, scripts and styles only
// from this server (React's style attributes need inline styles), images also as data: URLs.
void AddPageHeaders(Response& response) {
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
      "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
}

}  // namespace

Result<WebApp> WebApp::Load(const std::string& root) {
  WebApp app;
  std::error_code error;
  if (!fs::is_directory(root, error)) {
    return app;
  }
  size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (!it->is_regular_file(error)) {
      continue;
    }
    const std::string relative = fs::relative(it->path(), root, error).generic_string();
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in || error) {
      return Status(reason::kInternal, "cannot read the web app")
          .WithInternalDetail("reading " + it->path().string());
    }
    total += body.str().size();
    if (app.files_.size() >= kMaxFiles || total > kMaxBytes) {
      return Status(reason::kInternal, "the web app directory is too large")
          .WithInternalDetail(root + " holds more than the limits of WebApp");
    }
    const std::string path = "/" + relative;
    app.files_[path] = File{ContentTypeOf(path), body.str()};
  }
  if (error) {
    return Status(reason::kInternal, "cannot read the web app")
        .WithInternalDetail("listing " + root + ": " + error.message());
  }
  return app;
}

Response WebApp::Serve(const Request& request) const {
  const std::string_view path = request.path;
  const auto not_found = [&] {
    return ErrorResponse(Status(reason::kRouteNotFound, "no such endpoint: " + request.path),
                         request.request_id);
  };
  if (IsServerPath(path)) {
    return not_found();
  }
  auto file = files_.find(path);
  if (file == files_.end()) {
    if (HasExtension(path)) {
      return not_found();  // A missing script or image must not come back as a page.
    }
    file = files_.find(std::string_view("/index.html"));
    if (file == files_.end()) {
      return not_found();  // The portal is not built here.
    }
  }
  Response response;
  response.status = 200;
  response.content_type = file->second.content_type;
  response.body = file->second.body;
  const bool hashed = path.starts_with("/assets/");
  response.headers.emplace_back("Cache-Control",
                                hashed ? "public, max-age=31536000, immutable" : "no-cache");
  if (response.content_type.starts_with("text/html")) {
    AddPageHeaders(response);
  }
  return response;
}

}  // namespace creditd::http
