// WebApp: the user portal built from web/ (Vite's dist/ directory), served by creditd at `/`.
// The files are read once at start into memory (the build is a few hundred kB) and looked up by
// exact path, so no request can reach outside the directory. Hashed assets (/assets/...) are
// cached for a year; index.html is never cached, so a new build shows at the next load. Any
// other path without a file extension is a deep link of the app and gets index.html; the API,
// webhook, sandbox and health paths keep their own 404s.
//
// Immutable after Load; Serve is thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>

#include "common/result.h"
#include "http/request.h"

namespace creditd::http {

class WebApp {
 public:
  // At most this many files and bytes are loaded (a build is far smaller).
  static constexpr size_t kMaxFiles = 2000;
  static constexpr size_t kMaxBytes = size_t{64} << 20;

  // Loads every regular file under `root`. A root that does not exist gives an empty app (the
  // portal is not built); a root over the limits or unreadable is kInternal/"internal".
  static Result<WebApp> Load(const std::string& root);

  bool empty() const { return files_.empty(); }
  size_t file_count() const { return files_.size(); }

  // Answers a GET or HEAD of a path no route has (Router::SetFallback).
  Response Serve(const Request& request) const;

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, File, std::less<>> files_;  // By URL path: "/index.html".
};

}  // namespace creditd::http
