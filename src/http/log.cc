#include "http/log.h"

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <thread>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>

#include "common/clock.h"
#include "common/mutex.h"

namespace creditd::http {

namespace {
thread_local std::string current_request_id;  // NOLINT: per-thread by design.
}  // namespace

ScopedRequestId::ScopedRequestId(std::string_view request_id)
    : previous_(std::exchange(current_request_id, std::string(request_id))) {}

ScopedRequestId::~ScopedRequestId() {
  current_request_id = std::move(previous_);
}

const std::string& CurrentRequestId() {
  return current_request_id;
}

void JsonLogFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  nlohmann::json line = {
      {"ts", FormatRfc3339Millis(msg.time)},
      {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                            spdlog::level::to_string_view(msg.level).size())},
  };
  if (!current_request_id.empty()) {
    line["request_id"] = current_request_id;
  }
  line["msg"] = std::string(msg.payload.data(), msg.payload.size());
  const std::string text =
      line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  dest.append(text.data(), text.data() + text.size());
}

std::unique_ptr<spdlog::formatter> JsonLogFormatter::clone() const {
  return std::make_unique<JsonLogFormatter>();
}

void InstallJsonLogging(std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>("creditd",
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(std::make_unique<JsonLogFormatter>());
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
}

namespace {

// The access log's queue and its writer thread (started by the first line, joined at exit after
// writing what is left).
class AccessLogWriter {
 public:
  static AccessLogWriter& Instance() {
    static AccessLogWriter writer;  // NOLINT: one per process by design.
    return writer;
  }

  void Append(std::string_view line) {
    {
      MutexLock lock(mutex_);
      if (!thread_.joinable()) {
        thread_ = std::thread([this] { Loop(); });
      }
      // Bounded: while stderr does not keep up (a stalled pipe), requests wait for it, as they
      // did when each wrote its own line, instead of the queue growing without end.
      while (queued_.size() >= kMaxQueuedBytes) {
        lock.Wait(flushed_);
      }
      queued_.append(line);
      queued_.push_back('\n');
      ++appended_;
      // The writer wakes by itself every kWriteInterval; a request wakes it only when a lot is
      // queued, so serving a request never costs a wake-up of another thread.
      if (queued_.size() < kWakeBytes) {
        return;
      }
    }
    ready_.notify_one();
  }

  void Flush() {
    MutexLock lock(mutex_);
    const uint64_t target = appended_;
    flush_requested_ = true;
    ready_.notify_one();
    while (written_ < target && thread_.joinable()) {
      lock.Wait(flushed_);
    }
  }

  AccessLogWriter() = default;
  AccessLogWriter(const AccessLogWriter&) = delete;
  AccessLogWriter& operator=(const AccessLogWriter&) = delete;

  ~AccessLogWriter() {
    {
      const MutexLock lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_one();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  void Loop() {
    std::string writing;
    MutexLock lock(mutex_);
    for (;;) {
      // Lines are written every kWriteInterval; sooner when much is queued, on Flush() and at
      // exit.
      while (!stopping_ && !flush_requested_ && queued_.size() < kWakeBytes) {
        const bool woken =
            lock.WaitUntil(ready_, std::chrono::steady_clock::now() + kWriteInterval);
        if (!woken && !queued_.empty()) {
          break;
        }
      }
      flush_requested_ = false;
      if (queued_.empty()) {
        if (stopping_) {
          return;  // Everything is written.
        }
        continue;  // A Flush() with nothing queued: written_ already covers it.
      }
      writing.swap(queued_);
      const uint64_t covered = appended_;
      lock.Unlock();
      // One fwrite holds stderr's lock for the whole buffer, as spdlog's sink does per line, so
      // whole lines of the two never interleave.
      std::fwrite(writing.data(), 1, writing.size(), stderr);
      std::fflush(stderr);
      writing.clear();
      lock.Lock();
      written_ = covered;
      flushed_.notify_all();
    }
  }

  static constexpr size_t kMaxQueuedBytes = 4 << 20;
  static constexpr size_t kWakeBytes = 64 << 10;
  static constexpr std::chrono::milliseconds kWriteInterval{20};

  Mutex mutex_;
  std::condition_variable ready_;
  std::condition_variable flushed_;
  std::string queued_ GUARDED_BY(mutex_);
  uint64_t appended_ GUARDED_BY(mutex_) = 0;  // Lines queued so far.
  uint64_t written_ GUARDED_BY(mutex_) = 0;   // Lines written so far.
  bool stopping_ GUARDED_BY(mutex_) = false;
  bool flush_requested_ GUARDED_BY(mutex_) = false;
  // Started under mutex_ by the first Append; joined by the destructor at exit.
  std::thread thread_;
};

}  // namespace

void WriteAccessLog(std::string_view json_line) {
  AccessLogWriter::Instance().Append(json_line);
}

void FlushAccessLog() {
  AccessLogWriter::Instance().Flush();
}

}  // namespace creditd::http
