#include "http/log.h"

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

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

// The access log's queues and their writer thread (started by the first line, joined at exit
// after writing what is left).
//
// Each thread that logs has its own queue (a shard): an I/O thread appends under its shard's
// lock, which only the writer thread ever contends for (once per kWriteInterval), so two I/O
// threads never wait for each other (a lock shared by them cost a futex wake-up or wait per
// request under load: 5% of a balance read's samples). A thread's lines keep their order; lines
// of different threads are written a shard at a time (their timestamps order them).
class AccessLogWriter {
 public:
  static AccessLogWriter& Instance() {
    static AccessLogWriter writer;  // NOLINT: one per process by design.
    return writer;
  }

  void Append(std::string_view line) {
    Shard& shard = OwnShard();
    bool wake = false;
    {
      MutexLock lock(shard.mutex);
      // Bounded: while stderr does not keep up (a stalled pipe), requests wait for it, as they
      // did when each wrote its own line, instead of the queue growing without end.
      while (shard.queued.size() >= kMaxQueuedBytes) {
        lock.Wait(shard.drained);
      }
      shard.queued.append(line);
      shard.queued.push_back('\n');
      // The writer wakes by itself every kWriteInterval; a request wakes it only when a lot is
      // queued, so serving a request never costs a wake-up of another thread.
      wake = shard.queued.size() >= kWakeBytes && !shard.wake_sent;
      shard.wake_sent = shard.wake_sent || wake;
    }
    if (wake) {
      {
        const MutexLock lock(mutex_);
        wake_requested_ = true;
      }
      ready_.notify_one();
    }
  }

  void Flush() {
    // Draining under drain_mutex_ waits for a drain the writer thread has in progress, so every
    // line queued before the call is written when this returns.
    Drain();
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
  struct Shard {
    Mutex mutex;
    std::condition_variable drained;  // A full queue was taken by the writer.
    std::string queued GUARDED_BY(mutex);
    bool wake_sent GUARDED_BY(mutex) = false;  // This queue has asked for a write already.
    bool orphaned GUARDED_BY(mutex) = false;   // Its thread has ended; dropped once drained.
  };

  // A thread's handle on its shard: marks it orphaned when the thread ends, so that servers
  // started and stopped (tests) leave no queue behind.
  struct ShardHandle {
    std::shared_ptr<Shard> shard;
    ShardHandle(const ShardHandle&) = delete;
    ShardHandle& operator=(const ShardHandle&) = delete;
    explicit ShardHandle(std::shared_ptr<Shard> owned) : shard(std::move(owned)) {}
    ~ShardHandle() {
      const MutexLock lock(shard->mutex);
      shard->orphaned = true;
    }
  };

  Shard& OwnShard() {
    thread_local const ShardHandle handle(Register());  // NOLINT: per-thread by design.
    return *handle.shard;
  }

  std::shared_ptr<Shard> Register() {
    auto shard = std::make_shared<Shard>();
    const MutexLock lock(mutex_);
    if (!thread_.joinable()) {
      thread_ = std::thread([this] { Loop(); });
    }
    shards_.push_back(shard);
    return shard;
  }

  void Loop() {
    MutexLock lock(mutex_);
    while (!stopping_) {
      // Lines are written every kWriteInterval; sooner when a shard has much queued.
      if (!wake_requested_) {
        lock.WaitUntil(ready_, std::chrono::steady_clock::now() + kWriteInterval);
      }
      wake_requested_ = false;
      lock.Unlock();
      Drain();
      lock.Lock();
    }
    lock.Unlock();
    Drain();  // What was queued before exit.
  }

  // Takes every shard's lines and writes them, then forgets the shards of ended threads.
  void Drain() {
    const MutexLock draining(drain_mutex_);
    std::vector<std::shared_ptr<Shard>> shards;
    {
      const MutexLock lock(mutex_);
      shards = shards_;
    }
    bool any_orphaned = false;
    for (const std::shared_ptr<Shard>& shard : shards) {
      {
        const MutexLock lock(shard->mutex);
        writing_.append(shard->queued);
        shard->queued.clear();
        shard->wake_sent = false;
        any_orphaned = any_orphaned || shard->orphaned;
      }
      shard->drained.notify_all();
    }
    if (!writing_.empty()) {
      // One fwrite holds stderr's lock for the whole buffer, as spdlog's sink does per line, so
      // whole lines of the two never interleave.
      std::fwrite(writing_.data(), 1, writing_.size(), stderr);
      std::fflush(stderr);
      writing_.clear();
    }
    if (any_orphaned) {
      const MutexLock lock(mutex_);
      std::erase_if(shards_, [](const std::shared_ptr<Shard>& shard) {
        const MutexLock shard_lock(shard->mutex);
        return shard->orphaned && shard->queued.empty();
      });
    }
  }

  static constexpr size_t kMaxQueuedBytes = 4 << 20;
  static constexpr size_t kWakeBytes = 64 << 10;
  static constexpr std::chrono::milliseconds kWriteInterval{20};

  Mutex mutex_;
  std::condition_variable ready_;
  std::vector<std::shared_ptr<Shard>> shards_ GUARDED_BY(mutex_);
  bool wake_requested_ GUARDED_BY(mutex_) = false;
  bool stopping_ GUARDED_BY(mutex_) = false;
  // Held while draining: one drain at a time (the writer's, or a Flush()).
  Mutex drain_mutex_;
  std::string writing_ GUARDED_BY(drain_mutex_);
  // Started under mutex_ by the first Register; joined by the destructor at exit.
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
