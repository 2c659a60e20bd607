// Structured logging: every log line is one JSON object carrying the current request id.
//
// InstallJsonLogging() points spdlog's default logger at stderr with JsonLogFormatter. The
// request id is thread-local: the server sets it (ScopedRequestId) around each handler, so any
// spdlog::info() inside a request is tagged without passing the id around. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

namespace creditd::http {

// Sets the calling thread's current request id for the lifetime of the object.
class ScopedRequestId {
 public:
  explicit ScopedRequestId(std::string_view request_id);
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;
  ~ScopedRequestId();

 private:
  std::string previous_;
};

// Returns the calling thread's current request id ("" outside a request).
const std::string& CurrentRequestId();

// Formats {"ts":"...","level":"info","request_id":"...","msg":"..."} with proper escaping.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;
};

// Makes JSON lines on stderr the default log output at `level` ("debug", "info", "warn", ...).
void InstallJsonLogging(std::string_view level);

// Queues one access-log line (a JSON object without the trailing newline) for stderr, in the
// calling thread's own queue. A background thread writes the queued lines every 20 ms (sooner
// once a queue holds 64 KiB), many per write, so a request neither waits for the terminal or the
// pipe (unless its thread has 4 MiB queued: then it waits) nor wakes or waits for another thread;
// a thread's lines keep their order, and lines never interleave with other log lines (both write
// whole lines through stderr's lock). A kill -9 may lose the last few tens of milliseconds of
// lines; FlushAccessLog() writes everything queued (at shutdown, and at exit).
void WriteAccessLog(std::string_view json_line);

// Blocks until every line queued before the call has been written.
void FlushAccessLog();

}  // namespace creditd::http
